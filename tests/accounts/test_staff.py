"""People brought in by people: administrators invite staff, coordinators invite or attach the
instructors of their campus. Invitations go through a real SMTP server; their links work once,
and a second invitation replaces the first."""

import re

import pyotp
import pytest
import sqlalchemy as sa

from academy.accounts import services
from academy.accounts.services import LinkState
from academy.extensions import db
from academy.models import (
    AccessAction,
    AccessLog,
    ActivationToken,
    CareerPeriod,
    Instructor,
    InstructorCampus,
    Role,
    User,
)
from tests import factories
from tests.test_mail import body_of

PASSWORD = "a garden of quiet numbers"


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def user_by(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def granted(user: User) -> AccessLog:
    return db.session.scalar(
        sa.select(AccessLog).where(
            AccessLog.action == AccessAction.ROLE_GRANT, AccessLog.subject_id == user.id
        )
    )


def activation_path(message) -> str:
    return re.search(r"http://localhost(/activate/\S+)", body_of(message)).group(1)


def test_an_admin_invites_a_coordinator_who_sets_a_password_then_enrols_the_second_factor(
    app, client, login_as, db, smtp
):
    admin = login_as(Role.ADMIN)
    campus = factories.CampusFactory()
    db.session.commit()
    assert "/admin/accounts/new" in client.get("/admin/accounts").get_data(as_text=True)

    response = client.post(
        "/admin/accounts/new",
        data={
            "name": "박매니저",
            "email": " New.Manager@Example.com ",
            "role": "coordinator",
            "campus": str(campus.id),
            "reason": "new coordinator from 2026-01",
        },
    )

    assert response.status_code == 303
    user = user_by("new.manager@example.com")
    assert (user.role, user.campus_id, user.password_hash) == (Role.COORDINATOR, campus.id, None)
    grant = granted(user)
    assert grant.user_id == admin.id and '"invited"' in grant.detail
    assert grant.reason == "new coordinator from 2026-01"
    (message,) = smtp.messages
    assert smtp.recipients == [[user.email]]
    body = body_of(message)
    assert "2단계 인증" in body and "캠퍼스 매니저" in body and "관리자에게" in body
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "/activate/" not in page  # production: the link goes by e-mail only

    newcomer = app.test_client()
    link = activation_path(message)
    done = newcomer.post(link, data={"password": PASSWORD, "confirm": PASSWORD})
    assert done.status_code == 303
    # Staff cannot reach anything before the second factor is set up.
    assert newcomer.get("/").headers["Location"] == "/login/two-factor-setup"
    assert newcomer.get("/login/two-factor-setup").status_code == 200  # shows the QR code
    secret = user_by(user.email).totp_secret
    enrolled = newcomer.post("/login/two-factor-setup", data={"code": pyotp.TOTP(secret).now()})
    assert enrolled.status_code == 200
    assert newcomer.get("/").headers["Location"] == f"/campuses/{campus.id}"
    assert newcomer.get(f"/campuses/{campus.id}").status_code == 200
    again = newcomer.post(link, data={"password": PASSWORD, "confirm": PASSWORD})
    assert again.status_code == 410


def test_resending_an_invitation_replaces_the_old_link(client, login_as, db, smtp):
    login_as(Role.ADMIN)
    client.post(
        "/admin/accounts/new",
        data={
            "name": "시청 담당",
            "email": "city@example.com",
            "role": "official",
            "reason": "new team",
        },
    )
    user = user_by("city@example.com")
    first = activation_path(smtp.messages[0]).rsplit("/", 1)[1]

    resent = client.post(f"/admin/accounts/{user.id}/invitation")

    assert resent.status_code == 303
    second = activation_path(smtp.messages[1]).rsplit("/", 1)[1]
    assert services.link_state(first)[0] == LinkState.REPLACED
    assert services.link_state(second)[0] == LinkState.VALID


def test_development_shows_the_invitation_link_once(client, login_as, db):
    login_as(Role.ADMIN)
    response = client.post(
        "/admin/accounts/new",
        data={
            "name": "개발 관리자",
            "email": "dev.admin@example.com",
            "role": "admin",
            "reason": "second admin",
        },
    )
    first = client.get(response.headers["Location"]).get_data(as_text=True)
    assert first.count('class="dev-link"') == 1
    assert "/activate/" not in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "field_text"),
    [
        ({"name": "중복", "email": "taken@example.com", "role": "official"}, "이미 있습니다"),
        ({"name": "캠퍼스 없음", "email": "c@example.com", "role": "coordinator"}, "캠퍼스"),
        ({"name": "교육생", "email": "t@example.com", "role": "trainee"}, 'id="role-error"'),
        ({"name": "강사", "email": "i@example.com", "role": "instructor"}, 'id="role-error"'),
        ({"name": "", "email": "not-an-address", "role": "official"}, "이메일"),
        (
            {"name": "사유 없음", "email": "n@example.com", "role": "official", "reason": " "},
            "사유",
        ),
    ],
)
def test_bad_staff_invitations_change_nothing(client, login_as, db, smtp, data, field_text):
    login_as(Role.ADMIN)
    data = {"reason": "a new colleague", **data}
    factories.UserFactory(email="taken@example.com", role=Role.TRAINEE, name="원래 주인")
    db.session.commit()
    before = count(User)

    response = client.post("/admin/accounts/new", data=data)

    assert response.status_code == 422
    assert field_text in response.get_data(as_text=True)
    assert count(User) == before and count(ActivationToken) == 0 and smtp.messages == []
    assert user_by("taken@example.com").name == "원래 주인"


