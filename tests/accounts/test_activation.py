"""Activation links: a trainee sets a password through a link that expires, works once, and is
worthless when mistyped or replaced; coordinators invite only their own campus's trainees."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from academy.accounts import services
from academy.accounts.services import ActivationRefused, LinkState
from academy.auth.passwords import verify_password
from academy.extensions import db
from academy.models import ActivationToken, EnrolmentStatus, Role, utcnow
from tests import factories

PASSWORD = "a-long-new-password"


@pytest.fixture
def trainee(db):
    enrolment = factories.EnrolmentFactory(status=EnrolmentStatus.COMPLETED)
    db.session.commit()
    return enrolment.trainee.user


def new_link(app, user, **kwargs) -> str:
    token = services.issue_link(user, None, **kwargs)
    db.session.commit()
    return token


def test_only_a_hash_of_the_token_is_stored(app, trainee):
    token = new_link(app, trainee)

    (stored,) = db.session.scalars(sa.select(ActivationToken)).all()
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    assert stored.token_hash == services.token_hash(token)
    assert len(token) >= 43  # 32 random bytes


def test_the_link_sets_the_password_once(app, db, trainee):
    token = new_link(app, trainee)

    user = services.activate(token, PASSWORD)

    assert verify_password(user.password_hash, PASSWORD)
    assert services.link_state(token)[0] == LinkState.USED
    with pytest.raises(ActivationRefused) as again:
        services.activate(token, "another-long-password")
    assert again.value.state == LinkState.USED
    assert verify_password(db.session.get(type(user), user.id).password_hash, PASSWORD)


def test_an_expired_link_is_refused(app, db, trainee):
    token = new_link(app, trainee, now=utcnow() - timedelta(hours=73))

    assert services.link_state(token)[0] == LinkState.EXPIRED
    with pytest.raises(ActivationRefused):
        services.activate(token, PASSWORD)
    assert trainee.password_hash is None


def test_a_wrong_token_is_refused(app, db, trainee):
    token = new_link(app, trainee)

    for wrong in (token[:-1], token + "x", "", "x" * 500):
        assert services.link_state(wrong)[0] == LinkState.UNKNOWN
    with pytest.raises(ActivationRefused):
        services.activate(token[:-2], PASSWORD)


def test_a_new_link_replaces_the_old_one(app, db, trainee):
    old = new_link(app, trainee)
    new = new_link(app, trainee)

    assert services.link_state(old)[0] == LinkState.REPLACED
    assert services.link_state(new)[0] == LinkState.VALID


def test_a_short_password_leaves_the_link_unused(app, db, trainee):
    from academy.auth.services import AccountError

    token = new_link(app, trainee)
    with pytest.raises(AccountError):
        services.activate(token, "short")
    assert services.link_state(token)[0] == LinkState.VALID


def test_opening_the_link_changes_nothing_and_setting_the_password_signs_in(
    app, client, db, trainee
):
    token = new_link(app, trainee)

    page = client.get(f"/activate/{token}")
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert trainee.name in page.get_data(as_text=True)
    assert services.link_state(token)[0] == LinkState.VALID
    mismatch = client.post(f"/activate/{token}", data={"password": PASSWORD, "confirm": "other"})
    assert mismatch.status_code == 422 and "서로 다릅니다" in mismatch.get_data(as_text=True)

    done = client.post(f"/activate/{token}", data={"password": PASSWORD, "confirm": PASSWORD})

    assert done.status_code == 303 and done.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/trainees/me"
    assert client.get("/trainees/me").status_code == 200
    client.post("/logout")
    assert (
        client.post("/login", data={"email": trainee.email, "password": PASSWORD}).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("how", "status", "text"),
    [
        ("wrong", 404, "올바른 링크가 아닙니다"),
        ("used", 410, "이미 사용한 링크"),
        ("expired", 410, "유효 기간이 지났습니다"),
    ],
)
def test_refused_links_say_why_in_korean(app, client, db, trainee, how, status, text):
    if how == "expired":
        token = new_link(app, trainee, now=utcnow() - timedelta(days=4))
    else:
        token = new_link(app, trainee)
    if how == "used":
        services.activate(token, PASSWORD)
    if how == "wrong":
        token = token[::-1]

    response = client.post(f"/activate/{token}", data={"password": PASSWORD, "confirm": PASSWORD})

    assert response.status_code == status
    assert text in response.get_data(as_text=True)


def test_coordinator_invites_the_roster_and_sees_the_links_in_development(client, login_as, db):
    cohort = factories.CohortFactory()
    waiting = [factories.EnrolmentFactory(cohort=cohort) for _ in range(2)]
    active = factories.EnrolmentFactory(cohort=cohort)
    active.trainee.user.password_hash = "x"
    db.session.commit()
    login_as(Role.COORDINATOR, campus=cohort.campus)
    url = f"/accounts/cohorts/{cohort.id}/invitations"

    response = client.post(url)

    assert response.status_code == 303
    fragment = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "활성화됨" in fragment
    page = client.get(url).get_data(as_text=True)
    assert page.count('class="dev-link"') == 2  # shown once, for development
    assert "/activate/" not in client.get(url).get_data(as_text=True)
    tokens = db.session.scalars(sa.select(ActivationToken)).all()
    assert {t.user_id for t in tokens} == {e.trainee.user_id for e in waiting}
    one = client.post(url, data={"enrolment_id": str(waiting[0].id)})
    assert one.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(ActivationToken.id))) == 3


def test_a_coordinator_cannot_invite_another_campuses_trainees(client, login_as, db):
    own = factories.CohortFactory()
    other = factories.CohortFactory()
    stranger = factories.EnrolmentFactory(cohort=other)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=own.campus)

    assert client.get(f"/accounts/cohorts/{other.id}/invitations").status_code == 404
    assert client.post(f"/accounts/cohorts/{other.id}/invitations").status_code == 404
    sneaky = client.post(
        f"/accounts/cohorts/{own.id}/invitations", data={"enrolment_id": str(stranger.id)}
    )
    assert sneaky.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(ActivationToken.id))) == 0


def test_production_without_a_mail_server_refuses_to_invite(app, client, login_as, db, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SHOW_LINKS", False)
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    cohort = factories.CohortFactory()
    factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=cohort.campus)

    response = client.post(f"/accounts/cohorts/{cohort.id}/invitations", follow_redirects=True)

    assert "MAIL_SERVER" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ActivationToken.id))) == 0
