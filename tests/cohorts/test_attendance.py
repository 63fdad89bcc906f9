"""The daily sheet and its one-click marks, the rates and the at-risk list."""

from datetime import date, timedelta

import pytest

from academy.clock import seoul_today
from academy.cohorts.attendance import (
    MarkRefused,
    at_risk,
    attendance_of,
    daily_sheet,
    mark_rest_present,
    record_mark,
)
from academy.kpi.attendance import Outlook
from academy.models import AttendanceMark, ClassSession, EnrolmentStatus, Mark
from tests import factories


def cohort_with_sessions(db, days, **fields):
    cohort = factories.CohortFactory(starts_on=days[0], ends_on=days[-1], **fields)
    sessions = [ClassSession(cohort=cohort, held_on=d) for d in days]
    db.session.add_all(sessions)
    db.session.commit()
    return cohort, sessions


def weekdays(first: date, n: int) -> list[date]:
    days, day = [], first
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def test_one_click_records_a_mark_and_a_second_click_replaces_it(db):
    cohort, sessions = cohort_with_sessions(db, weekdays(date(2025, 3, 4), 3))
    enrolment = factories.EnrolmentFactory(cohort=cohort)
    recorder = factories.UserFactory(role="instructor")
    db.session.commit()
    record_mark(sessions[0], enrolment, Mark.PRESENT, recorder)
    record_mark(sessions[0], enrolment, Mark.LATE, recorder)
    marks = AttendanceMark.query.filter_by(enrolment_id=enrolment.id).all()
    assert [(m.mark, m.recorded_by_id) for m in marks] == [(Mark.LATE, recorder.id)]


def test_a_session_still_to_come_cannot_be_marked(db):
    today = seoul_today()
    cohort, sessions = cohort_with_sessions(
        db, [today - timedelta(days=1), today + timedelta(days=1)]
    )
    enrolment = factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()
    with pytest.raises(MarkRefused):
        record_mark(sessions[1], enrolment, Mark.PRESENT, None)
    assert not daily_sheet(cohort, sessions[1]).held


def test_the_sheet_lists_the_roster_of_that_day(db):
    days = weekdays(date(2025, 3, 4), 4)
    cohort, sessions = cohort_with_sessions(db, days)
    staying = factories.EnrolmentFactory(cohort=cohort)
    left = factories.EnrolmentFactory(
        cohort=cohort, status=EnrolmentStatus.WITHDRAWN, left_on=days[2]
    )
    factories.EnrolmentFactory(
        cohort=cohort, status=EnrolmentStatus.WAITLISTED, waitlist_position=1
    )
    db.session.commit()
    before = {line.enrolment.id for line in daily_sheet(cohort, sessions[1]).lines}
    after = {line.enrolment.id for line in daily_sheet(cohort, sessions[2]).lines}
    assert before == {staying.id, left.id}
    assert after == {staying.id}
    with pytest.raises(MarkRefused):
        record_mark(sessions[3], left, Mark.PRESENT, None)


def test_the_rest_of_the_day_can_be_marked_present_at_once(db):
    cohort, sessions = cohort_with_sessions(db, weekdays(date(2025, 3, 4), 2))
    absent = factories.EnrolmentFactory(cohort=cohort)
    others = [factories.EnrolmentFactory(cohort=cohort) for _ in range(3)]
    db.session.commit()
    record_mark(sessions[0], absent, Mark.ABSENT, None)
    assert mark_rest_present(cohort, sessions[0], None) == 3
    sheet = daily_sheet(cohort, sessions[0])
    marks = {line.enrolment.id: line.mark for line in sheet.lines}
    assert marks[absent.id] == Mark.ABSENT
    assert all(marks[e.id] == Mark.PRESENT for e in others)
    assert sheet.marked == 4


def test_the_at_risk_list_shows_who_cannot_complete_or_is_close(app, db):
    today = seoul_today()
    days = [today - timedelta(days=9 - i) for i in range(10)] + [
        today + timedelta(days=i + 1) for i in range(10)
    ]  # 10 held, 10 to come: 16 of 20 needed
    cohort, sessions = cohort_with_sessions(db, days)
    names = {}
    for name, absences in (("가나다", 0), ("라마바", 2), ("사아자", 5)):
        enrolment = factories.EnrolmentFactory(cohort=cohort, trainee__user__name=name)
        names[name] = enrolment
        for i, session in enumerate(sessions[:10]):
            mark = Mark.ABSENT if i < absences else Mark.PRESENT
            db.session.add(AttendanceMark(session=session, enrolment=enrolment, mark=mark))
    db.session.commit()
    listed = at_risk(cohort)
    assert [(a.enrolment.trainee.user.name, a.outlook.outlook) for a in listed] == [
        ("사아자", Outlook.CANNOT_COMPLETE),
        ("라마바", Outlook.AT_RISK),
    ]
    rates = {a.enrolment.trainee.user.name: a.rate.rate for a in attendance_of(cohort)}
    assert rates == {"가나다": 1.0, "라마바": 0.8, "사아자": 0.5}
