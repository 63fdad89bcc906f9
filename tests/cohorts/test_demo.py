"""The demo uses cohort operations: closed cohorts, non-completers, overrides with reasons."""

from collections import Counter, defaultdict
from datetime import date

import sqlalchemy as sa

from academy.demo import load_demo
from academy.kpi.attendance import AttendanceRules, attendance_rate, meets_threshold
from academy.models import AttendanceMark, ClassSession, Cohort, Enrolment, EnrolmentStatus, Role

SMALL = 0.05
TODAY = date(2026, 12, 3)


def test_ended_cohorts_are_closed_and_the_rule_decided_who_completed(db):
    load_demo(scale=SMALL, today=TODAY)
    cohorts = db.session.scalars(sa.select(Cohort)).all()
    ended = [c for c in cohorts if c.ends_on < TODAY]
    waiting = [c for c in ended if c.closed_on is None]
    # The demo coordinator's cohort that ended last Friday waits to be closed; no other.
    assert [(c.campus.name, c.ends_on) for c in waiting] == [("종로캠퍼스", date(2026, 11, 27))]
    closed = [c for c in ended if c.closed_on]
    assert closed and all(TODAY >= c.closed_on >= c.ends_on for c in closed)
    assert all(c.closed_by.role == Role.COORDINATOR for c in closed)
    assert not [c for c in cohorts if c.ends_on >= TODAY and c.closed_on]
    # Those waiting are still enrolled: the close decides who completes.
    statuses = {e.status for e in waiting[0].enrolments}
    assert EnrolmentStatus.ENROLLED in statuses and EnrolmentStatus.COMPLETED not in statuses
    held = dict(
        db.session.execute(
            sa.select(ClassSession.cohort_id, sa.func.count()).group_by(ClassSession.cohort_id)
        ).all()
    )
    marks: dict[int, Counter] = defaultdict(Counter)
    for enrolment_id, mark, n in db.session.execute(
        sa.select(AttendanceMark.enrolment_id, AttendanceMark.mark, sa.func.count()).group_by(
            AttendanceMark.enrolment_id, AttendanceMark.mark
        )
    ):
        marks[enrolment_id][mark] = n
    not_completed = db.session.scalars(
        sa.select(Enrolment).where(Enrolment.status == EnrolmentStatus.NOT_COMPLETED)
    ).all()
    rules = AttendanceRules()
    by_rule = [e for e in not_completed if e.completion_override_reason is None]
    overridden = [e for e in not_completed if e.completion_override_reason]
    assert by_rule and overridden
    for enrolment in by_rule:
        rate = attendance_rate(marks[enrolment.id], held[enrolment.cohort_id], rules)
        assert not meets_threshold(rate, rules)
    for enrolment in overridden:
        assert enrolment.completion_overridden_by.role == Role.COORDINATOR
        assert enrolment.completion_overridden_at.date() >= enrolment.cohort.closed_on
        assert not enrolment.outcomes


def test_cohorts_with_a_waitlist_have_no_leavers(db):
    load_demo(scale=SMALL)
    waiting = set(
        db.session.scalars(
            sa.select(Enrolment.cohort_id).where(Enrolment.status == EnrolmentStatus.WAITLISTED)
        )
    )
    left = set(
        db.session.scalars(
            sa.select(Enrolment.cohort_id).where(
                Enrolment.status.in_([EnrolmentStatus.WITHDRAWN, EnrolmentStatus.EARLY_EMPLOYED])
            )
        )
    )
    assert waiting and left and not waiting & left
