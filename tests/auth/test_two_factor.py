"""Second sign-in factor: rules without HTTP, then the sign-in, enrolment and account pages."""

import re
import time

import pyotp
import pytest
import sqlalchemy as sa

from academy.auth import two_factor
from academy.auth.passwords import hash_password
from academy.extensions import db, limiter
from academy.models import AccessAction, AccessLog, RecoveryCode, Role, User, utcnow
from tests import factories
from tests.conftest import TEST_PASSWORD, sign_in, totp_code

CODE_LIST = re.compile(r"\b[a-z2-9]{5}-[a-z2-9]{5}\b")


def make_user(**fields):
    user = factories.UserFactory(password_hash=hash_password(TEST_PASSWORD), **fields)
    db.session.commit()
    return user


def password_step(client, user, next_url=""):
    return client.post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD, "next": next_url}
    )


def english(client):
    client.post("/language", data={"locale": "en", "next": "/login"})


def enrolled_trainee():
    """A trainee who turned the second factor on, its time steps still unused."""
    user = make_user(
        role=Role.TRAINEE, totp_secret=pyotp.random_base32(), totp_enrolled_at=utcnow()
    )
    factories.TraineeFactory(user=user)
    codes = two_factor._replace_recovery_codes(user)
    db.session.commit()
    return user, codes


# Rules


def test_a_code_is_accepted_once_and_an_older_one_never_after_it(db):
    user = make_user(role=Role.OFFICIAL)
    totp = pyotp.TOTP(user.totp_secret)
    now = time.time()
    code = totp.at(now)
    assert two_factor.check_sign_in_code(user, code, now=now).accepted
    assert not two_factor.check_sign_in_code(user, code, now=now).accepted  # replay
    assert not two_factor.check_sign_in_code(user, totp.at(now - 30), now=now).accepted


def test_codes_one_step_either_side_are_accepted_two_steps_are_not(db):
    user = make_user(role=Role.OFFICIAL)
    totp = pyotp.TOTP(user.totp_secret)
    now = time.time()
    assert not two_factor.check_sign_in_code(user, totp.at(now - 60), now=now).accepted
    assert two_factor.check_sign_in_code(user, totp.at(now - 30), now=now).accepted
    assert two_factor.check_sign_in_code(user, totp.at(now + 30), now=now).accepted
    assert not two_factor.check_sign_in_code(user, totp.at(now + 90), now=now).accepted


def test_a_recovery_code_works_once_and_is_stored_only_as_a_hash(db):
    user, codes = enrolled_trainee()
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
    assert not any(code.replace("-", "") in h for code in codes for h in stored)
    check = two_factor.check_sign_in_code(user, codes[0].upper().replace("-", " "))
    assert check.accepted and check.by_recovery_code and check.recovery_codes_left == 9
    assert not two_factor.check_sign_in_code(user, codes[0]).accepted


def test_new_recovery_codes_need_a_fresh_code_and_replace_the_old_ones(db):
    user, old = enrolled_trainee()
    assert two_factor.regenerate_recovery_codes(user, "000000") == []
    new = two_factor.regenerate_recovery_codes(user, totp_code(user))
    assert len(new) == 10 and not set(new) & set(old)
    assert not two_factor.check_sign_in_code(user, old[1]).accepted
    assert two_factor.check_sign_in_code(user, new[1]).accepted


def test_staff_cannot_turn_it_off_and_trainees_can_with_a_code(db):
    staff = make_user(role=Role.COORDINATOR, campus=factories.CampusFactory())
    with pytest.raises(two_factor.TwoFactorError):
        two_factor.disable(staff, totp_code(staff))
    trainee, _codes = enrolled_trainee()
    version = trainee.session_version
    assert not two_factor.disable(trainee, "123456") or False
    assert two_factor.disable(trainee, totp_code(trainee))
    assert trainee.totp_secret is None and not trainee.two_factor_enabled
    assert trainee.session_version == version + 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0


# Sign-in


def test_staff_with_a_second_factor_enter_a_code_before_they_are_signed_in(client, db):
    user = make_user(role=Role.OFFICIAL)
    response = password_step(client, user, "/campuses/?tier=large")
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    half = client.get("/campuses/")  # not signed in yet: every page leads to the code step
    assert half.status_code == 302 and half.headers["Location"] == "/login/code"
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(AccessLog.action == AccessAction.LOGIN))
        == 0
    )
    done = client.post("/login/code", data={"code": totp_code(user)})
    assert done.status_code == 303 and done.headers["Location"] == "/campuses/?tier=large"
    assert client.get("/campuses/").status_code == 200
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(AccessLog.action == AccessAction.LOGIN))
        == 1
    )


