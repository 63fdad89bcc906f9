"""The daily attendance sheet, one mark per trainee and session, rates and the at-risk list.

The rate itself is academy.kpi.attendance's (domain.md, "Completer"): excused sessions leave the
denominator, late/left-early marks turn into absences by the course's rule, and held sessions
without a mark count as absences. Sessions still to come are not held: they count for no one.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from academy.clock import seoul_today
from academy.cohorts.services import rules_for
from academy.errors import RuleRefused
from academy.extensions import db
from academy.kpi.attendance import (
    AttendanceOutlook,
    AttendanceRate,
    Outlook,
    attendance_outlook,
    attendance_rate,
)
from academy.models import (
    AttendanceMark,
    ClassSession,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    Mark,
    Trainee,
    User,
    utcnow,
)

# On the roster for a day's sheet: everyone but the waitlist; leavers until the day they left.
ON_ROSTER = (
    EnrolmentStatus.ENROLLED,
    EnrolmentStatus.COMPLETED,
    EnrolmentStatus.NOT_COMPLETED,
    EnrolmentStatus.WITHDRAWN,
    EnrolmentStatus.EARLY_EMPLOYED,
)


class MarkRefused(RuleRefused):
    """An attendance rule refused the mark."""


def sessions_of(cohort_id: int) -> list[ClassSession]:
    return db.session.scalars(
        sa.select(ClassSession)
        .where(ClassSession.cohort_id == cohort_id)
        .order_by(ClassSession.held_on)
    ).all()


def session_for_sheet(sessions: list[ClassSession], wanted: date | None) -> ClassSession | None:
    """The session asked for; else today's, else the latest held, else the first."""
    if not sessions:
        return None
    by_day = {s.held_on: s for s in sessions}
    if wanted in by_day:
        return by_day[wanted]
    today = seoul_today()
    if today in by_day:
        return by_day[today]
    held = [s for s in sessions if s.held_on <= today]
    return held[-1] if held else sessions[0]


def present_on(enrolment: Enrolment, day: date) -> bool:
    """On the roster that day: not waitlisted, and not gone before it."""
    if enrolment.status not in ON_ROSTER:
        return False
    return enrolment.left_on is None or day < enrolment.left_on


@dataclass(frozen=True)
class SheetLine:
    enrolment: Enrolment
    mark: Mark | None


@dataclass(frozen=True)
class Sheet:
    session: ClassSession
    lines: list[SheetLine]
    held: bool  # the day has come: marks may be recorded

    @property
    def marked(self) -> int:
        return sum(1 for line in self.lines if line.mark is not None)


def daily_sheet(cohort: Cohort, session: ClassSession) -> Sheet:
    """The trainees on the roster that day with their mark, in two queries."""
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(ON_ROSTER))
        .options(selectinload(Enrolment.trainee).selectinload(Trainee.user))
    ).all()
    marks = dict(
        db.session.execute(
            sa.select(AttendanceMark.enrolment_id, AttendanceMark.mark).where(
                AttendanceMark.session_id == session.id
            )
        ).all()
    )
    lines = [SheetLine(e, marks.get(e.id)) for e in enrolments if present_on(e, session.held_on)]
    lines.sort(key=lambda line: (line.enrolment.trainee.user.name, line.enrolment.id))
    return Sheet(session, lines, session.held_on <= seoul_today())


def record_mark(
    session: ClassSession, enrolment: Enrolment, mark: Mark, by: User | None
) -> AttendanceMark:
    """One click on the sheet: the trainee's mark for the day, replacing an earlier one."""
    cohort = session.cohort
    if enrolment.cohort_id != cohort.id:
        raise MarkRefused(_l("This trainee is not on this cohort's roster."))
    if cohort.closed_on:
        raise MarkRefused(_l("The cohort is closed: attendance no longer changes."))
    if session.held_on > seoul_today():
        raise MarkRefused(_l("This session has not taken place yet."))
    if not present_on(enrolment, session.held_on):
        raise MarkRefused(_l("This trainee was not on the roster that day."))
    existing = db.session.scalar(
        sa.select(AttendanceMark).where(
            AttendanceMark.session_id == session.id, AttendanceMark.enrolment_id == enrolment.id
        )
    )
    if existing is None:
        existing = AttendanceMark(session_id=session.id, enrolment_id=enrolment.id)
        db.session.add(existing)
    existing.mark = mark
    existing.recorded_by_id = by.id if by else None
    existing.recorded_at = utcnow()
    db.session.commit()
    return existing


def mark_rest_present(cohort: Cohort, session: ClassSession, by: User | None) -> int:
    """Everyone without a mark for the day is marked present; returns how many."""
    sheet = daily_sheet(cohort, session)
    if cohort.closed_on:
        raise MarkRefused(_l("The cohort is closed: attendance no longer changes."))
    if not sheet.held:
        raise MarkRefused(_l("This session has not taken place yet."))
    rows = [
        {
            "session_id": session.id,
            "enrolment_id": line.enrolment.id,
            "mark": Mark.PRESENT,
            "recorded_by_id": by.id if by else None,
            "recorded_at": utcnow(),
        }
        for line in sheet.lines
        if line.mark is None
    ]
    if rows:
        db.session.execute(sa.insert(AttendanceMark), rows)
    db.session.commit()
    return len(rows)


