"""Accounts made by enrolment and roster import are role grants; the pages that show trainees
on the certification sheet, the invitations, internship placements and the completion pages
write one access entry per request naming everyone shown."""

import io
import json
from contextlib import contextmanager
from datetime import date

import openpyxl
import sqlalchemy as sa
from sqlalchemy import event

from academy import audit
from academy.cohorts.enrolment import TraineeData, enrol
from academy.cohorts.imports import commit_roster
from academy.models import AccessAction, AccessLog, EnrolmentStatus, Role, User
from tests import factories


def grants(db) -> list[AccessLog]:
    return db.session.scalars(
        sa.select(AccessLog)
        .where(AccessLog.action == AccessAction.ROLE_GRANT)
        .order_by(AccessLog.seq)
    ).all()


def views(db, subject_type: str) -> list[AccessLog]:
    return db.session.scalars(
        sa.select(AccessLog)
        .where(AccessLog.action == AccessAction.VIEW, AccessLog.subject_type == subject_type)
        .order_by(AccessLog.seq)
    ).all()


def listed(entry: AccessLog) -> list[int]:
    return json.loads(entry.detail)["trainees"]


def test_enrolling_a_new_person_grants_the_trainee_role_once(app, db):
    coordinator = factories.UserFactory(role=Role.COORDINATOR, campus=factories.CampusFactory())
    first = factories.CohortFactory(starts_on=date(2025, 3, 10), ends_on=date(2025, 4, 30))
    second = factories.CohortFactory(starts_on=date(2025, 6, 2), ends_on=date(2025, 7, 31))
    db.session.commit()
    person = TraineeData(name="김새봄", birth_date=date(1999, 4, 1), email="spring@example.com")
    enrolment = enrol(first, person, by=coordinator)
    enrol(second, person, by=coordinator)  # the same person again: no new account
    (grant,) = grants(db)
    user = db.session.get(User, enrolment.trainee.user_id)
    assert (grant.subject_type, grant.subject_id) == ("user", user.id)
    assert json.loads(grant.detail) == {
        "email": "spring@example.com",
        "role": "trainee",
        "campus_id": None,
        "change": "created",
    }
    assert grant.actor_email == coordinator.email
    assert grant.keep_until == audit.keep_until(AccessAction.ROLE_GRANT, grant.at)


def roster(n: int, first: int = 0) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["이름", "생년월일", "이메일"])
    for i in range(first, first + n):
        workbook.active.append([f"교육생{i}", "1999-04-01", f"bulk{i}@example.com"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@contextmanager
def log_inserts(db):
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT INTO ACCESS_LOG"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_a_roster_import_grants_each_new_account_in_one_insert(app, db):
    coordinator = factories.UserFactory(role=Role.COORDINATOR, campus=factories.CampusFactory())
    small = factories.CohortFactory(capacity=30)
    large = factories.CohortFactory(capacity=30)
    db.session.commit()
    with app.test_request_context():
        with log_inserts(db) as few:
            assert commit_roster(small, roster(3), by=coordinator).written
        with log_inserts(db) as many:
            assert commit_roster(large, roster(25, first=3), by=coordinator).written
    entries = grants(db)
    assert len(entries) == 28
    assert {json.loads(e.detail)["email"] for e in entries} == {
        f"bulk{i}@example.com" for i in range(28)
    }
    ids = {e.subject_id for e in entries}
    assert ids == set(db.session.scalars(sa.select(User.id).where(User.email.like("bulk%"))))
    assert {e.actor_email for e in entries} == {coordinator.email}
    assert len(few) == len(many)  # the grants ride in one statement with the import's entry
    assert audit.verify_chain() is None


def test_the_certification_sheet_logs_everyone_on_it(client, login_as, db):
    cohort = factories.CohortFactory()
    enrolments = factories.EnrolmentFactory.create_batch(3, cohort=cohort)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=cohort.campus)
    assert client.get(f"/certifications/cohorts/{cohort.id}").status_code == 200
    (entry,) = views(db, "cohort")
    assert listed(entry) == sorted(e.trainee_id for e in enrolments)
    assert json.loads(entry.detail)["page"] == "certifications"


def test_the_invitations_page_logs_everyone_on_it(client, login_as, db):
    cohort = factories.CohortFactory()
    enrolments = factories.EnrolmentFactory.create_batch(2, cohort=cohort)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=cohort.campus)
    assert client.get(f"/accounts/cohorts/{cohort.id}/invitations").status_code == 200
    (entry,) = views(db, "cohort")
    assert listed(entry) == sorted(e.trainee_id for e in enrolments)
    assert json.loads(entry.detail)["page"] == "invitations"


def test_internship_placements_are_logged_for_the_coordinator(client, login_as, db):
    campus = factories.CampusFactory()
    enrolment = factories.EnrolmentFactory(cohort=factories.CohortFactory(campus=campus))
    placement = factories.InternshipPlacementFactory(trainee=enrolment.trainee, campus=campus)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    assert client.get("/internships/?year=2025").status_code == 200
    (listing,) = views(db, "internship_placements")
    assert listed(listing) == [enrolment.trainee_id]
    search = {"q": enrolment.trainee.name}
    url = f"/internships/openings/{placement.opening_id}"
    assert client.get(url, query_string=search).status_code == 200
    (opening,) = views(db, "internship_opening")
    assert json.loads(opening.detail)["placed"] == [enrolment.trainee_id]
    assert enrolment.trainee_id in listed(opening)  # in the picker as well


def test_an_official_sees_counts_only_and_nothing_is_logged(client, login_as, db):
    factories.InternshipPlacementFactory()
    db.session.commit()
    login_as(Role.OFFICIAL)
    assert client.get("/internships/?year=2025").status_code == 200
    assert client.get("/internships/openings").status_code == 200
    assert views(db, "internship_placements") == []


def test_the_close_override_and_leave_pages_are_logged(client, login_as, db):
    cohort = factories.CohortFactory()
    staying, leaving = factories.EnrolmentFactory.create_batch(2, cohort=cohort)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=cohort.campus)

    assert client.get(f"/cohorts/{cohort.id}/close").status_code == 200
    (close,) = views(db, "cohort")
    assert listed(close) == sorted([staying.trainee_id, leaving.trainee_id])

    url = f"/cohorts/{cohort.id}/enrolments/{leaving.id}/leave"
    assert client.get(url).status_code == 200
    (leave,) = views(db, "enrolment")
    assert leave.trainee_id == leaving.trainee_id and leave.subject_id == leaving.id

    cohort.closed_on = cohort.ends_on
    staying.status = EnrolmentStatus.COMPLETED
    db.session.commit()
    assert client.get(f"/cohorts/{cohort.id}/enrolments/{staying.id}/completion").status_code == 200
    override = views(db, "enrolment")[-1]
    assert override.trainee_id == staying.trainee_id
    assert json.loads(override.detail) == {"page": "completion_override"}
    assert audit.verify_chain() is None