def test_a_wrong_or_replayed_code_is_refused_with_a_clear_message(app, client, db):
    user = make_user(role=Role.OFFICIAL)
    english(client)
    password_step(client, user)
    wrong = client.post("/login/code", data={"code": "000000"})
    assert wrong.status_code == 401
    assert "The code is not correct" in wrong.get_data(as_text=True)
    code = totp_code(user)
    assert client.post("/login/code", data={"code": code}).status_code == 303
    client.post("/logout")
    password_step(client, user)
    replay = client.post("/login/code", data={"code": code})
    assert replay.status_code == 401
    assert client.get("/campuses/").headers["Location"] == "/login/code"


def test_a_recovery_code_signs_in_once(client, db):
    user, codes = enrolled_trainee()
    password_step(client, user)
    response = client.post("/login/code", data={"code": codes[3]})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert client.get("/trainees/me").status_code == 200
    client.post("/logout")
    password_step(client, user)
    assert client.post("/login/code", data={"code": codes[3]}).status_code == 401


def test_wrong_codes_lock_the_account_step_but_not_others(app, client, db):
    limiter.reset()
    user = make_user(role=Role.OFFICIAL)
    other = make_user(role=Role.OFFICIAL)
    password_step(client, user)
    for _ in range(5):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 401
    assert client.post("/login/code", data={"code": totp_code(user)}).status_code == 429
    client.post("/login/cancel")
    other_client = app.test_client()
    sign_in(other_client, other)
    assert other_client.get("/campuses/").status_code == 200


def test_the_half_signed_in_state_expires(app, client, db):
    user = make_user(role=Role.OFFICIAL)
    password_step(client, user)
    with client.session_transaction() as session:
        session["second_step"] = {**session["second_step"], "until": int(time.time()) - 1}
    response = client.post("/login/code", data={"code": totp_code(user)})
    assert response.status_code in (302, 303) and response.headers["Location"] == "/login"
    assert client.get("/campuses/").headers["Location"].startswith("/login?")


def test_cancel_drops_the_half_signed_in_state(client, db):
    user = make_user(role=Role.OFFICIAL)
    password_step(client, user)
    assert client.post("/login/cancel").status_code == 303
    assert client.get("/login").status_code == 200