def test_a_missing_reason_is_shown_with_the_other_problems_of_the_invitation(
    client, login_as, db, smtp
):
    """A reason too short hid the missing campus and the taken address: the administrator
    learnt of each at the next attempt."""
    login_as(Role.ADMIN)
    factories.UserFactory(email="taken@example.com", role=Role.TRAINEE)
    db.session.commit()
    before = count(User)

    response = client.post(
        "/admin/accounts/new",
        data={"name": "새 매니저", "email": "taken@example.com", "role": "coordinator"},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="reason-error"' in html
    assert 'id="campus-error"' in html and "캠퍼스 매니저는 소속 캠퍼스를" in html
    assert 'id="email-error"' in html and "이미 있습니다" in html
    assert count(User) == before and smtp.messages == []


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.OFFICIAL, Role.INSTRUCTOR, Role.TRAINEE])
def test_only_administrators_create_staff(client, login_as, db, role):
    login_as(role)
    response = client.post(
        "/admin/accounts/new", data={"name": "몰래", "role": "admin", "email": "sneaky@example.com"}
    )
    assert response.status_code == 403
    assert user_by("sneaky@example.com") is None


def test_a_coordinator_adds_an_instructor_with_careers_who_activates_and_lands_home(
    app, client, login_as, db, smtp
):
    campus = factories.CampusFactory()
    coordinator = login_as(Role.COORDINATOR, campus=campus)
    form = {
        "name": "이강사",
        "email": "Lee.Teacher@example.com",
        "careers-0-employer": "에이아이랩",
        "careers-0-role_title": "ML 엔지니어",
        "careers-0-field": "ai",
        "careers-0-starts_on": "2019-03-01",
        "careers-0-ends_on": "2022-02-28",
        "careers-1-employer": "",
        "careers-1-field": "ai",
    }

    response = client.post("/instructors/new", data=form)

    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    user = user_by("lee.teacher@example.com")
    instructor = db.session.scalar(sa.select(Instructor).where(Instructor.user_id == user.id))
    assert user.role == Role.INSTRUCTOR and instructor.campus_id == campus.id
    (period,) = db.session.scalars(sa.select(CareerPeriod)).all()
    assert period.employer == "에이아이랩" and period.verified_at is None
    grant = granted(user)
    assert grant.user_id == coordinator.id
    (message,) = smtp.messages
    assert "강사 계정" in body_of(message)

    teacher = app.test_client()
    teacher.post(activation_path(message), data={"password": PASSWORD, "confirm": PASSWORD})
    assert teacher.get("/").headers["Location"] == "/instructors/me"
    assert "에이아이랩" in teacher.get("/instructors/me").get_data(as_text=True)


def test_a_half_filled_career_row_is_refused_and_nothing_is_made(client, login_as, db, smtp):
    login_as(Role.COORDINATOR)
    response = client.post(
        "/instructors/new",
        data={
            "name": "반쪽",
            "email": "half@example.com",
            "careers-0-employer": "회사",
            "careers-0-field": "ai",
        },
    )
    assert response.status_code == 422
    assert user_by("half@example.com") is None and smtp.messages == []


