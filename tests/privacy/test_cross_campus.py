"""A coordinator of campus A gets 403 or 404 on every object of campus B, on every endpoint that
takes an object (pages, htmx partials, downloads and POSTs); a trainee gets the same on every
other trainee's record, outcome, exam and claim, and on their files.

The endpoints come from the access-policy table, so a new endpoint is covered when it is added
there; only those whose object is citywide by design are left out, each with its reason."""

import pytest

from academy.models import Role
from tests import factories
from tests.privacy.walk import endpoint_urls
from tests.test_access import POLICY

# Objects every campus shares: coordinators need them whatever campus they run.
CITYWIDE = {
    "internships.opening": "openings are published citywide; any campus may place a trainee",
    "internships.place": "a coordinator places their own trainee in any opening",
    "subsidies.ledger": "one programme for the city; the page shows the coordinator's claims",
    "subsidies.ledger_export": "the same programme ledger as a file",
}
NOT_AN_OBJECT = {"kind", "field"}  # a template kind, an enrolment form field


def object_endpoints(app, role) -> list[str]:
    rules = {r.endpoint: r for r in app.url_map.iter_rules()}
    return sorted(
        e
        for e, (_method, roles) in POLICY.items()
        if role in roles and rules[e].arguments - NOT_AN_OBJECT and e not in CITYWIDE
    )


def campus_world(db):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus)
    enrolment = factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()
    return {"campus": campus, "cohort": cohort, "enrolment": enrolment}


def test_the_walk_covers_the_object_endpoints(app):
    endpoints = object_endpoints(app, Role.COORDINATOR)
    for expected in (
        "cohorts.show",
        "trainees.show",
        "outcomes.evidence",
        "subsidies.receipt",
        "certifications.attempt_evidence",
        "instructors.career_evidence",
        "cohorts.mark",
        "subsidies.approve",
        "outcomes.verify",
        "dashboard.campus",
    ):
        assert expected in endpoints


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TRAINEE], ids=str)
def test_nothing_of_another_campus_or_person_is_reachable(app, client, login_as, db, role):
    mine, theirs = campus_world(db), campus_world(db)
    user = login_as(role, campus=mine["campus"] if role == Role.COORDINATOR else None)
    if role == Role.TRAINEE:  # enrolled at campus A; the objects are another trainee's
        factories.EnrolmentFactory(cohort=mine["cohort"], trainee=user.trainee)
        db.session.commit()
    endpoints = object_endpoints(app, role)
    # The objects behind the URLs are made as an administrator would reach them: campus B's
    # and its trainee's, never the signed-in person's own.
    admin = factories.UserFactory(role=Role.ADMIN)
    urls = endpoint_urls(app, endpoints, Role.ADMIN, theirs, admin)
    reached = {}
    for endpoint, url in urls.items():
        method = POLICY[endpoint][0]
        for headers in ({}, {"HX-Request": "true"}):
            status = client.open(url, method=method, headers=headers).status_code
            if status not in (403, 404):
                reached[endpoint] = (url, method, status)
    assert not reached, reached
    assert len(urls) >= (20 if role == Role.COORDINATOR else 4)
