"""The administrator's account page: change the role and campus, disable and enable, and the
person concerned is signed out on their next request."""

import sqlalchemy as sa

from academy.admin import services
from academy.auth.passwords import hash_password
from academy.extensions import db as _db
from academy.models import AccessAction, AccessLog, Role, User
from tests import factories
from tests.conftest import TEST_PASSWORD, sign_in


def signed_in_client(app, role: Role, **fields):
    """A second browser: the person whose account the administrator changes."""
    user = factories.UserFactory(role=role, password_hash=hash_password(TEST_PASSWORD), **fields)
    _db.session.commit()
    other = app.test_client()
    sign_in(other, user)
    assert other.get("/").status_code == 302  # to their home page, not to the login page
    return user, other


def signed_out(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_list_links_to_each_account_page(client, login_as, db):
    official = factories.UserFactory(role=Role.OFFICIAL, email="kim@example.com")
    db.session.commit()
    login_as(Role.ADMIN)
    listing = client.get("/admin/accounts").get_data(as_text=True)
    assert f'href="/admin/accounts/{official.id}"' in listing
    page = client.get(f"/admin/accounts/{official.id}").get_data(as_text=True)
    assert "kim@example.com" in page and 'name="reason"' in page and 'name="role"' in page
    assert f'href="/admin/accounts/{official.id}/status"' in page
    assert 'href="/admin/accounts"' in page  # the way back


def test_changing_the_role_signs_the_person_out_at_once(app, client, login_as, db):
    official, their_browser = signed_in_client(app, Role.OFFICIAL)
    campus = factories.CampusFactory()
    db.session.commit()
    login_as(Role.ADMIN)
    response = client.post(
        f"/admin/accounts/{official.id}",
        data={"role": "coordinator", "campus": str(campus.id), "reason": "성동 캠퍼스 매니저 발령"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/accounts/{official.id}"
    user = db.session.get(User, official.id)
    db.session.refresh(user)
    assert (user.role, user.campus_id) == (Role.COORDINATOR, campus.id)
    assert signed_out(their_browser)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "성동 캠퍼스 매니저 발령" in page  # the access history shows the reason


def test_a_refused_change_is_explained_in_the_form(client, login_as, db):
    official = factories.UserFactory(role=Role.OFFICIAL)
    db.session.commit()
    login_as(Role.ADMIN)
    url = f"/admin/accounts/{official.id}"
    no_campus = client.post(
        url, data={"role": "coordinator", "campus": "", "reason": "매니저 발령"}
    )
    assert no_campus.status_code == 422
    html = no_campus.get_data(as_text=True)
    assert 'id="campus-error"' in html and 'aria-invalid="true"' in html
    no_reason = client.post(
        url, data={"role": "admin", "campus": ""}, headers={"HX-Request": "true"}
    )
    assert no_reason.status_code == 422
    fragment = no_reason.get_data(as_text=True)
    assert "<html" not in fragment and 'id="reason-error"' in fragment
    db.session.refresh(official)
    assert official.role == Role.OFFICIAL


def test_an_admin_is_told_they_cannot_demote_themselves(client, login_as, db):
    factories.UserFactory(role=Role.ADMIN, password_hash=hash_password(TEST_PASSWORD))
    admin = login_as(Role.ADMIN)
    demote = {"role": "official", "campus": "", "reason": "업무 변경"}
    response = client.post(f"/admin/accounts/{admin.id}", data=demote)
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)
    refused = client.post(f"/admin/accounts/{admin.id}/status", data={"reason": "업무 변경"})
    assert refused.status_code == 422 and 'role="alert"' in refused.get_data(as_text=True)
    assert client.get("/admin/accounts").status_code == 200  # still an administrator


def test_a_trainee_account_page_offers_no_role_change_and_is_logged(client, login_as, db):
    trainee = factories.TraineeFactory()
    db.session.commit()
    login_as(Role.ADMIN)
    page = client.get(f"/admin/accounts/{trainee.user_id}").get_data(as_text=True)
    assert 'name="role"' not in page
    assert f'href="/admin/accounts/{trainee.user_id}/status"' in page
    entry = db.session.scalars(
        sa.select(AccessLog).where(
            AccessLog.action == AccessAction.VIEW, AccessLog.subject_type == "user"
        )
    ).one()
    assert entry.trainee_id == trainee.id
    forced = client.post(
        f"/admin/accounts/{trainee.user_id}",
        data={"role": "admin", "campus": "", "reason": "권한 상승"},
    )
    assert forced.status_code == 422
    db.session.refresh(trainee.user)
    assert trainee.user.role == Role.TRAINEE


def test_disabling_asks_first_then_signs_the_person_out(app, client, login_as, db):
    instructor, their_browser = signed_in_client(app, Role.INSTRUCTOR)
    factories.InstructorFactory(user=instructor)
    db.session.commit()
    login_as(Role.ADMIN)
    url = f"/admin/accounts/{instructor.id}/status"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert 'method="post"' in confirm.get_data(as_text=True)
    db.session.refresh(instructor)
    assert instructor.active  # asking changes nothing
    assert not signed_out(their_browser)

    assert client.post(url, data={"reason": ""}).status_code == 422
    done = client.post(url, data={"reason": "계약 종료로 비활성화"})
    assert done.status_code == 303
    db.session.refresh(instructor)
    assert not instructor.active
    assert signed_out(their_browser)
    # A second password sign-in is refused too.
    again = their_browser.post(
        "/login", data={"email": instructor.email, "password": TEST_PASSWORD}
    )
    assert again.status_code != 302

    enabled = client.post(url, data={"reason": "계약 갱신으로 재활성화"})
    assert enabled.status_code == 303
    db.session.refresh(instructor)
    assert instructor.active
    actions = [e.action for e in services.access_history(instructor)]
    assert actions == [AccessAction.ROLE_GRANT, AccessAction.ROLE_REVOKE]


def test_changes_need_the_csrf_token(app, client, login_as, db):
    official = factories.UserFactory(role=Role.OFFICIAL)
    db.session.commit()
    login_as(Role.ADMIN)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        grant = {"role": "admin", "campus": "", "reason": "권한 부여"}
        changed = client.post(f"/admin/accounts/{official.id}", data=grant)
        disabled = client.post(
            f"/admin/accounts/{official.id}/status", data={"reason": "비활성화 처리"}
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert changed.status_code in (400, 422) and disabled.status_code in (400, 422)
    db.session.refresh(official)
    assert official.role == Role.OFFICIAL and official.active
