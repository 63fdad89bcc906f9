"""Instructor qualification: 2+ years of verified AI/SW practice (실무 경력 2년 이상).

Experience is the union of career periods, so overlapping periods count once; periods are
counted up to the date that matters (a cohort's start).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from academy.extensions import db
from academy.models import CareerField, CareerPeriod, Cohort, Instructor, InstructorAssignment

REQUIRED_YEARS = 2
QUALIFYING_FIELDS = frozenset({CareerField.AI, CareerField.SOFTWARE})


def required_days(as_of: date) -> int:
    """Two calendar years ending on `as_of`, so leap days count as they fall."""
    start_year = as_of.year - REQUIRED_YEARS
    day = min(as_of.day, 28) if (as_of.month, as_of.day) == (2, 29) else as_of.day
    return (as_of - date(start_year, as_of.month, day)).days


@dataclass(frozen=True)
class Experience:
    days: int
    required_days: int

    @property
    def years_months(self) -> tuple[int, int]:
        return self.days // 365, (self.days % 365) // 30

    @property
    def qualified(self) -> bool:
        return self.days >= self.required_days

    @property
    def shortfall_days(self) -> int:
        return max(self.required_days - self.days, 0)


def counted_experience(periods: Iterable[CareerPeriod], as_of: date) -> Experience:
    """Days covered by verified AI/SW periods up to `as_of`, each day counted once."""
    spans = sorted(
        (p.starts_on, min(p.ends_on or as_of, as_of))
        for p in periods
        if p.field in QUALIFYING_FIELDS and p.verified_at is not None and p.starts_on <= as_of
    )
    days = 0
    current_start: date | None = None
    current_end: date | None = None
    for start, end in spans:
        if current_end is not None and start <= current_end + timedelta(days=1):
            current_end = max(current_end, end)
            continue
        if current_start is not None:
            days += (current_end - current_start).days + 1
        current_start, current_end = start, end
    if current_start is not None:
        days += (current_end - current_start).days + 1
    return Experience(days, required_days(as_of))


def instructor_with_history(instructor_id: int) -> Instructor:
    return db.session.scalar(
        sa.select(Instructor)
        .where(Instructor.id == instructor_id)
        .options(
            selectinload(Instructor.careers),
            selectinload(Instructor.assignments)
            .selectinload(InstructorAssignment.cohort)
            .selectinload(Cohort.course),
            selectinload(Instructor.assignments)
            .selectinload(InstructorAssignment.cohort)
            .selectinload(Cohort.campus),
        )
    )
