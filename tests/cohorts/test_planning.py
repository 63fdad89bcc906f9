"""Courses, cohorts and sessions: classrooms, seats, partners and Korean public holidays."""

from datetime import date

import pytest

from academy.cohorts.planning import (
    CohortData,
    CourseData,
    PlanRefused,
    SessionRefused,
    add_session,
    create_cohort,
    create_course,
    remove_session,
    skipped_holidays,
    teaching_days,
    update_cohort,
)
from academy.models import AttendanceMark, CampusKind, ClassSession, Level, Mark
from tests import factories


@pytest.fixture
def campus(db):
    campus = factories.CampusFactory()
    db.session.commit()
    return campus


def cohort_data(course, room=None, **changes) -> CohortData:
    values = dict(
        code="jongno-2025-07",
        course_id=course.id,
        starts_on=date(2025, 3, 3),
        ends_on=date(2025, 3, 14),
        capacity=20,
        classroom_id=room.id if room else None,
    )
    values.update(changes)
    return CohortData(**values)


def test_sessions_are_weekdays_less_korean_public_holidays():
    # 2025-03-03 is the substitute holiday for 삼일절 (a Saturday); 5 May is 어린이날 and
    # 부처님오신날, 6 May their substitute.
    days = teaching_days(date(2025, 3, 1), date(2025, 3, 9))
    assert days == [date(2025, 3, d) for d in (4, 5, 6, 7)]
    may = teaching_days(date(2025, 5, 5), date(2025, 5, 9))
    assert may == [date(2025, 5, 7), date(2025, 5, 8), date(2025, 5, 9)]


def test_the_sessions_page_names_the_holidays_it_skipped(app):
    with app.test_request_context():
        names = dict(skipped_holidays(date(2025, 3, 1), date(2025, 3, 9)))
    assert list(names) == [date(2025, 3, 3)]
    assert "삼일절" in names[date(2025, 3, 3)]


def test_a_new_cohort_gets_its_sessions_and_an_upper_case_code(db, campus):
    course = factories.CourseFactory(campus=campus)
    db.session.commit()
    cohort = create_cohort(campus, cohort_data(course))
    assert cohort.code == "JONGNO-2025-07"
    assert [s.held_on.day for s in cohort.sessions] == [4, 5, 6, 7, 10, 11, 12, 13, 14]


def test_a_classroom_holds_one_cohort_at_a_time(db, campus):
    course = factories.CourseFactory(campus=campus)
    room = factories.ClassroomFactory(campus=campus, name="강의실 A", seats=30)
    factories.CohortFactory(
        campus=campus,
        course=course,
        classroom=room,
        code="JONGNO-2025-01",
        starts_on=date(2025, 1, 6),
        ends_on=date(2025, 3, 4),
    )
    db.session.commit()
    with pytest.raises(PlanRefused) as refused:
        create_cohort(campus, cohort_data(course, room))
    message = str(refused.value.errors["classroom_id"][0])
    assert "강의실 A" in message and "JONGNO-2025-01" in message
    after = create_cohort(campus, cohort_data(course, room, starts_on=date(2025, 3, 5)))
    assert after.classroom_id == room.id


def test_the_capacity_fits_the_classroom(db, campus):
    course = factories.CourseFactory(campus=campus)
    room = factories.ClassroomFactory(campus=campus, seats=24)
    db.session.commit()
    with pytest.raises(PlanRefused) as refused:
        create_cohort(campus, cohort_data(course, room, capacity=25))
    assert "24" in str(refused.value.errors["capacity"][0])
    assert create_cohort(campus, cohort_data(course, room, capacity=24)).capacity == 24


def test_every_problem_of_a_cohort_is_reported_at_once(db, campus):
    other_campus_course = factories.CourseFactory()
    db.session.commit()
    with pytest.raises(PlanRefused) as refused:
        create_cohort(
            campus, cohort_data(other_campus_course, code=" ", capacity=0, ends_on=date(2025, 1, 1))
        )
    assert set(refused.value.errors) == {"code", "course_id", "ends_on", "capacity"}


