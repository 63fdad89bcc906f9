"""Instructor qualification: 2+ years of verified AI/SW practice (실무 경력 2년 이상).

Experience is the union of career periods, so overlapping periods count once; periods are
counted up to the date that matters (a cohort's start). A coordinator verifies each period against
its evidence file (경력증명서) before it counts, and an unqualified instructor cannot be assigned.
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload
from werkzeug.datastructures import FileStorage

from academy import audit
from academy.errors import RuleRefused
from academy.extensions import db
from academy.formatting import day
from academy.models import (
    AccessAction,
    AssignmentRole,
    CareerField,
    CareerPeriod,
    Cohort,
    Instructor,
    InstructorAssignment,
    InstructorCampus,
    User,
    utcnow,
)
from academy.uploads import delete_upload, store_upload

REQUIRED_YEARS = 2
QUALIFYING_FIELDS = frozenset({CareerField.AI, CareerField.SOFTWARE})
# Years and months are shown from days on a 365-day year: 1년 7개월 is 19 twelfths of 365 days.
DAYS_PER_YEAR = 365


def required_days(as_of: date) -> int:
    """Two calendar years ending on `as_of`, so leap days count as they fall."""
    start_year = as_of.year - REQUIRED_YEARS
    day = min(as_of.day, 28) if (as_of.month, as_of.day) == (2, 29) else as_of.day
    return (as_of - date(start_year, as_of.month, day)).days


@dataclass(frozen=True)
class Experience:
    days: int
    required_days: int
    # The merged spans that were counted, first to last: overlapping periods appear once.
    spans: tuple[tuple[date, date], ...] = field(default=(), compare=False)

    @property
    def months(self) -> int:
        return self.days * 12 // DAYS_PER_YEAR

    @property
    def years_months(self) -> tuple[int, int]:
        return divmod(self.months, 12)

    @property
    def qualified(self) -> bool:
        return self.days >= self.required_days

    @property
    def shortfall_days(self) -> int:
        return max(self.required_days - self.days, 0)

    @property
    def shortfall_months(self) -> int:
        """Whole months still needed, so that the two figures add up: 1년 7개월, 5개월 부족.

        The counted months are rounded down, so the months short are in effect rounded up.
        """
        return max(REQUIRED_YEARS * 12 - self.months, 0) if not self.qualified else 0


def counted_experience(periods: Iterable[CareerPeriod], as_of: date) -> Experience:
    """Days covered by verified AI/SW periods up to `as_of`, each day counted once."""
    spans = sorted(
        (p.starts_on, min(p.ends_on or as_of, as_of))
        for p in periods
        if counts(p, as_of) == PeriodCount.COUNTED
    )
    merged: list[tuple[date, date]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    days = sum((end - start).days + 1 for start, end in merged)
    return Experience(days, required_days(as_of), tuple(merged))


class PeriodCount(enum.StrEnum):
    COUNTED = "counted"
    NOT_VERIFIED = "not_verified"
    OTHER_FIELD = "other_field"
    NOT_STARTED = "not_started"  # starts after the date that matters


def counts(period: CareerPeriod, as_of: date) -> PeriodCount:
    """Whether a period counts toward the qualification on `as_of`, and if not, why."""
    if period.field not in QUALIFYING_FIELDS:
        return PeriodCount.OTHER_FIELD
    if period.verified_at is None:
        return PeriodCount.NOT_VERIFIED
    if period.starts_on > as_of:
        return PeriodCount.NOT_STARTED
    return PeriodCount.COUNTED


def describe_length(experience: Experience) -> str:
    """'1년 7개월' in Korean, the total as years and months."""
    years, months = experience.years_months
    if years and months:
        return _("%(years)s yr %(months)s mo", years=years, months=months)
    if years:
        return _("%(years)s yr", years=years)
    return _("%(months)s mo", months=months)


def describe_experience(experience: Experience) -> str:
    """The total and, when short, the shortfall: '1년 7개월, 5개월 부족'."""
    length = describe_length(experience)
    if experience.qualified:
        return length
    if experience.shortfall_days < 31:
        return _("%(length)s, %(days)s days short", length=length, days=experience.shortfall_days)
    return _(
        "%(length)s, %(months)s months short", length=length, months=experience.shortfall_months
    )


class AssignmentRefused(RuleRefused):
    """The assignment was refused; the message says why, in the user's language."""


