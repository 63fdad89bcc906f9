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
    EnrolmentStatus,
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


def trainee_record(trainee: Trainee, campus_id: int | None = None) -> TraineeRecord:
    """Everything about one trainee; with `campus_id`, only what that campus's enrolments need
    (a coordinator): the campus's own enrolments that were not withdrawn, and the exams,
    internship placements and subsidy claims recorded at that campus. Nothing another campus
    recorded, whoever enrolled the person here (issue 13: enrolling someone who already exists
    must not reveal anything about them)."""
    enrolment_filter = [Enrolment.trainee_id == trainee.id]
    if campus_id is not None:
        enrolment_filter += [
            Enrolment.cohort.has(Cohort.campus_id == campus_id),
            Enrolment.status != EnrolmentStatus.WITHDRAWN,
        ]
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .where(*enrolment_filter)
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
            .where(
                ClassSession.cohort_id.in_([e.cohort_id for e in enrolments]),
                ClassSession.held_on <= today,
            )
            .group_by(ClassSession.cohort_id)
        ).all()
    )
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
        .where(
            *(
                [ExamAttempt.cohort_id.in_([e.cohort_id for e in enrolments])]
                if campus_id is not None
                else []
            )
        )
        .options(joinedload(ExamAttempt.certification, innerjoin=True))
        .order_by(ExamAttempt.sat_on.desc())
    ).all()
    placements = db.session.scalars(
        sa.select(InternshipPlacement)
        .where(InternshipPlacement.trainee_id == trainee.id)
        .where(*([InternshipPlacement.campus_id == campus_id] if campus_id is not None else []))
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
        .where(*([SubsidyClaim.campus_id == campus_id] if campus_id is not None else []))
        .options(joinedload(SubsidyClaim.exam_attempt).joinedload(ExamAttempt.certification))
        .order_by(SubsidyClaim.applied_on.desc())
    ).all()
    return TraineeRecord(trainee, lines, exams, placements, claims)