def test_a_coordinator_cannot_create_staff_or_accounts_that_exist(client, login_as, db, smtp):
    login_as(Role.COORDINATOR)
    factories.UserFactory(email="official@example.com", role=Role.OFFICIAL, name="시 담당자")
    db.session.commit()
    taken = client.post(
        "/instructors/new", data={"name": "가로채기", "email": "official@example.com"}
    )
    assert taken.status_code == 422 and "이미 있습니다" in taken.get_data(as_text=True)
    refreshed = user_by("official@example.com")
    assert refreshed.role == Role.OFFICIAL and refreshed.name == "시 담당자"
    # No form field chooses a role or a campus: extra fields are ignored.
    client.post(
        "/instructors/new",
        data={"name": "관리자?", "email": "x@example.com", "role": "admin", "campus": "999"},
    )
    made = user_by("x@example.com")
    assert made.role == Role.INSTRUCTOR and made.campus_id is None


def test_an_instructor_of_another_campus_is_attached_without_a_second_account(client, login_as, db):
    home, here = factories.CampusFactory(), factories.CampusFactory()
    instructor = factories.InstructorFactory(campus=home)
    factories.CareerPeriodFactory(instructor=instructor)
    cohort = factories.CohortFactory(campus=here)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=here)
    assert client.get(f"/instructors/{instructor.id}").status_code == 404
    accounts_before = count(User)

    response = client.post("/instructors/attach", data={"email": instructor.user.email.upper()})

    assert response.status_code == 303
    assert count(User) == accounts_before and count(InstructorCampus) == 1
    assert client.get(f"/instructors/{instructor.id}").status_code == 200
    assert instructor.user.name in client.get("/instructors/").get_data(as_text=True)
    assigned = client.post(
        f"/instructors/cohorts/{cohort.id}",
        data={"cohort_id": cohort.id, "instructor_id": instructor.id, "role": "lead"},
    )
    assert assigned.status_code == 303
    twice = client.post("/instructors/attach", data={"email": instructor.user.email})
    assert twice.status_code == 422 and count(InstructorCampus) == 1


@pytest.mark.parametrize("who", ["trainee", "official", "nobody"])
def test_only_instructor_accounts_can_be_attached(client, login_as, db, who):
    login_as(Role.COORDINATOR)
    target = {
        "trainee": lambda: factories.TraineeFactory().user.email,
        "official": lambda: factories.UserFactory(role=Role.OFFICIAL).email,
        "nobody": lambda: "nobody@example.com",
    }[who]()
    db.session.commit()
    response = client.post("/instructors/attach", data={"email": target})
    assert response.status_code == 422 and count(InstructorCampus) == 0


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.ADMIN, Role.INSTRUCTOR, Role.TRAINEE])
def test_only_coordinators_add_instructors(client, login_as, db, role):
    login_as(role)
    assert (
        client.post("/instructors/new", data={"name": "x", "email": "y@example.com"}).status_code
        == 403
    )
    assert user_by("y@example.com") is None


def test_the_home_campus_re_sends_an_instructors_invitation_and_no_one_else(
    client, login_as, db, smtp
):
    home, other = factories.CampusFactory(), factories.CampusFactory()
    instructor = factories.InstructorFactory(campus=home)
    db.session.commit()
    old = services.issue_link(instructor.user, None)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=other)
    url = f"/instructors/{instructor.id}/invitation"
    assert client.post(url).status_code == 404  # another campus: as if it did not exist
    client.post("/logout")
    login_as(Role.COORDINATOR, campus=home)
    assert "/invitation" in client.get(f"/instructors/{instructor.id}").get_data(as_text=True)

    assert client.post(url).status_code == 303

    (message,) = smtp.messages
    assert services.link_state(old)[0] == LinkState.REPLACED
    new = activation_path(message).rsplit("/", 1)[1]
    assert services.link_state(new)[0] == LinkState.VALID


def test_without_a_mail_server_no_account_is_made_that_nobody_could_activate(
    app, client, login_as, db, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_SHOW_LINKS", False)
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    login_as(Role.ADMIN)
    response = client.post(
        "/admin/accounts/new",
        data={
            "name": "메일 없음",
            "role": "official",
            "email": "nomail@example.com",
            "reason": "new team",
        },
    )
    assert response.status_code == 422 and "MAIL_SERVER" in response.get_data(as_text=True)
    assert user_by("nomail@example.com") is None and count(ActivationToken) == 0
