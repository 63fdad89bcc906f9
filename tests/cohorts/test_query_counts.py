"""The cohort pages issue a bounded number of queries, whatever the size of the roster."""

from datetime import timedelta

import pytest

from academy.clock import seoul_today
from academy.models import AttendanceMark, ClassSession, EnrolmentStatus, Mark, Role
from tests import factories
from tests.test_query_counts import queries_for


@pytest.fixture
def running(db):
    """A cohort in training, with sessions held and to come."""
    today = seoul_today()
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(
        campus=campus, starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=10)
    )
    sessions = [
        ClassSession(cohort=cohort, held_on=today - timedelta(days=d)) for d in range(-5, 10)
    ]
    db.session.add_all(sessions)
    db.session.commit()
    return cohort, sessions


def grow(db, cohort, sessions, n):
    for i in range(n):
        status = EnrolmentStatus.WAITLISTED if i % 5 == 4 else EnrolmentStatus.ENROLLED
        enrolment = factories.EnrolmentFactory(
            cohort=cohort,
            status=status,
            waitlist_position=i + 1 if status == EnrolmentStatus.WAITLISTED else None,
        )
        if status == EnrolmentStatus.ENROLLED:
            for session in sessions[:8]:
                mark = Mark.ABSENT if i % 2 else Mark.PRESENT
                db.session.add(AttendanceMark(session=session, enrolment=enrolment, mark=mark))
    db.session.commit()


@pytest.mark.parametrize("page", ["", "/attendance", "/sessions"])
def test_cohort_pages_do_not_grow_with_the_roster(client, login_as, db, running, page):
    cohort, sessions = running
    login_as(Role.COORDINATOR, campus=cohort.campus)
    grow(db, cohort, sessions, 2)
    url = f"/cohorts/{cohort.id}{page}"
    small = queries_for(client, url)
    grow(db, cohort, sessions, 12)
    assert queries_for(client, url) == small


def test_a_closed_cohort_page_does_not_grow_with_overrides(client, login_as, db, running):
    from academy.cohorts.completion import close_cohort, override_completion

    cohort, sessions = running
    cohort.ends_on = seoul_today() - timedelta(days=1)
    db.session.commit()
    user = login_as(Role.COORDINATOR, campus=cohort.campus)
    grow(db, cohort, sessions, 4)
    close_cohort(cohort, by=user)
    url = f"/cohorts/{cohort.id}"
    enrolments = [e for e in cohort.enrolments if e.status == EnrolmentStatus.NOT_COMPLETED]
    override_completion(enrolments[0], True, "진단서 제출로 공가 인정", user)
    small = queries_for(client, url)
    for enrolment in enrolments[1:]:
        override_completion(enrolment, True, "진단서 제출로 공가 인정", user)
    assert queries_for(client, url) == small


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.COORDINATOR])
def test_the_cohort_list_does_not_grow_with_cohorts(client, login_as, db, role):
    campus = factories.CampusFactory()
    db.session.commit()
    login_as(role, campus=campus if role == Role.COORDINATOR else None)

    def more(n):
        for _ in range(n):
            cohort = factories.CohortFactory(campus=campus)
            for _ in range(3):
                factories.EnrolmentFactory(cohort=cohort)
        db.session.commit()

    more(1)
    small = queries_for(client, "/cohorts/")
    more(8)
    assert queries_for(client, "/cohorts/") == small


def test_the_course_list_does_not_grow_with_courses(client, login_as, db):
    campus = factories.CampusFactory()
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    factories.CourseFactory(campus=campus)
    db.session.commit()
    small = queries_for(client, "/cohorts/courses")
    for _ in range(6):
        factories.CourseFactory(campus=campus)
    db.session.commit()
    assert queries_for(client, "/cohorts/courses") == small