class NotQualified(AssignmentRefused):
    def __init__(self, instructor: Instructor, cohort: Cohort, experience: Experience) -> None:
        self.experience = experience
        super().__init__(
            _(
                "%(name)s cannot teach %(cohort)s: instructors need 2 years of verified AI or "
                "software experience by the cohort's start on %(date)s, and %(name)s has "
                "%(experience)s.",
                name=instructor.name,
                cohort=cohort.code,
                date=day(cohort.starts_on),
                experience=describe_experience(experience),
            )
        )


def instructor_with_history(instructor_id: int) -> Instructor:
    return db.session.scalar(
        sa.select(Instructor)
        .where(Instructor.id == instructor_id)
        .options(
            selectinload(Instructor.user),
            selectinload(Instructor.campus),
            selectinload(Instructor.careers).selectinload(CareerPeriod.verified_by),
        )
    )


def assignments_of(
    instructor_id: int,
    year: int | None = None,
    ending_from: date | None = None,
    campus_id: int | None = None,
) -> list[InstructorAssignment]:
    """An instructor's cohorts, latest start first: those that end in `year`, or on or after
    `ending_from` (the pages' default: what is running, coming and recently ended, not every
    cohort of a long career, which a step back a year at a time reaches). With `campus_id`, only
    the cohorts of that campus: a coordinator sees an instructor who also teaches elsewhere,
    but not the other campus's cohorts (their pages are closed to them)."""
    query = (
        sa.select(InstructorAssignment)
        .join(InstructorAssignment.cohort)
        .where(InstructorAssignment.instructor_id == instructor_id)
        .order_by(Cohort.starts_on.desc(), Cohort.code)
        .options(
            contains_eager(InstructorAssignment.cohort).selectinload(Cohort.course),
            contains_eager(InstructorAssignment.cohort).selectinload(Cohort.campus),
        )
    )
    if year is not None:
        query = query.where(Cohort.ends_on.between(date(year, 1, 1), date(year, 12, 31)))
    if ending_from is not None:
        query = query.where(Cohort.ends_on >= ending_from)
    if campus_id is not None:
        query = query.where(Cohort.campus_id == campus_id)
    return list(db.session.scalars(query))


def teaches_at(campus_id: int) -> sa.ColumnElement[bool]:
    """Instructors of a campus: those whose home it is, and those attached to it from another."""
    attached = sa.select(InstructorCampus.instructor_id).where(
        InstructorCampus.campus_id == campus_id
    )
    return sa.or_(Instructor.campus_id == campus_id, Instructor.id.in_(attached))


@dataclass(frozen=True)
class InstructorRow:
    instructor: Instructor
    experience: Experience
    awaiting_verification: int


def instructors_page(campus_id: int | None, page: int, per_page: int, as_of: date):
    """Instructors (of a campus, or all) with their experience on `as_of`; careers in one query."""
    query = (
        sa.select(Instructor)
        .join(User, User.id == Instructor.user_id)
        .options(
            selectinload(Instructor.user),
            selectinload(Instructor.campus),
            selectinload(Instructor.careers),
        )
        .order_by(User.name, Instructor.id)
    )
    if campus_id is not None:
        query = query.where(teaches_at(campus_id))
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    rows = [
        InstructorRow(
            i,
            counted_experience(i.careers, as_of),
            sum(1 for p in i.careers if p.verified_at is None),
        )
        for i in result.items
    ]
    return result, rows


def add_career(instructor: Instructor, data: dict, evidence: FileStorage | None) -> CareerPeriod:
    """The instructor records a period with its evidence file; it counts once verified.

    UploadRejected (from the evidence check) leaves nothing written.
    """
    stored = store_upload(evidence)
    period = CareerPeriod(
        instructor_id=instructor.id,
        employer=data["employer"].strip(),
        role_title=data["role_title"].strip(),
        field=CareerField(data["field"]),
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        evidence_path=stored.stored_name,
        evidence_name=stored.original_name,
    )
    db.session.add(period)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        delete_upload(stored.stored_name)
        raise
    return period


