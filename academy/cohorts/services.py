"""Cohort pages: the roster with attendance and the current outcome, in bounded queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from academy.campuses.services import CohortRow
from academy.clock import seoul_today
from academy.extensions import db
from academy.kpi.attendance import (
    AttendanceRate,
    AttendanceRules,
    attendance_rate,
    meets_threshold,
)
from academy.models import (
    AttendanceMark,
    Campus,
    CampusKind,
    ClassSession,
    Cohort,
    Course,
    Enrolment,
    EnrolmentStatus,
    Instructor,
    InstructorAssignment,
    Level,
    Mark,
    OutcomeRecord,
    Tier,
    Trainee,
)


@dataclass(frozen=True)
class RosterLine:
    enrolment: Enrolment
    attendance: AttendanceRate
    outcome: OutcomeRecord | None
    # Held sessions so far put the trainee under the course's completion threshold.
    below_threshold: bool = False


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
    return roster_lines(enrolments, counts, held, outcomes, rules_for(cohort))


def roster_lines(
    enrolments,
    counts: dict[int, dict[Mark, int]],
    held: int,
    outcomes: dict[int, OutcomeRecord],
    rules: AttendanceRules,
) -> list[RosterLine]:
    """The roster from loaded enrolments (trainee and user loaded) and their marks so far: no
    query. On the roster first, then the waitlist in its order, each by name (namesakes by
    when they were enrolled, so that every page lists them alike)."""
    lines = []
    for e in enrolments:
        rate = attendance_rate(counts[e.id], held, rules)
        below = rate.denominator > 0 and not meets_threshold(rate, rules)
        lines.append(RosterLine(e, rate, outcomes.get(e.id), below_threshold=below))
    lines.sort(
        key=lambda line: (
            line.enrolment.status == EnrolmentStatus.WAITLISTED,
            line.enrolment.waitlist_position or 0,
            line.enrolment.trainee.user.name,
            line.enrolment.id,
        )
    )
    return lines


def instructors_of(cohort: Cohort) -> list[InstructorAssignment]:
    return db.session.scalars(
        sa.select(InstructorAssignment)
        .where(InstructorAssignment.cohort_id == cohort.id)
        .options(selectinload(InstructorAssignment.instructor).selectinload(Instructor.user))
    ).all()


# The cohort list ----------------------------------------------------------------------------


def cohort_state(cohort: Cohort, today: date | None = None) -> str:
    """upcoming, running (in training), ended (awaiting closing) or closed."""
    today = today or seoul_today()
    if cohort.closed_on:
        return "closed"
    if today < cohort.starts_on:
        return "upcoming"
    if today <= cohort.ends_on:
        return "running"
    return "ended"


@dataclass(frozen=True)
class CohortPage:
    """One page of the cohort list, shaped for macros/tables.html's pagination."""

    rows: list[CohortRow]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def cohort_page(
    *,
    campus_id: int | None = None,
    kind: CampusKind | None = None,
    tier: Tier | None = None,
    level: Level | None = None,
    year: int | None = None,
    state: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> CohortPage:
    """Cohorts across campuses (or of one), filtered, with roster counts: three queries."""
    today = seoul_today()
    query = (
        sa.select(Cohort)
        .join(Campus, Campus.id == Cohort.campus_id)
        .join(Course, Course.id == Cohort.course_id)
    )
    if campus_id is not None:
        query = query.where(Cohort.campus_id == campus_id)
    if kind is not None:
        query = query.where(Campus.kind == kind)
    if tier is not None:
        query = query.where(Campus.tier == tier.value)
    if level is not None:
        query = query.where(Course.level == level)
    if year is not None:  # a cohort's figures belong to the year of its end date
        query = query.where(Cohort.ends_on.between(date(year, 1, 1), date(year, 12, 31)))
    if state == "closed":
        query = query.where(Cohort.closed_on.is_not(None))
    elif state == "upcoming":
        query = query.where(Cohort.closed_on.is_(None), Cohort.starts_on > today)
    elif state == "running":
        query = query.where(
            Cohort.closed_on.is_(None), Cohort.starts_on <= today, Cohort.ends_on >= today
        )
    elif state == "ended":
        query = query.where(Cohort.closed_on.is_(None), Cohort.ends_on < today)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    page = max(1, min(page, max(1, -(-total // per_page))))
    cohorts = db.session.scalars(
        query.order_by(Cohort.starts_on.desc(), Cohort.code)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .options(
            contains_eager(Cohort.campus),
            contains_eager(Cohort.course),
            selectinload(Cohort.classroom),
        )
    ).all()
    counts: dict[int, dict[EnrolmentStatus, int]] = defaultdict(
        lambda: dict.fromkeys(EnrolmentStatus, 0)
    )
    for cohort_id, status, n in db.session.execute(
        sa.select(Enrolment.cohort_id, Enrolment.status, sa.func.count())
        .where(Enrolment.cohort_id.in_([c.id for c in cohorts]))
        .group_by(Enrolment.cohort_id, Enrolment.status)
    ):
        counts[cohort_id][status] = n
    rows = [CohortRow(c, counts[c.id]) for c in cohorts]
    return CohortPage(rows, page, per_page, total)


def seats_of(cohort: Cohort, enrolments) -> dict[str, int]:
    """seat_summary from the cohort's loaded enrolments, without a query."""
    taken = sum(1 for e in enrolments if e.status == EnrolmentStatus.ENROLLED)
    waiting = sum(1 for e in enrolments if e.status == EnrolmentStatus.WAITLISTED)
    return {"taken": taken, "free": max(cohort.capacity - taken, 0), "waiting": waiting}


def seat_summary(cohort: Cohort) -> dict[str, int]:
    """Seats taken, free and the waitlist's length, in one query."""
    taken, waiting = db.session.execute(
        sa.select(
            sa.func.count(Enrolment.id).filter(Enrolment.status == EnrolmentStatus.ENROLLED),
            sa.func.count(Enrolment.id).filter(Enrolment.status == EnrolmentStatus.WAITLISTED),
        ).where(Enrolment.cohort_id == cohort.id)
    ).one()
    return {"taken": taken, "free": max(cohort.capacity - taken, 0), "waiting": waiting}
