"""A URL for every GET endpoint of the access-policy table a role may reach, with real objects
behind each (tests/test_access.py's url_args), for the tests that walk every page."""

import sqlalchemy as sa
from flask import url_for

from academy.extensions import db
from academy.models import Role, SubsidyProgramme
from tests import factories
from tests.test_access import POLICY, url_args

GETS = sorted(e for e, (method, _roles) in POLICY.items() if method == "GET")


def reachable_urls(app, role, world, user) -> dict[str, str]:
    """endpoint -> URL, for every GET endpoint open to `role`."""
    return endpoint_urls(app, [e for e in GETS if role in POLICY[e][1]], role, world, user)


def endpoint_urls(app, endpoints, role, world, user) -> dict[str, str]:
    """endpoint -> URL with the objects of `world` (made as `role` would reach them)."""
    urls = {}
    for number, endpoint in enumerate(sorted(endpoints)):
        here = world
        # Closing a cohort (override) or completing the enrolment (the outcome worlds) would
        # refuse these two pages: each gets a cohort and an enrolment of its own.
        if endpoint in ("cohorts.override", "cohorts.leave_cohort"):
            cohort = factories.CohortFactory(campus=world["campus"])
            enrolment = factories.EnrolmentFactory(cohort=cohort)
            here = {**world, "cohort": cohort, "enrolment": enrolment}
        elif role == Role.TRAINEE:  # the access worlds enrol the trainee in the cohort each time
            here = {**world, "cohort": factories.CohortFactory(campus=world["campus"])}
        with app.test_request_context():
            urls[endpoint] = url_for(endpoint, **url_args(endpoint, here, user))
            # Each call makes a 2025 subsidy programme; one programme per year is allowed.
            db.session.execute(
                sa.update(SubsidyProgramme)
                .where(SubsidyProgramme.year == 2025)
                .values(year=1900 + number)
            )
            db.session.commit()
    return urls