class CareerLocked(RuleRefused):
    """A verified period is part of the record; only the coordinator's check could change it."""


def delete_career(period: CareerPeriod) -> None:
    if period.verified_at is not None:
        raise CareerLocked(_("A verified period cannot be deleted."))
    stored = period.evidence_path
    db.session.delete(period)
    db.session.commit()
    if stored:
        delete_upload(stored)


def verify_career(period: CareerPeriod, by: User, ip_address: str | None = None) -> bool:
    """The coordinator checked the evidence; returns False when it was verified already."""
    updated = db.session.execute(
        sa.update(CareerPeriod)
        .where(CareerPeriod.id == period.id, CareerPeriod.verified_at.is_(None))
        .values(verified_at=utcnow(), verified_by_id=by.id)
    ).rowcount
    if updated:
        db.session.add(
            audit.entry(
                AccessAction.UPDATE,
                subject=("career_period", period.id),
                by=by,
                ip_address=ip_address,
                detail="verified",
            )
        )
    db.session.commit()
    db.session.refresh(period)
    return bool(updated)


@dataclass(frozen=True)
class Candidate:
    instructor: Instructor
    experience: Experience  # as of the cohort's start


@dataclass(frozen=True)
class AssignmentPanel:
    cohort: Cohort
    assigned: list[Candidate]
    assignments: list[InstructorAssignment]
    candidates: list[Candidate]  # instructors of the cohort's campus not yet assigned


def assignment_panel(cohort: Cohort) -> AssignmentPanel:
    """A cohort's instructors and the campus's other instructors, each judged on the cohort's start,
    in two queries whatever the number of instructors."""
    assignments = db.session.scalars(
        sa.select(InstructorAssignment)
        .where(InstructorAssignment.cohort_id == cohort.id)
        .order_by(InstructorAssignment.assigned_at)
    ).all()
    assigned_ids = {a.instructor_id for a in assignments}
    # The assigned instructors and the campus's others in one query, careers in a second;
    # each assignment then finds its instructor in the session without a query.
    everyone = db.session.scalars(
        sa.select(Instructor)
        .join(User, User.id == Instructor.user_id)
        .where(sa.or_(teaches_at(cohort.campus_id), Instructor.id.in_(assigned_ids)))
        .options(contains_eager(Instructor.user), selectinload(Instructor.careers))
        .order_by(User.name, Instructor.id)
    ).all()
    others = [i for i in everyone if i.id not in assigned_ids]
    starts = cohort.starts_on
    return AssignmentPanel(
        cohort=cohort,
        assigned=[
            Candidate(a.instructor, counted_experience(a.instructor.careers, starts))
            for a in assignments
        ],
        assignments=list(assignments),
        candidates=[Candidate(i, counted_experience(i.careers, starts)) for i in others],
    )


def assign_instructor(
    cohort: Cohort, instructor: Instructor, role: AssignmentRole, by: User
) -> InstructorAssignment:
    """Only an instructor with 2 years of verified AI/SW experience on the cohort's start."""
    careers = db.session.scalars(
        sa.select(CareerPeriod).where(CareerPeriod.instructor_id == instructor.id)
    ).all()
    experience = counted_experience(careers, cohort.starts_on)
    if not experience.qualified:
        raise NotQualified(instructor, cohort, experience)
    assignment = InstructorAssignment(
        cohort_id=cohort.id,
        instructor_id=instructor.id,
        role=role,
        assigned_by_id=by.id,
        assigned_at=utcnow(),
    )
    db.session.add(assignment)
    try:
        db.session.commit()
    except IntegrityError:  # a double submit: the pair is unique in the database
        db.session.rollback()
        raise AssignmentRefused(
            _("%(name)s already teaches %(cohort)s.", name=instructor.name, cohort=cohort.code)
        ) from None
    return assignment


def unassign(assignment: InstructorAssignment) -> None:
    db.session.delete(assignment)
    db.session.commit()
