"""The years a page offers, drawn from the dates its data holds; "this year" is Seoul's."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from academy.clock import seoul_today
from academy.extensions import db
from academy.parameters import MIN_YEAR


def year_span(first: date | None, last: date | None) -> list[int]:
    """From this year (or `last`'s year, when later) back to `first`'s year, newest first; this
    year alone when there are no dates."""
    this_year = seoul_today().year
    high = max(last.year if last else this_year, this_year)
    return list(range(high, (first.year if first else this_year) - 1, -1))


def latest_year(column: sa.ColumnElement[date]) -> int:
    """The latest year, up to this one, in which `column` holds a date; this year when none."""
    this_year = seoul_today().year
    latest = db.session.scalar(
        sa.select(sa.func.max(column)).where(column <= date(this_year, 12, 31))
    )
    return latest.year if latest else this_year


@dataclass(frozen=True)
class CohortYears:
    """Which cohorts a list shows: those that ended in the `year` asked for, or by default those
    that end from 1 January of last year on (running, coming and recently ended: never every
    cohort a campus or a career has had), with the links a year back, never below the first
    year a filter accepts, and from a past year back to the default."""

    year: int | None  # the past year asked for; None: the default list
    shown_year: int
    ending_from: date | None
    previous_year: int | None
    previous_url: str | None
    recent_url: str | None

    @classmethod
    def choose(cls, year: int | None, link: Callable[..., str]) -> "CohortYears":
        shown_year = year or seoul_today().year - 1
        previous_year = shown_year - 1 if shown_year - 1 >= MIN_YEAR else None
        return cls(
            year=year,
            shown_year=shown_year,
            ending_from=None if year else date(shown_year, 1, 1),
            previous_year=previous_year,
            previous_url=link(year=previous_year) if previous_year else None,
            recent_url=link() if year else None,
        )
