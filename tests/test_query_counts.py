"""Pages issue a bounded number of queries, whatever the amount of data (no N+1)."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from academy.extensions import db
from academy.models import InstructorAssignment, Role
from tests import factories


@contextmanager
def counting_queries():
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def grow(campus, n):
    """n more cohorts at the campus, each with n trainees."""
    for _ in range(n):
        cohort = factories.CohortFactory(campus=campus)
        factories.ClassroomFactory(campus=campus)
        for _ in range(n):
            factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()


def queries_for(client, url):
    with counting_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.COORDINATOR])
def test_campus_pages_do_not_grow_with_the_data(client, login_as, db, role):
    campus = factories.CampusFactory()
    db.session.commit()
    login_as(role, campus=campus if role == Role.COORDINATOR else None)
    url = "/campuses/?year=2025" if role == Role.OFFICIAL else f"/campuses/{campus.id}?year=2025"
    grow(campus, 1)
    small = queries_for(client, url)
    grow(campus, 6)
    for _ in range(5):
        factories.CampusFactory()
    db.session.commit()
    assert queries_for(client, url) == small


def test_roster_does_not_grow_with_the_cohort(client, login_as, db):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus)
    factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    url = f"/cohorts/{cohort.id}"
    small = queries_for(client, url)
    for _ in range(15):
        factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()
    assert queries_for(client, url) == small


def test_instructor_home_does_not_grow_with_assignments(client, login_as, db):
    user = login_as(Role.INSTRUCTOR)
    db.session.add(
        InstructorAssignment(cohort=factories.CohortFactory(), instructor=user.instructor)
    )
    db.session.commit()
    small = queries_for(client, "/instructors/me")
    for _ in range(6):
        db.session.add(
            InstructorAssignment(cohort=factories.CohortFactory(), instructor=user.instructor)
        )
    db.session.commit()
    assert queries_for(client, "/instructors/me") == small
