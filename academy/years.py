"""The years a page offers, drawn from the dates its data holds; "this year" is Seoul's."""

from datetime import date

import sqlalchemy as sa

from academy.clock import seoul_today
from academy.extensions import db


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
