"""Passwords after activation, through a real SMTP server: "forgot your password?" answers the
same for every address, its link works once and for an hour, an administrator sends a link
without ever seeing the password, and every change ends the account's other sessions."""

import logging
import re
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from academy.accounts import services
from academy.auth.passwords import hash_password, verify_password
from academy.extensions import db
from academy.models import AccessLog, ActivationToken, LinkPurpose, Role, User, utcnow
from tests import factories
from tests.conftest import TEST_PASSWORD, sign_in, totp_code
from tests.test_mail import body_of

NEW_PASSWORD = "river stones under moonlight"
NONCE = re.compile(r"[Nn]once[^A-Za-z0-9_-]*[A-Za-z0-9_-]{16,}")


def account(role=Role.TRAINEE, **fields) -> User:
    if role == Role.COORDINATOR:
        fields.setdefault("campus", factories.CampusFactory())
    user = factories.UserFactory(role=role, password_hash=hash_password(TEST_PASSWORD), **fields)
    if role == Role.TRAINEE:
        factories.TraineeFactory(user=user)
    db.session.commit()
    return user


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def forgot(client, address: str):
    """Ask for a reset link as a browser does. The link is made and mailed once the answer has
    gone out, when the server closes the response (as every WSGI server does)."""
    response = client.post("/password/forgot", data={"email": address})
    response.close()
    return response


def mailed_link(message) -> str:
    return re.search(r"http://localhost(/password/reset/\S+)", body_of(message)).group(1)


def test_forgot_password_answers_the_same_for_unknown_and_known_addresses(client, db, smtp):
    user = account()
    disabled = account(active=False)

    known = forgot(client, f"  {user.email.upper()} ")
    unknown = forgot(client, "nobody@example.com")
    off = forgot(client, disabled.email)

    assert known.status_code == unknown.status_code == off.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"] == off.headers["Location"]
    pages = [client.get(r.headers["Location"]).get_data(as_text=True) for r in (known, unknown)]
    assert NONCE.sub("", pages[0]) == NONCE.sub("", pages[1])  # word for word, but the CSP nonce
    (message,) = smtp.messages  # only the enabled, existing account got mail
    assert smtp.recipients == [[user.email]]
    assert message["Subject"] == "청년취업사관학교 비밀번호를 다시 설정해 주세요"
    assert "60분" in body_of(message)
    (stored,) = db.session.scalars(sa.select(ActivationToken)).all()
    assert stored.purpose == LinkPurpose.PASSWORD_RESET
    assert mailed_link(message).rsplit("/", 1)[1] not in stored.token_hash


def test_the_sign_in_page_offers_the_reset(client, db):
    page = client.get("/login").get_data(as_text=True)
    assert "비밀번호를 잊으셨나요?" in page and 'href="/password/forgot"' in page


def test_a_reset_link_sets_a_new_password_once_and_signs_out_every_device(app, client, db, smtp):
    user = account()
    elsewhere = app.test_client()
    sign_in(elsewhere, user)
    assert elsewhere.get("/trainees/me").status_code == 200
    forgot(client, user.email)
    link = mailed_link(smtp.messages[0])

    opened = client.get(link)
    assert opened.status_code == 200 and opened.headers["Referrer-Policy"] == "no-referrer"
    assert verify_password(fresh(user).password_hash, TEST_PASSWORD)  # opening changes nothing
    guessable = client.post(link, data={"password": "password1234", "confirm": "password1234"})
    assert guessable.status_code == 422 and "추측" in guessable.get_data(as_text=True)

    done = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert done.status_code == 303 and done.headers["Location"] == "/login"
    assert verify_password(fresh(user).password_hash, NEW_PASSWORD)
    notice = smtp.messages[-1]  # the owner hears of it, in case it was not them
    assert notice["Subject"] == "청년취업사관학교 비밀번호가 바뀌었습니다"
    assert "/password/forgot" in body_of(notice) and "/password/reset/" not in body_of(notice)
    assert elsewhere.get("/trainees/me").status_code == 302  # the other device is signed out
    again = client.post(link, data={"password": "another fine sentence", "confirm": "x"})
    assert again.status_code == 410
    page = again.get_data(as_text=True)
    assert "이미 사용한" in page and "비밀번호는 바뀌지 않았습니다" in page
    assert verify_password(fresh(user).password_hash, NEW_PASSWORD)
    assert (
        client.post("/login", data={"email": user.email, "password": TEST_PASSWORD}).status_code
        == 401
    )
    sign_in(client, user, NEW_PASSWORD)
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(AccessLog.detail == "password reset by link")
        )
        == 1
    )


