"""Attendance in the wide layout of training portals (one row per trainee, one column per
session), from the corpus in tests/exchange/corpus.py, into a real database."""

import io
from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from academy.cohorts.imports import check_attendance, commit_attendance
from academy.models import AttendanceMark, ClassSession, Enrolment, Mark, Role, Trainee, User
from tests import factories
from tests.conftest import count_rows
from tests.exchange import corpus


@pytest.fixture(autouse=True)
def korean(app, db):
    with app.test_request_context(), force_locale("ko"):
        yield


@pytest.fixture
def cohort(db):
    cohort = factories.CohortFactory(starts_on=date(2025, 3, 10), ends_on=date(2025, 7, 25))
    db.session.add_all([ClassSession(cohort=cohort, held_on=day) for day in corpus.SESSIONS])
    for name, born, email in corpus.WIDE_ROSTER:
        factories.EnrolmentFactory(
            cohort=cohort,
            trainee__birth_date=born,
            trainee__user__name=name,
            trainee__user__email=email,
        )
    db.session.commit()
    return cohort


def recorded(db) -> dict[tuple[str, date], str]:
    rows = db.session.execute(
        sa.select(User.email, ClassSession.held_on, AttendanceMark.mark)
        .join(Enrolment, Enrolment.id == AttendanceMark.enrolment_id)
        .join(Trainee, Trainee.id == Enrolment.trainee_id)
        .join(User, User.id == Trainee.user_id)
        .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
    )
    return {(email, day): Mark(mark).value for email, day, mark in rows}


@pytest.mark.parametrize("make", corpus.WIDE_CASES, ids=lambda make: make.__name__)
def test_each_wide_sheet_records_its_marks_or_names_each_problem(db, cohort, make):
    case = make()
    check = commit_attendance(cohort, case.data, by=None)
    assert check.parsed.layout == "wide"
    assert {(p.line, p.column) for p in check.problems} == case.problems
    if case.problems:
        assert not check.written and count_rows(AttendanceMark) == 0
        return
    assert check.written
    assert recorded(db) == case.marks


def test_people_it_cannot_tell_apart_are_refused_by_row_saying_how_to_fix_it(db, cohort):
    check = check_attendance(cohort, corpus.wide_with_people_it_cannot_tell_apart().data)
    messages = {p.line: str(p.message) for p in check.problems}
    assert "2명" in messages[2] and "이메일" in messages[2]
    assert "명단에 없습니다" in messages[3] and "1999-01-09" in messages[3]
    assert "출석, 지각, 조퇴, 결석" in messages[4]


def test_a_wide_sheet_warns_about_its_totals_and_says_how_it_was_read(db, cohort):
    check = check_attendance(cohort, corpus.wide_by_name_and_birth_date().data)
    warnings = " ".join(str(w) for w in check.parsed.warnings)
    assert "출석일수" in warnings and "출석률" in warnings
    assert "2025-03-10" in warnings and "2025-03-12" in warnings


def test_a_trainee_not_in_this_cohort_is_not_matched_by_name(db, cohort):
    """Someone with the same name and birth date in another cohort is not this cohort's."""
    other = factories.CohortFactory(starts_on=date(2025, 3, 10))
    factories.EnrolmentFactory(
        cohort=other, trainee__birth_date=date(2001, 1, 1), trainee__user__name="정마루"
    )
    db.session.commit()
    data = corpus.xlsx(
        [["성명", "생년월일", "3/10", "3/11"], ["정마루", "2001-01-01", "출석", "출석"]]
    )
    check = commit_attendance(cohort, data, by=None)
    assert not check.written and {(p.line, p.column) for p in check.problems} == {(2, "성명")}


def test_a_wide_sheet_is_previewed_and_imported_through_the_pages(client, login_as, db, cohort):
    login_as(Role.COORDINATOR, campus=cohort.campus)
    data = corpus.wide_by_name_and_birth_date().data
    response = client.post(
        f"/cohorts/{cohort.id}/attendance/import",
        data={"file": (io.BytesIO(data), "출결.xlsx")},
        content_type="multipart/form-data",
    )
    location = response.headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert "수업일 열 3개" in html and "garam@example.org" in html and "/commit" in html
    client.post(location + "/commit")
    assert recorded(db) == corpus.wide_by_name_and_birth_date().marks
