"""The outcome pages issue a bounded number of queries, whatever the amount of data (no N+1)."""

from datetime import timedelta

from academy.clock import seoul_today
from academy.extensions import db
from academy.models import EnrolmentStatus, OutcomeCode, Role
from tests import factories
from tests.test_query_counts import queries_for


def ended_cohort(campus):
    ends_on = seoul_today() - timedelta(days=100)
    return factories.CohortFactory(
        campus=campus, starts_on=ends_on - timedelta(weeks=20), ends_on=ends_on
    )


def grow_pending(campus, n):
    """n cohorts with n pending outcomes each, with evidence, and n unknowns with contacts."""
    for _ in range(n):
        cohort = ended_cohort(campus)
        for _ in range(n):
            enrolment = factories.EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.COMPLETED)
            factories.OutcomeEvidenceFactory(outcome__enrolment=enrolment)
            unknown = factories.EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.COMPLETED)
            factories.ContactAttemptFactory(enrolment=unknown)
            factories.ContactAttemptFactory(enrolment=unknown)
    db.session.commit()


def test_queue_and_follow_up_do_not_grow_with_the_data(client, login_as, db):
    user = login_as(Role.COORDINATOR)
    campus = user.campus
    grow_pending(campus, 1)
    pages = [
        f"/outcomes/campuses/{campus.id}/queue",
        f"/outcomes/campuses/{campus.id}/follow-up",
        f"/outcomes/campuses/{campus.id}/follow-up?window=all",
        f"/accounts/cohorts/{ended_cohort(campus).id}/invitations",
    ]
    db.session.commit()
    small = [queries_for(client, url) for url in pages]
    grow_pending(campus, 5)
    cohort_id = int(pages[3].split("/")[3])
    for _ in range(8):
        factories.EnrolmentFactory(cohort_id=cohort_id)
    db.session.commit()
    assert [queries_for(client, url) for url in pages] == small


def test_my_record_does_not_grow_with_outcome_versions(client, login_as, db):
    user = login_as(Role.TRAINEE)
    enrolment = factories.EnrolmentFactory(
        cohort=ended_cohort(factories.CampusFactory()),
        trainee=user.trainee,
        status=EnrolmentStatus.COMPLETED,
    )
    factories.OutcomeEvidenceFactory(outcome__enrolment=enrolment, outcome__version=1)
    db.session.commit()
    small = queries_for(client, "/trainees/me")
    for version in range(2, 8):
        record = factories.OutcomeEvidenceFactory(
            outcome__enrolment=enrolment, outcome__version=version
        ).outcome
        record.code = OutcomeCode.E2 if version % 2 else OutcomeCode.E1
    db.session.commit()
    assert queries_for(client, "/trainees/me") == small