@pytest.mark.parametrize("how", ["expired", "forged", "activation", "replaced", "disabled"])
def test_refused_reset_links_change_nothing_and_say_what_to_do(client, db, how):
    user = account()
    purpose = LinkPurpose.ACTIVATION if how == "activation" else LinkPurpose.PASSWORD_RESET
    when = utcnow() - timedelta(minutes=61) if how == "expired" else None
    token = services.issue_link(user, None, now=when, purpose=purpose)
    db.session.commit()
    if how == "forged":
        token = token[:-3] + "abc"
    if how == "replaced":
        services.issue_link(user, None, purpose=LinkPurpose.PASSWORD_RESET)
    if how == "disabled":
        user.active = False
    db.session.commit()

    response = client.post(
        f"/password/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )

    assert response.status_code == (410 if how in ("expired", "replaced") else 404)
    page = response.get_data(as_text=True)
    assert "비밀번호는 바뀌지 않았습니다" in page and 'href="/password/forgot"' in page
    assert verify_password(fresh(user).password_hash, TEST_PASSWORD)


def test_reset_requests_are_throttled_per_account_silently_and_per_address(
    app, client, db, smtp, monkeypatch
):
    user = account()
    for _ in range(5):
        response = forgot(client, user.email)
        assert response.status_code == 303  # the page never tells that a limit was reached
    assert len(smtp.messages) == 3  # PASSWORD_RESET_LIMIT_PER_ACCOUNT: 3 per hour

    monkeypatch.setitem(app.config, "PASSWORD_RESET_LIMIT_PER_ADDRESS", "2 per hour")
    other = app.test_client()  # another browser, the same address
    answers = [forgot(other, f"{n}@example.com").status_code for n in range(3)]
    assert answers == [303, 303, 429]


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(app, client, db, smtp):
    user = account()
    sign_in(client, user)
    elsewhere = app.test_client()
    sign_in(elsewhere, user)
    page = client.get("/account/password")
    assert page.status_code == 200 and "인증 앱" not in page.get_data(as_text=True)

    wrong = client.post(
        "/account/password",
        data={"current": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 422 and "현재 비밀번호가 맞지 않습니다" in wrong.get_data(
        as_text=True
    )
    common = client.post(
        "/account/password",
        data={"current": TEST_PASSWORD, "password": "qwertyuiop", "confirm": "qwertyuiop"},
    )
    assert common.status_code == 422
    assert verify_password(fresh(user).password_hash, TEST_PASSWORD)

    done = client.post(
        "/account/password",
        data={"current": TEST_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert done.status_code == 303
    assert verify_password(fresh(user).password_hash, NEW_PASSWORD)
    assert client.get("/trainees/me").status_code == 200  # this browser stays signed in
    assert elsewhere.get("/trainees/me").status_code == 302  # the other one does not
    (notice,) = smtp.messages  # none for the refused attempts, one for the change
    assert smtp.recipients == [[user.email]] and "비밀번호가 바뀌었습니다" in notice["Subject"]


def test_staff_change_their_password_with_a_code_from_the_app(client, db):
    user = account(role=Role.COORDINATOR, totp_secret=pyotp.random_base32())
    sign_in(client, user)
    assert "인증 앱" in client.get("/account/password").get_data(as_text=True)
    data = {"current": TEST_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}

    without = client.post("/account/password", data=data)
    wrong = client.post("/account/password", data={**data, "code": "000000"})
    assert without.status_code == wrong.status_code == 422
    assert verify_password(fresh(user).password_hash, TEST_PASSWORD)

    done = client.post("/account/password", data={**data, "code": totp_code(user)})
    assert done.status_code == 303
    assert verify_password(fresh(user).password_hash, NEW_PASSWORD)


def test_an_admin_sends_a_reset_link_by_mail_and_never_sees_it(client, login_as, db, smtp):
    admin = login_as(Role.ADMIN)
    user = account(role=Role.OFFICIAL, totp_secret=pyotp.random_base32())
    url = f"/admin/accounts/{user.id}/password-reset"
    assert client.get(f"/admin/accounts/{user.id}").get_data(as_text=True).count(url) == 1

    assert client.post(url, data={"reason": ""}).status_code == 422
    assert smtp.messages == []
    sent = client.post(
        url, data={"reason": "forgot it, called the help desk"}, follow_redirects=True
    )

    assert sent.status_code == 200 and "/password/reset/" not in sent.get_data(as_text=True)
    (message,) = smtp.messages
    assert smtp.recipients == [[user.email]] and "관리자" in body_of(message)
    entry = db.session.scalar(
        sa.select(AccessLog).where(AccessLog.subject_type == "password_reset_link")
    )
    assert (entry.user_id, entry.subject_id) == (admin.id, user.id)
    assert entry.reason == "forgot it, called the help desk"
    assert verify_password(fresh(user).password_hash, TEST_PASSWORD)  # unchanged until used


def test_an_admin_cannot_send_a_reset_link_to_a_disabled_account(client, login_as, db, smtp):
    login_as(Role.ADMIN)
    user = account(active=False)
    response = client.post(
        f"/admin/accounts/{user.id}/password-reset", data={"reason": "wants to come back"}
    )
    assert response.status_code == 422 and smtp.messages == []
    assert db.session.scalar(sa.select(sa.func.count(ActivationToken.id))) == 0


def test_the_answer_goes_out_before_the_account_is_even_looked_up(client, db, smtp):
    """So it takes as long for an address with an account as for one without."""
    user = account()
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 303
    assert (
        smtp.messages == [] and db.session.scalar(sa.select(sa.func.count(ActivationToken.id))) == 0
    )
    response.close()  # the server has sent the answer
    assert len(smtp.messages) == 1


def test_development_logs_the_reset_mail_without_its_link(client, db, caplog):
    """Without a mail server, development writes each message to the log: the link is redacted
    there, as activation links are."""
    caplog.set_level(logging.DEBUG)
    user = account()
    forgot(client, user.email)
    (stored,) = db.session.scalars(sa.select(ActivationToken)).all()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/password/reset/[redacted]" in logged
    assert not re.search(r"/password/reset/[A-Za-z0-9_\-]{16,}", logged)
    assert stored.purpose == LinkPurpose.PASSWORD_RESET