# Mandatory enrolment of staff


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.COORDINATOR, Role.ADMIN])
def test_staff_without_a_second_factor_must_enrol_before_any_page(client, db, role):
    campus = factories.CampusFactory() if role == Role.COORDINATOR else None
    user = make_user(role=role, campus=campus, totp_secret=None)
    response = password_step(client, user)
    assert response.headers["Location"] == "/login/two-factor-setup"
    for path in ("/", "/campuses/", "/admin/accounts", "/account/two-factor", "/login/code"):
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert blocked.headers["Location"] == "/login/two-factor-setup", path
    assert client.post("/logout").headers["Location"] == "/login/two-factor-setup"

    page = client.get("/login/two-factor-setup")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html and "style=" not in html
    db.session.refresh(user)
    secret = user.totp_secret
    assert secret and " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in html
    assert client.get("/login/two-factor-setup").status_code == 200
    db.session.refresh(user)
    assert user.totp_secret == secret  # the same QR code until confirmed

    assert client.post("/login/two-factor-setup", data={"code": "000000"}).status_code == 401
    done = client.post("/login/two-factor-setup", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert len(set(CODE_LIST.findall(done.get_data(as_text=True)))) == 10
    assert client.get("/").status_code == 302  # signed in: home sends each role to its page
    assert client.get("/account/two-factor").status_code == 200
    db.session.refresh(user)
    assert user.two_factor_enabled


def test_staff_signed_in_without_a_second_factor_are_sent_to_enrol(client, db):
    """A trainee account made a coordinator while signed in cannot go on without enrolling."""
    user = make_user(role=Role.TRAINEE)
    sign_in(client, user)
    user.role, user.campus = Role.COORDINATOR, factories.CampusFactory()
    db.session.commit()
    response = client.get("/cohorts/")
    assert response.status_code == 302 and response.headers["Location"] == "/login/two-factor-setup"
    assert client.get("/cohorts/").headers["Location"] == "/login/two-factor-setup"


# The account page


def test_a_trainee_turns_it_on_then_needs_a_code_to_sign_in(client, db):
    user = make_user(role=Role.TRAINEE)
    factories.TraineeFactory(user=user)
    db.session.commit()
    sign_in(client, user)
    assert "/account/two-factor/setup" in client.get("/account/two-factor").get_data(as_text=True)
    assert client.post("/account/two-factor/setup").status_code == 303
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "data:image/svg+xml" in page
    db.session.refresh(user)
    assert client.post("/account/two-factor/confirm", data={"confirm-code": "1"}).status_code == 422
    codes = client.post("/account/two-factor/confirm", data={"confirm-code": totp_code(user)})
    assert codes.status_code == 200 and len(CODE_LIST.findall(codes.get_data(as_text=True))) == 10
    client.post("/logout")
    assert password_step(client, user).headers["Location"] == "/login/code"


def test_a_trainee_turns_it_off_and_other_sessions_end(app, client, db):
    user, _codes = enrolled_trainee()
    sign_in(client, user)
    elsewhere = app.test_client()  # a copy of the session on another device
    elsewhere.set_cookie("session", client.get_cookie("session").value)
    assert elsewhere.get("/account/two-factor").status_code == 200
    refused = client.post("/account/two-factor/disable", data={"disable-code": "000000"})
    assert refused.status_code == 422
    off = client.post("/account/two-factor/disable", data={"disable-code": totp_code(user)})
    assert off.status_code == 303
    assert client.get("/account/two-factor").status_code == 200  # this session goes on
    assert elsewhere.get("/account/two-factor").status_code == 302
    client.post("/logout")
    assert password_step(client, user).headers["Location"] == "/"


def test_staff_cannot_turn_it_off(client, login_as):
    user = login_as(Role.OFFICIAL)
    response = client.post("/account/two-factor/disable", data={"disable-code": totp_code(user)})
    assert response.status_code == 403
    db.session.refresh(user)
    assert user.two_factor_enabled


def test_new_recovery_codes_from_the_account_page(client, login_as):
    user = login_as(Role.COORDINATOR)
    assert (
        client.post(
            "/account/two-factor/recovery-codes", data={"regenerate-code": "000000"}
        ).status_code
        == 422
    )
    response = client.post(
        "/account/two-factor/recovery-codes", data={"regenerate-code": totp_code(user)}
    )
    assert len(CODE_LIST.findall(response.get_data(as_text=True))) == 10
    assert two_factor.recovery_codes_left(user) == 10


# The administrator's reset


def test_an_admin_reset_ends_sessions_is_logged_and_forces_enrolment(app, client, login_as):
    admin = login_as(Role.ADMIN)
    coordinator = make_user(role=Role.COORDINATOR, campus=factories.CampusFactory())
    theirs = app.test_client()
    sign_in(theirs, coordinator)
    assert theirs.get("/cohorts/").status_code == 200
    listing = client.get("/admin/accounts", query_string={"q": coordinator.email})
    assert f"/admin/accounts/{coordinator.id}/two-factor/reset" in listing.get_data(as_text=True)

    url = f"/admin/accounts/{coordinator.id}/two-factor/reset"
    asked = client.get(url)
    assert asked.status_code == 200 and "사유" in asked.get_data(as_text=True)
    # Without a reason (a bare POST, as a forged form would send) nothing changes.
    assert client.post(url).status_code == 422
    assert client.post(url, data={"reason": " ab "}).status_code == 422
    assert theirs.get("/cohorts/").status_code == 200
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(AccessLog.detail.like("%reset by an administrator%"))
        )
        == 0
    )

    response = client.post(url, data={"reason": "lost phone, confirmed by a call"})
    assert response.status_code == 303
    entry = db.session.scalar(
        sa.select(AccessLog).where(AccessLog.detail.like("%reset by an administrator%"))
    )
    assert entry.user_id == admin.id and entry.subject_id == coordinator.id
    assert entry.reason == "lost phone, confirmed by a call"
    assert theirs.get("/cohorts/").status_code == 302  # their session ended
    fresh = db.session.get(User, coordinator.id)
    db.session.refresh(fresh)
    assert fresh.totp_secret is None
    assert password_step(theirs, fresh).headers["Location"] == "/login/two-factor-setup"


def test_only_admins_reset(client, login_as):
    login_as(Role.OFFICIAL)
    other = make_user(role=Role.COORDINATOR, campus=factories.CampusFactory())
    url = f"/admin/accounts/{other.id}/two-factor/reset"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"reason": "lost phone, confirmed"}).status_code == 403
    db.session.refresh(other)
    assert other.totp_secret is not None