# Rates and the at-risk list ---------------------------------------------------------------


@dataclass(frozen=True)
class TraineeAttendance:
    enrolment: Enrolment
    outlook: AttendanceOutlook

    @property
    def rate(self) -> AttendanceRate:
        return self.outlook.rate


def mark_counts(cohort_id: int, until: date | None = None) -> dict[int, dict[Mark, int]]:
    """Each enrolment's marks by kind over the sessions held (up to `until`), in one query."""
    query = (
        sa.select(AttendanceMark.enrolment_id, AttendanceMark.mark, sa.func.count())
        .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
        .where(ClassSession.cohort_id == cohort_id)
        .group_by(AttendanceMark.enrolment_id, AttendanceMark.mark)
    )
    if until is not None:
        query = query.where(ClassSession.held_on <= until)
    counts: dict[int, dict[Mark, int]] = defaultdict(dict)
    for enrolment_id, mark, n in db.session.execute(query):
        counts[enrolment_id][mark] = n
    return counts


def mark_counts_held_and_all(
    cohort_id: int, until: date
) -> tuple[dict[int, dict[Mark, int]], dict[int, dict[Mark, int]]]:
    """mark_counts(cohort_id, until) and mark_counts(cohort_id) from one query."""
    held = ClassSession.held_on <= until
    query = (
        sa.select(
            AttendanceMark.enrolment_id,
            AttendanceMark.mark,
            sa.func.count().filter(held),
            sa.func.count(),
        )
        .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
        .where(ClassSession.cohort_id == cohort_id)
        .group_by(AttendanceMark.enrolment_id, AttendanceMark.mark)
    )
    so_far: dict[int, dict[Mark, int]] = defaultdict(dict)
    overall: dict[int, dict[Mark, int]] = defaultdict(dict)
    for enrolment_id, mark, n_held, n in db.session.execute(query):
        if n_held:
            so_far[enrolment_id][mark] = n_held
        overall[enrolment_id][mark] = n
    return so_far, overall


def session_counts(cohort_id: int, until: date) -> tuple[int, int]:
    """(sessions held up to `until`, sessions scheduled in all)."""
    held, scheduled = db.session.execute(
        sa.select(
            sa.func.count(ClassSession.id).filter(ClassSession.held_on <= until),
            sa.func.count(ClassSession.id),
        ).where(ClassSession.cohort_id == cohort_id)
    ).one()
    return held, scheduled


def attendance_of(cohort: Cohort, statuses=(EnrolmentStatus.ENROLLED,)) -> list[TraineeAttendance]:
    """The trainees with the given statuses and where they stand, in bounded queries."""
    today = seoul_today()
    held, scheduled = session_counts(cohort.id, today)
    counts = mark_counts(cohort.id, today)
    rules = rules_for(cohort)
    spare = current_app.config["AT_RISK_SPARE_ABSENCES"]
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.status.in_(statuses))
        .options(selectinload(Enrolment.trainee).selectinload(Trainee.user))
    ).all()
    return outlooks(enrolments, counts, held, scheduled, rules, spare)


def outlooks(
    enrolments, counts, held: int, scheduled: int, rules, spare: int
) -> list[TraineeAttendance]:
    """Where each of the loaded enrolments stands, by name (no query)."""
    lines = [
        TraineeAttendance(e, attendance_outlook(counts[e.id], held, scheduled, rules, spare))
        for e in enrolments
    ]
    lines.sort(key=lambda line: (line.enrolment.trainee.user.name, line.enrolment.id))
    return lines


def worst_first(lines: list[TraineeAttendance]) -> list[TraineeAttendance]:
    """The at-risk list from everyone's outlook: those not on track, worst first."""
    risky = [a for a in lines if a.outlook.outlook != Outlook.ON_TRACK]
    risky.sort(
        key=lambda a: (a.outlook.spare_absences, a.enrolment.trainee.user.name, a.enrolment.id)
    )
    return risky


def at_risk(cohort: Cohort) -> list[TraineeAttendance]:
    """Enrolled trainees who can no longer complete, or are close to it: worst first."""
    if cohort.closed_on:
        return []
    return worst_first(attendance_of(cohort))


def final_rates(cohort: Cohort) -> dict[int, AttendanceRate]:
    """Every enrolment's rate over all of the cohort's sessions, for closing it."""
    counts = mark_counts(cohort.id)
    _, scheduled = session_counts(cohort.id, cohort.ends_on)
    rules = rules_for(cohort)
    ids = db.session.scalars(sa.select(Enrolment.id).where(Enrolment.cohort_id == cohort.id))
    return {i: attendance_rate(counts[i], scheduled, rules) for i in ids}
