"""Every endpoint against a policy table, for anonymous users and the five roles.

An endpoint missing from the table fails the test, so a new page cannot ship without a rule.
"""

import pytest

from academy.api.tokens import create_token
from academy.extensions import db
from academy.models import InstructorAssignment, Role
from tests import factories
from tests.cohorts.access_world import cohort_url_args
from tests.outcomes.access_world import outcome_url_args
from tests.reports.access_world import KPI_PREFIXES, kpi_url_args
from tests.subsidies.access_world import PROGRAMME_PREFIXES, programme_url_args

ANON = "anonymous"
ROLES = [ANON, *Role]

# endpoint -> (method, roles that get the page). Others get 403; anonymous goes to the login page.
POLICY = {
    # Public: anonymous visitors get it too (load balancers; no personal data).
    "health.healthz": ("GET", {ANON, *Role}),
    "home.privacy": ("GET", {ANON, *Role}),  # 개인정보처리방침: public, linked from every page
    "home.terms": ("GET", {ANON, *Role}),
    "campuses.overview": ("GET", {Role.OFFICIAL, Role.ADMIN}),
    "campuses.show": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR}),
    "cohorts.show": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR}),
    "trainees.me": ("GET", {Role.TRAINEE}),
    "trainees.show": ("GET", {Role.COORDINATOR, Role.ADMIN}),
    "instructors.me": ("GET", {Role.INSTRUCTOR}),
    "admin.accounts": ("GET", {Role.ADMIN}),
    "admin.access_log": ("GET", {Role.ADMIN}),
    "admin.reset_two_factor": ("GET", {Role.ADMIN}),
    "admin.send_password_reset": ("GET", {Role.ADMIN}),
    "admin.invite_staff": ("GET", {Role.ADMIN}),
    "admin.resend_invitation": ("POST", {Role.ADMIN}),
    "instructors.invite": ("GET", {Role.COORDINATOR}),
    "instructors.attach": ("POST", {Role.COORDINATOR}),
    "instructors.resend_invitation": ("POST", {Role.COORDINATOR}),
    "accounts.change_password": ("GET", set(Role)),
    "admin.account": ("GET", {Role.ADMIN}),
    "admin.update_account": ("POST", {Role.ADMIN}),
    "admin.account_status": ("GET", {Role.ADMIN}),
    "auth.two_factor_settings": ("GET", set(Role)),
    "auth.setup_two_factor": ("POST", set(Role)),
    "auth.confirm_two_factor": ("POST", set(Role)),
    "auth.regenerate_recovery_codes": ("POST", set(Role)),
    "auth.disable_two_factor": ("POST", {Role.TRAINEE, Role.INSTRUCTOR}),
    "instructors.index": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR}),
    "instructors.show": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR}),
    "instructors.add_career": ("POST", {Role.INSTRUCTOR}),
    "instructors.delete_career": ("POST", {Role.INSTRUCTOR}),
    "instructors.verify_career": ("POST", {Role.COORDINATOR, Role.ADMIN}),
    "instructors.career_evidence": ("GET", {Role.INSTRUCTOR, Role.COORDINATOR, Role.ADMIN}),
    "instructors.cohort_instructors": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR}),
    "instructors.assign": ("POST", {Role.COORDINATOR, Role.ADMIN}),
    "instructors.unassign": ("POST", {Role.COORDINATOR, Role.ADMIN}),
    "certifications.index": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR, Role.TRAINEE}),
    "certifications.add": ("POST", {Role.OFFICIAL, Role.ADMIN}),
    "certifications.mine": ("GET", {Role.TRAINEE}),
    "certifications.record_attempt": ("POST", {Role.TRAINEE}),
    "certifications.update_result": ("POST", {Role.TRAINEE, Role.COORDINATOR, Role.ADMIN}),
    "certifications.attempt_evidence": ("GET", {Role.TRAINEE, Role.COORDINATOR, Role.ADMIN}),
    "certifications.cohort": ("GET", {Role.COORDINATOR, Role.ADMIN}),
    "certifications.add_mock_exam": ("POST", {Role.COORDINATOR, Role.ADMIN}),
    "internships.index": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR}),
    "internships.openings": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR}),
    "internships.add_opening": ("POST", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR}),
    "internships.add_host": ("POST", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR}),
    "internships.opening": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR}),
    "internships.place": ("POST", {Role.COORDINATOR, Role.ADMIN}),
    "internships.update_placement": ("POST", {Role.COORDINATOR, Role.ADMIN}),
    "subsidies.index": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR}),
    "subsidies.new_programme": ("GET", {Role.OFFICIAL, Role.ADMIN}),
    "subsidies.create_programme": ("POST", {Role.OFFICIAL, Role.ADMIN}),
    "subsidies.edit_programme": ("GET", {Role.OFFICIAL, Role.ADMIN}),
    "subsidies.update_programme": ("POST", {Role.OFFICIAL, Role.ADMIN}),
    "subsidies.close_programme": ("POST", {Role.OFFICIAL, Role.ADMIN}),
    "subsidies.ledger": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR}),
    "subsidies.ledger_export": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR}),
    "subsidies.claims": ("GET", {Role.COORDINATOR, Role.ADMIN}),
    "subsidies.claim": ("GET", {Role.COORDINATOR, Role.ADMIN}),
    "subsidies.approve": ("POST", {Role.COORDINATOR, Role.ADMIN}),
    "subsidies.reject": ("POST", {Role.COORDINATOR, Role.ADMIN}),
    "subsidies.receipt": ("GET", {Role.TRAINEE, Role.COORDINATOR, Role.ADMIN}),
    "subsidies.apply": ("GET", {Role.TRAINEE}),
    "subsidies.submit_application": ("POST", {Role.TRAINEE}),
    "accounts.invitations": ("GET", {Role.COORDINATOR, Role.ADMIN}),
    "accounts.invite": ("POST", {Role.COORDINATOR, Role.ADMIN}),
    "outcomes.report": ("GET", {Role.TRAINEE, Role.COORDINATOR, Role.ADMIN}),
    "outcomes.evidence": ("GET", {Role.TRAINEE, Role.COORDINATOR, Role.OFFICIAL, Role.ADMIN}),
    "outcomes.queue": ("GET", {Role.COORDINATOR, Role.OFFICIAL, Role.ADMIN}),
    "outcomes.verify": ("POST", {Role.COORDINATOR, Role.OFFICIAL, Role.ADMIN}),
    "outcomes.send_back": ("POST", {Role.COORDINATOR, Role.OFFICIAL, Role.ADMIN}),
    "outcomes.follow_up": ("GET", {Role.COORDINATOR, Role.ADMIN}),
    "outcomes.remind": ("POST", {Role.COORDINATOR, Role.ADMIN}),
    "outcomes.contacts": ("GET", {Role.COORDINATOR, Role.ADMIN}),
    "outcomes.import_outcomes": ("GET", {Role.COORDINATOR, Role.ADMIN}),
    "outcomes.import_commit": ("POST", {Role.COORDINATOR, Role.ADMIN}),
    "outcomes.import_template": ("GET", {Role.COORDINATOR, Role.ADMIN, Role.OFFICIAL}),
    "outcomes.match": ("GET", {Role.COORDINATOR, Role.OFFICIAL, Role.ADMIN}),
    "outcomes.match_apply": ("POST", {Role.COORDINATOR, Role.OFFICIAL, Role.ADMIN}),
    "dashboard.city": ("GET", {Role.OFFICIAL, Role.ADMIN}),
    "dashboard.campus": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR}),
    "dashboard.methodology": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR}),
    "dashboard.planner": ("GET", {Role.OFFICIAL, Role.ADMIN}),
    "dashboard.targets": ("GET", {Role.OFFICIAL, Role.ADMIN}),
    "dashboard.set_target": ("POST", {Role.OFFICIAL}),
    "dashboard.set_quality_rule": ("POST", {Role.OFFICIAL}),
    "ecosystem.index": ("GET", {Role.OFFICIAL, Role.ADMIN}),
    "ecosystem.add_member": ("POST", {Role.OFFICIAL}),
    "ecosystem.select_advanced": ("POST", {Role.OFFICIAL}),
    "ecosystem.add_donation": ("POST", {Role.OFFICIAL}),
    "ecosystem.award_scholarship": ("POST", {Role.OFFICIAL}),
    "reports.index": ("GET", {Role.OFFICIAL, Role.ADMIN}),
    "reports.create": ("POST", {Role.OFFICIAL}),
    "reports.download": ("GET", {Role.OFFICIAL, Role.ADMIN}),
    "accounts.api_tokens": ("GET", {Role.OFFICIAL, Role.ADMIN}),
    "accounts.create_api_token": ("POST", {Role.OFFICIAL, Role.ADMIN}),
    "accounts.revoke_api_token": ("POST", {Role.OFFICIAL, Role.ADMIN}),
    "cohorts.index": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR}),
    "cohorts.new": ("GET", {Role.COORDINATOR}),
    "cohorts.edit": ("GET", {Role.COORDINATOR}),
    "cohorts.courses": ("GET", {Role.COORDINATOR}),
    "cohorts.new_course": ("GET", {Role.COORDINATOR}),
    "cohorts.edit_course": ("GET", {Role.COORDINATOR}),
    "cohorts.sessions": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR}),
    "cohorts.add_session_day": ("POST", {Role.COORDINATOR}),
    "cohorts.remove_session_day": ("POST", {Role.COORDINATOR}),
    "cohorts.enrol_one": ("GET", {Role.COORDINATOR}),
    "cohorts.check_enrolment_field": ("POST", {Role.COORDINATOR}),
    "cohorts.leave_cohort": ("GET", {Role.COORDINATOR}),
    "cohorts.attendance": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR}),
    "cohorts.mark": ("POST", {Role.COORDINATOR, Role.INSTRUCTOR}),
    "cohorts.mark_all_present": ("POST", {Role.COORDINATOR, Role.INSTRUCTOR}),
    "cohorts.import_roster": ("GET", {Role.COORDINATOR}),
    "cohorts.import_attendance": ("GET", {Role.COORDINATOR, Role.INSTRUCTOR}),
    "cohorts.template": ("GET", {Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR}),
    "cohorts.close": ("GET", {Role.COORDINATOR}),
    "cohorts.override": ("GET", {Role.COORDINATOR}),
}
# Endpoints open to everyone or with their own rules, each tested on its own below.
SEPARATELY_TESTED = {
    "static",
    "auth.login",
    "auth.logout",
    "auth.set_language",
    "home.index",
    # tests/auth/test_two_factor.py: the steps between password and sign-in
    "auth.second_factor",
    "auth.enrol",
    "auth.cancel_sign_in",
    # tests/accounts, tests/outcomes: a link token, a staged file's token
    "accounts.activate",
    "outcomes.import_problems",
    # tests/outcomes/test_insurance_match_routes.py: a kept match file
    "outcomes.match_file",
    # tests/accounts/test_passwords.py: open to anyone, the link holds the right
    "accounts.forgot_password",
    "accounts.reset_requested",
    "accounts.reset_password",
    # tests/api/test_tokens.py: a bearer token or a session; 401/403 in JSON
    "api.kpi",
    # tests/cohorts/test_routes.py: a staged file, reachable by its uploader only
    "cohorts.staged_import",
    "cohorts.commit_import",
    "cohorts.import_errors",
    # tests/jobs/test_services.py: a report job, seen by its owner only
    "reports.job",
}


