"""Every endpoint against a policy table, for anonymous users and the five roles.

An endpoint missing from the table fails the test, so a new page cannot ship without a rule.
"""

import pytest

from academy.extensions import db
from academy.models import InstructorAssignment, Role
from tests import factories

ANON = "anonymous"
ROLES = [ANON, *Role]

# endpoint -> (method, roles that get the page). Others get 403; anonymous goes to the login page.
POLICY = {
    "campuses.overview": ("GET", {Role.OFFICIAL, Role.ADMIN}),
    "campuses.show": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR}),
    "cohorts.show": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR}),
    "trainees.me": ("GET", {Role.TRAINEE}),
    "trainees.show": ("GET", {Role.COORDINATOR, Role.ADMIN}),
    "instructors.me": ("GET", {Role.INSTRUCTOR}),
    "admin.accounts": ("GET", {Role.ADMIN}),
}
# Endpoints open to everyone or with their own rules, each tested on its own below.
SEPARATELY_TESTED = {"static", "auth.login", "auth.logout", "auth.set_language", "home.index"}


@pytest.fixture
def world(db):
    """One campus with a cohort, an enrolled trainee and an assigned instructor."""
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus)
    enrolment = factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()
    return {"campus": campus, "cohort": cohort, "enrolment": enrolment}


def url_args(endpoint, world):
    return {
        "campuses.show": {"campus_id": world["campus"].id},
        "cohorts.show": {"cohort_id": world["cohort"].id},
        "trainees.show": {"trainee_id": world["enrolment"].trainee_id},
    }.get(endpoint, {})


def sign_in(login_as, role, world):
    if role == ANON:
        return None
    user = login_as(role, campus=world["campus"] if role == Role.COORDINATOR else None)
    if role == Role.INSTRUCTOR:
        db.session.add(InstructorAssignment(cohort=world["cohort"], instructor=user.instructor))
        db.session.commit()
    return user


def test_every_endpoint_has_a_policy(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - POLICY.keys() - SEPARATELY_TESTED
    assert not missing, f"endpoints without an access rule: {sorted(missing)}"


@pytest.mark.parametrize("role", ROLES, ids=str)
@pytest.mark.parametrize("endpoint", sorted(POLICY))
def test_access_policy(app, client, login_as, world, endpoint, role):
    method, allowed = POLICY[endpoint]
    sign_in(login_as, role, world)
    with app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **url_args(endpoint, world))
    response = client.open(url, method=method)
    if role == ANON:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    elif role in allowed:
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
    else:
        assert response.status_code == 403


def test_anonymous_reaches_the_login_page_and_static_files(client):
    assert client.get("/login").status_code == 200
    assert client.get("/static/css/app.css").status_code == 200
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (Role.OFFICIAL, "/campuses/"),
        (Role.ADMIN, "/admin/accounts"),
        (Role.COORDINATOR, "/campuses/{campus_id}"),
        (Role.INSTRUCTOR, "/instructors/me"),
        (Role.TRAINEE, "/trainees/me"),
    ],
)
def test_each_role_lands_on_its_home_page(client, login_as, world, role, landing):
    sign_in(login_as, role, world)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == landing.format(campus_id=world["campus"].id)
    assert client.get(response.headers["Location"]).status_code == 200


def test_coordinator_cannot_reach_another_campus(client, login_as, world):
    other = factories.CampusFactory()
    other_cohort = factories.CohortFactory(campus=other)
    other_enrolment = factories.EnrolmentFactory(cohort=other_cohort)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=world["campus"])
    assert client.get(f"/campuses/{world['campus'].id}").status_code == 200
    assert client.get(f"/campuses/{other.id}").status_code == 404
    assert client.get(f"/cohorts/{other_cohort.id}").status_code == 404
    assert client.get(f"/trainees/{other_enrolment.trainee_id}").status_code == 404
    assert client.get(f"/trainees/{world['enrolment'].trainee_id}").status_code == 200


def test_instructor_sees_only_assigned_cohorts(client, login_as, world):
    unassigned = factories.CohortFactory(campus=world["campus"])
    db.session.commit()
    sign_in(login_as, Role.INSTRUCTOR, world)
    assert client.get(f"/cohorts/{world['cohort'].id}").status_code == 200
    assert client.get(f"/cohorts/{unassigned.id}").status_code == 404


def test_trainee_sees_only_their_own_record(client, login_as, world):
    user = login_as(Role.TRAINEE)
    page = client.get("/trainees/me").get_data(as_text=True)
    assert user.email in page
    assert world["enrolment"].trainee.user.email not in page
    assert client.get(f"/trainees/{world['enrolment'].trainee_id}").status_code == 403
    assert client.get(f"/trainees/{user.trainee.id}").status_code == 403
