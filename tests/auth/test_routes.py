import sqlalchemy as sa

from academy.auth.passwords import hash_password
from academy.extensions import db
from academy.models import AccessAction, AccessLog, Role, User
from tests import factories
from tests.conftest import TEST_PASSWORD, sign_in


def make_user(**fields):
    user = factories.UserFactory(password_hash=hash_password(TEST_PASSWORD), **fields)
    db.session.commit()
    return user


def test_wrong_password_and_unknown_email_get_the_same_answer(client, db):
    user = make_user(role=Role.OFFICIAL)
    wrong_password = client.post("/login", data={"email": user.email, "password": "not-the-one-1"})
    unknown_email = client.post(
        "/login", data={"email": "nobody@example.com", "password": TEST_PASSWORD}
    )
    assert wrong_password.status_code == unknown_email.status_code == 401

    def notice(response):
        html = response.get_data(as_text=True)
        return html[html.index('class="notice') : html.index("</div>", html.index('class="notice'))]

    assert notice(wrong_password) == notice(unknown_email)
    failures = db.session.scalars(
        sa.select(AccessLog).where(AccessLog.action == AccessAction.LOGIN_FAILED)
    ).all()
    assert len(failures) == 2


def test_email_is_matched_whatever_its_case_and_spaces(client, db):
    user = make_user(role=Role.OFFICIAL)
    response = client.post(
        "/login", data={"email": f"  {user.email.upper()} ", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


def test_disabled_and_not_activated_accounts_cannot_sign_in(client, db):
    disabled = make_user(role=Role.OFFICIAL, active=False)
    invited = factories.UserFactory(role=Role.TRAINEE, password_hash=None)
    db.session.commit()
    for email in (disabled.email, invited.email):
        response = client.post("/login", data={"email": email, "password": TEST_PASSWORD})
        assert response.status_code == 401


def test_next_goes_only_to_local_paths(client, db):
    user = make_user(role=Role.TRAINEE)  # no second factor: the password step signs in
    for target, expected in [
        ("/campuses/?tier=large", "/campuses/?tier=large"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
    ]:
        response = client.post(
            "/login", data={"email": user.email, "password": TEST_PASSWORD, "next": target}
        )
        assert response.headers["Location"] == expected
        client.post("/logout")


def test_logout_invalidates_a_copied_session_cookie(app, client, db):
    user = make_user(role=Role.OFFICIAL)
    sign_in(client, user)
    stolen = app.test_client()
    stolen.set_cookie("session", client.get_cookie("session").value)
    assert stolen.get("/campuses/").status_code == 200
    assert client.post("/logout").status_code == 303
    response = stolen.get("/campuses/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_successful_login_is_logged(client, db):
    user = make_user(role=Role.OFFICIAL)
    sign_in(client, user)
    log = db.session.scalar(sa.select(AccessLog).where(AccessLog.action == AccessAction.LOGIN))
    assert log.user_id == user.id
    db.session.expire_all()
    assert db.session.get(User, user.id).last_login_at is not None


def test_logout_needs_post(client, login_as):
    login_as(Role.OFFICIAL)
    assert client.get("/logout").status_code == 405
