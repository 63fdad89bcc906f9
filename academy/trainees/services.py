"""A trainee's own record, gathered in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from academy.clock import seoul_today
from academy.cohorts.services import current_outcomes, rules_for
from academy.extensions import db
from academy.kpi.attendance import AttendanceRate, attendance_rate
from academy.models import (
    AttendanceMark,
    ClassSession,
    Cohort,
    Enrolment,
    ExamAttempt,
    InternshipOpening,
    InternshipPlacement,
    Mark,
    OutcomeRecord,
    SubsidyClaim,
    Trainee,
)


@dataclass(frozen=True)
class EnrolmentLine:
    enrolment: Enrolment
    attendance: AttendanceRate
    outcome: OutcomeRecord | None


@dataclass(frozen=True)
class TraineeRecord:
    trainee: Trainee
    enrolments: list[EnrolmentLine]
    exams: list[ExamAttempt]
    placements: list[InternshipPlacement]
    claims: list[SubsidyClaim]


def trainee_record(trainee: Trainee) -> TraineeRecord:
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .where(Enrolment.trainee_id == trainee.id)
        .options(
            joinedload(Enrolment.cohort, innerjoin=True).joinedload(Cohort.course, innerjoin=True),
            joinedload(Enrolment.cohort, innerjoin=True).joinedload(Cohort.campus, innerjoin=True),
        )
        .order_by(Enrolment.enrolled_on.desc())
    ).all()
    ids = [e.id for e in enrolments]
    today = seoul_today()
    held = dict(
        db.session.execute(
            sa.select(ClassSession.cohort_id, sa.func.count())
            .where(ClassSession.cohort_id.in_([e.cohort_id for e in enrolments]),
                   ClassSession.held_on <= today)
            .group_by(ClassSession.cohort_id)
        ).all()
    )  # fmt: skip
    marks: dict[int, dict[Mark, int]] = defaultdict(dict)
    for enrolment_id, mark, n in db.session.execute(
        sa.select(AttendanceMark.enrolment_id, AttendanceMark.mark, sa.func.count())
        .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
        .where(AttendanceMark.enrolment_id.in_(ids), ClassSession.held_on <= today)
        .group_by(AttendanceMark.enrolment_id, AttendanceMark.mark)
    ):
        marks[enrolment_id][mark] = n
    outcomes = current_outcomes(ids)
    lines = [
        EnrolmentLine(
            e,
            attendance_rate(marks[e.id], held.get(e.cohort_id, 0), rules_for(e.cohort)),
            outcomes.get(e.id),
        )
        for e in enrolments
    ]
    exams = db.session.scalars(
        sa.select(ExamAttempt)
        .where(ExamAttempt.trainee_id == trainee.id)
        .options(joinedload(ExamAttempt.certification, innerjoin=True))
        .order_by(ExamAttempt.sat_on.desc())
    ).all()
    placements = db.session.scalars(
        sa.select(InternshipPlacement)
        .where(InternshipPlacement.trainee_id == trainee.id)
        .options(
            joinedload(InternshipPlacement.opening, innerjoin=True).joinedload(
                InternshipOpening.host, innerjoin=True
            )
        )
        .order_by(InternshipPlacement.starts_on.desc())
    ).all()
    claims = db.session.scalars(
        sa.select(SubsidyClaim)
        .where(SubsidyClaim.trainee_id == trainee.id)
        .options(joinedload(SubsidyClaim.exam_attempt).joinedload(ExamAttempt.certification))
        .order_by(SubsidyClaim.applied_on.desc())
    ).all()
    return TraineeRecord(trainee, lines, exams, placements, claims)
