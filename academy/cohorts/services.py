"""Cohort pages: the roster with attendance and the current outcome, in bounded queries."""

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from academy.clock import seoul_today
from academy.extensions import db
from academy.kpi.attendance import AttendanceRate, AttendanceRules, attendance_rate
from academy.models import (
    AttendanceMark,
    ClassSession,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Instructor,
    InstructorAssignment,
    Mark,
    OutcomeRecord,
    Trainee,
)


@dataclass(frozen=True)
class RosterLine:
    enrolment: Enrolment
    attendance: AttendanceRate
    outcome: OutcomeRecord | None


def rules_for(cohort: Cohort) -> AttendanceRules:
    return AttendanceRules(
        threshold_pct=cohort.course.attendance_threshold_pct,
        lates_per_absence=cohort.course.lates_per_absence,
    )


def sessions_held(cohort_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(ClassSession.id)).where(
            ClassSession.cohort_id == cohort_id, ClassSession.held_on <= seoul_today()
        )
    )


def current_outcomes(enrolment_ids: sa.Select | list[int]) -> dict[int, OutcomeRecord]:
    """The highest version of each enrolment's outcome record."""
    latest = (
        sa.select(OutcomeRecord.enrolment_id, sa.func.max(OutcomeRecord.version).label("v"))
        .where(OutcomeRecord.enrolment_id.in_(enrolment_ids))
        .group_by(OutcomeRecord.enrolment_id)
        .subquery()
    )
    records = db.session.scalars(
        sa.select(OutcomeRecord).join(
            latest,
            sa.and_(
                OutcomeRecord.enrolment_id == latest.c.enrolment_id,
                OutcomeRecord.version == latest.c.v,
            ),
        )
    )
    return {r.enrolment_id: r for r in records}


def roster(cohort: Cohort) -> list[RosterLine]:
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .where(Enrolment.cohort_id == cohort.id)
        .options(selectinload(Enrolment.trainee).selectinload(Trainee.user))
    ).all()
    counts: dict[int, dict[Mark, int]] = defaultdict(dict)
    held = sessions_held(cohort.id)
    mark_rows = db.session.execute(
        sa.select(AttendanceMark.enrolment_id, AttendanceMark.mark, sa.func.count())
        .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
        .where(ClassSession.cohort_id == cohort.id, ClassSession.held_on <= seoul_today())
        .group_by(AttendanceMark.enrolment_id, AttendanceMark.mark)
    )
    for enrolment_id, mark, n in mark_rows:
        counts[enrolment_id][mark] = n
    outcomes = current_outcomes(sa.select(Enrolment.id).where(Enrolment.cohort_id == cohort.id))
    rules = rules_for(cohort)
    lines = [
        RosterLine(e, attendance_rate(counts[e.id], held, rules), outcomes.get(e.id))
        for e in enrolments
    ]
    lines.sort(key=lambda line: (line.enrolment.status == EnrolmentStatus.WAITLISTED,
                                 line.enrolment.waitlist_position or 0,
                                 line.enrolment.trainee.user.name))  # fmt: skip
    return lines


def instructors_of(cohort: Cohort) -> list[InstructorAssignment]:
    return db.session.scalars(
        sa.select(InstructorAssignment)
        .where(InstructorAssignment.cohort_id == cohort.id)
        .options(selectinload(InstructorAssignment.instructor).selectinload(Instructor.user))
    ).all()