@pytest.fixture
def world(db):
    """One campus with a cohort, an enrolled trainee and an assigned instructor."""
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus)
    enrolment = factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()
    return {"campus": campus, "cohort": cohort, "enrolment": enrolment}


def url_args(endpoint, world, user=None):
    if endpoint == "accounts.revoke_api_token":  # the signed-in official's own token
        owner = user if user is not None and user.role in (Role.OFFICIAL, Role.ADMIN) else None
        row, _secret = create_token(owner or factories.UserFactory(role=Role.OFFICIAL), "t", 1)
        return {"token_id": row.id}
    if endpoint.startswith(("outcomes.", "accounts.")):
        return outcome_url_args(endpoint, world, user)
    if endpoint.startswith(KPI_PREFIXES):
        return kpi_url_args(endpoint, world)
    if endpoint.startswith("cohorts."):
        return cohort_url_args(endpoint, world)
    if endpoint.startswith(PROGRAMME_PREFIXES):
        return programme_url_args(endpoint, world, user)
    return {
        "campuses.show": {"campus_id": world["campus"].id},
        "cohorts.show": {"cohort_id": world["cohort"].id},
        "trainees.show": {"trainee_id": world["enrolment"].trainee_id},
        "admin.reset_two_factor": {"user_id": world["enrolment"].trainee.user_id},
        "admin.account": {"user_id": world["enrolment"].trainee.user_id},
        "admin.update_account": {"user_id": world["enrolment"].trainee.user_id},
        "admin.account_status": {"user_id": world["enrolment"].trainee.user_id},
        "admin.send_password_reset": {"user_id": world["enrolment"].trainee.user_id},
        "admin.resend_invitation": {"user_id": world["enrolment"].trainee.user_id},
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
    user = sign_in(login_as, role, world)
    with app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **url_args(endpoint, world, user))
    response = client.open(url, method=method)
    if role == ANON and ANON not in allowed:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    elif role in allowed:
        # A POST without its form data is answered with a redirect (303) or the form (422).
        reached = {200} if method == "GET" else {200, 303, 422}
        assert response.status_code in reached, response.get_data(as_text=True)[:500]
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
        (Role.OFFICIAL, "/dashboard/"),
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
