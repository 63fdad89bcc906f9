"""SQL pieces the KPI queries need that PostgreSQL and SQLite spell differently."""

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from academy.clock import SEOUL


class days_between(FunctionElement):  # noqa: N801  (used like a SQL function)
    """Whole days from `earlier` to `later` (two DATE columns): later − earlier."""

    type = sa.Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(later, **kw)}) "
        f"- julianday({compiler.process(earlier, **kw)}) AS INTEGER)"
    )


def end_of_day_utc(day: date) -> datetime:
    """The first moment after `day` in Seoul, as the naive UTC timestamps are stored."""
    seoul_midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=SEOUL)
    return seoul_midnight.astimezone(UTC).replace(tzinfo=None)


def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 when the condition holds, else 0 (a NULL, from a missing outcome, counts as 0)."""
    return sa.case((condition, 1), else_=0)
