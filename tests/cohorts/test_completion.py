"""Closing a cohort: the completion rule, early employment on its own line, overrides kept."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from academy.cohorts.completion import (
    CompletionRefused,
    close_cohort,
    completion_of,
    override_completion,
)
from academy.models import AccessLog, AttendanceMark, ClassSession, EnrolmentStatus, Mark, Role
from tests import factories

DAYS = [date(2025, 3, 3) + timedelta(days=d) for d in range(14) if d % 7 < 5]  # 10 weekdays


@pytest.fixture
def cohort(db):
    course = factories.CourseFactory(attendance_threshold_pct=80, lates_per_absence=3)
    cohort = factories.CohortFactory(
        campus=course.campus, course=course, starts_on=DAYS[0], ends_on=DAYS[-1], capacity=10
    )
    db.session.add_all([ClassSession(cohort=cohort, held_on=d) for d in DAYS])
    db.session.commit()
    return cohort


def trainee(db, cohort, name, marks, **fields):
    enrolment = factories.EnrolmentFactory(cohort=cohort, trainee__user__name=name, **fields)
    for session, mark in zip(cohort.sessions, marks, strict=False):
        db.session.add(AttendanceMark(session=session, enrolment=enrolment, mark=mark))
    db.session.commit()
    return enrolment


P, L, A, E = Mark.PRESENT, Mark.LATE, Mark.ABSENT, Mark.EXCUSED


def test_closing_applies_the_rule_exactly_80_percent_completes(db, cohort):
    exactly = trainee(db, cohort, "가경계", [P] * 8 + [A] * 2)
    below = trainee(db, cohort, "나미달", [P] * 7 + [A] * 3)
    lates = trainee(db, cohort, "다지각", [P] * 5 + [L] * 3 + [A] * 2)  # 3 lates = 1 absence
    excused = trainee(db, cohort, "라공가", [E] * 5 + [P] * 4 + [A])  # 4 of 5
    unmarked = trainee(db, cohort, "마무표", [P] * 7)  # 3 held sessions without a mark

    result = close_cohort(cohort, by=None, today=cohort.ends_on)

    assert exactly.status == EnrolmentStatus.COMPLETED
    assert below.status == EnrolmentStatus.NOT_COMPLETED
    assert lates.status == EnrolmentStatus.NOT_COMPLETED
    assert excused.status == EnrolmentStatus.COMPLETED
    assert unmarked.status == EnrolmentStatus.NOT_COMPLETED
    assert [e.trainee.user.name for e, _ in result.completers] == ["가경계", "라공가"]
    assert cohort.closed_on == cohort.ends_on


def test_early_employment_is_a_completer_on_its_own_line_and_leavers_stay(db, cohort):
    early = trainee(
        db, cohort, "조기취", [P] * 3, status=EnrolmentStatus.EARLY_EMPLOYED, left_on=DAYS[3]
    )
    gone = trainee(db, cohort, "중도탈", [P] * 2, status=EnrolmentStatus.WITHDRAWN, left_on=DAYS[2])
    waiting = factories.EnrolmentFactory(
        cohort=cohort, status=EnrolmentStatus.WAITLISTED, waitlist_position=1
    )
    trainee(db, cohort, "수료생", [P] * 10)

    result = close_cohort(cohort, by=None, today=cohort.ends_on)

    assert [e.id for e, _ in result.early_employed] == [early.id]
    assert result.completed_count == 2
    assert [e.id for e, _ in result.withdrawn] == [gone.id]
    assert early.status == EnrolmentStatus.EARLY_EMPLOYED
    assert gone.status == EnrolmentStatus.WITHDRAWN
    assert waiting.status == EnrolmentStatus.WAITLISTED


def test_a_cohort_closes_once_and_not_before_its_last_day(db, cohort):
    with pytest.raises(CompletionRefused):
        close_cohort(cohort, by=None, today=cohort.ends_on - timedelta(days=1))
    close_cohort(cohort, by=None, today=cohort.ends_on + timedelta(days=3))
    with pytest.raises(CompletionRefused):
        close_cohort(cohort, by=None)
    assert cohort.closed_on == cohort.ends_on + timedelta(days=3)


def test_the_preview_before_closing_changes_nothing(db, cohort):
    enrolment = trainee(db, cohort, "미리보", [P] * 10)
    preview = completion_of(cohort)
    assert [e.id for e, _ in preview.completers] == [enrolment.id]
    assert enrolment.status == EnrolmentStatus.ENROLLED and cohort.closed_on is None


def test_an_override_keeps_its_reason_who_and_when(db, cohort):
    enrolment = trainee(db, cohort, "나미달", [P] * 7 + [A] * 3)
    coordinator = factories.UserFactory(role=Role.COORDINATOR, campus=cohort.campus)
    db.session.commit()
    close_cohort(cohort, by=coordinator, today=cohort.ends_on)
    assert enrolment.status == EnrolmentStatus.NOT_COMPLETED

    override_completion(
        enrolment, True, "  입원 확인서 제출: 결석 2일은 공가로 인정  ", coordinator
    )

    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert enrolment.completion_override_reason == "입원 확인서 제출: 결석 2일은 공가로 인정"
    assert enrolment.completion_overridden_by_id == coordinator.id
    assert enrolment.completion_overridden_at is not None
    logged = db.session.scalar(
        sa.select(AccessLog).where(
            AccessLog.subject_id == enrolment.id, AccessLog.subject_type == "enrolment"
        )
    )
    assert "not_completed -> completed" in logged.detail


def test_an_override_needs_a_reason_and_a_closed_cohort(db, cohort):
    enrolment = trainee(db, cohort, "가나다", [P] * 10)
    with pytest.raises(CompletionRefused):
        override_completion(enrolment, False, "최종 프로젝트를 제출하지 않음", None)
    close_cohort(cohort, by=None, today=cohort.ends_on)
    with pytest.raises(CompletionRefused):
        override_completion(enrolment, False, "짧음", None)
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert enrolment.completion_override_reason is None