def test_courses_at_big_tech_campuses_and_project_courses_name_their_partner(db):
    bigtech = factories.CampusFactory(kind=CampusKind.BIGTECH, partner_company="NVIDIA")
    district = factories.CampusFactory()
    db.session.commit()
    course = create_course(bigtech, CourseData(name="LLM 심화", level=Level.ADVANCED))
    assert course.partner_company == "NVIDIA"
    with pytest.raises(PlanRefused) as refused:
        create_course(
            district, CourseData(name="현장 프로젝트", level=Level.INTERMEDIATE, project_based=True)
        )
    assert "partner_company" in refused.value.errors
    with pytest.raises(PlanRefused):
        create_course(
            district,
            CourseData(
                name="규칙", level=Level.BEGINNER, attendance_threshold_pct=0, lates_per_absence=0
            ),
        )


def test_changing_the_dates_keeps_edited_sessions_and_adds_the_extension(db, campus):
    course = factories.CourseFactory(campus=campus)
    db.session.commit()
    cohort = create_cohort(campus, cohort_data(course))
    add_session(cohort, date(2025, 3, 8))  # a make-up Saturday
    remove_session(next(s for s in cohort.sessions if s.held_on == date(2025, 3, 7)))
    update_cohort(
        cohort,
        cohort_data(
            course, code=cohort.code, starts_on=date(2025, 3, 5), ends_on=date(2025, 3, 18)
        ),
    )
    days = [
        s.held_on.day
        for s in ClassSession.query.filter_by(cohort_id=cohort.id).order_by(ClassSession.held_on)
    ]
    assert days == [5, 6, 8, 10, 11, 12, 13, 14, 17, 18]


def test_a_day_with_attendance_cannot_be_removed_nor_left_outside_the_dates(db, campus):
    course = factories.CourseFactory(campus=campus)
    db.session.commit()
    cohort = create_cohort(campus, cohort_data(course))
    enrolment = factories.EnrolmentFactory(cohort=cohort)
    first = cohort.sessions[0]
    db.session.add(AttendanceMark(session=first, enrolment=enrolment, mark=Mark.PRESENT))
    db.session.commit()
    with pytest.raises(SessionRefused):
        remove_session(first)
    with pytest.raises(PlanRefused) as refused:
        update_cohort(cohort, cohort_data(course, code=cohort.code, starts_on=date(2025, 3, 10)))
    assert "starts_on" in refused.value.errors
    with pytest.raises(SessionRefused):
        add_session(cohort, date(2025, 4, 1))


def test_the_capacity_cannot_drop_below_those_enrolled(db, campus):
    course = factories.CourseFactory(campus=campus)
    cohort = factories.CohortFactory(campus=campus, course=course, capacity=3)
    for _ in range(3):
        factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()
    with pytest.raises(PlanRefused) as refused:
        update_cohort(
            cohort,
            CohortData(
                code=cohort.code,
                course_id=course.id,
                starts_on=cohort.starts_on,
                ends_on=cohort.ends_on,
                capacity=2,
            ),
        )
    assert "3" in str(refused.value.errors["capacity"][0])


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [(date(2030, 1, 1), date(2100, 12, 31)), (date(2025, 3, 3), date(2026, 3, 4))],
)
def test_a_cohort_longer_than_a_year_is_refused_before_any_session_is_made(
    db, campus, starts_on, ends_on
):
    """The review created a 2030–2100 cohort with 17,370 sessions (issue 13, item 6)."""
    course = factories.CourseFactory(campus=campus)
    db.session.commit()
    with pytest.raises(PlanRefused) as refused:
        create_cohort(campus, cohort_data(course, starts_on=starts_on, ends_on=ends_on))
    assert "366" in str(refused.value.errors["ends_on"][0])
    assert db.session.query(ClassSession).count() == 0
    # A year to the day is a course that can be.
    year = create_cohort(
        campus, cohort_data(course, starts_on=date(2025, 3, 3), ends_on=date(2026, 3, 3))
    )
    assert 200 < len(year.sessions) < 262
