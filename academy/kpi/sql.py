"""SQL pieces the KPI queries need that PostgreSQL and SQLite spell differently."""

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

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


class within(ColumnElement):  # noqa: N801  (used like a SQL operator)
    """`column IN (select)`; on PostgreSQL `column = ANY(ARRAY(select))`, which the planner
    reads as a short list of values to look up in an index (the cohorts of one year) instead of
    hashing the whole table, so the query costs the same whatever the years of history."""

    type = sa.Boolean()
    # Cached like any statement: its cache key is made of the column and the subquery (their
    # bound values stay parameters), so a page does not compile its SQL again each time
    # (about 10 ms a statement on the citywide dashboard).
    inherit_cache = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("select", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column, select: sa.Select) -> None:
        self.column = column
        self.select = select.correlate(None)


@compiles(within)
def _within_default(element, compiler, **kw):
    column = compiler.process(element.column, **kw)
    return f"{column} IN ({compiler.process(element.select, asfrom=False, **kw)})"


@compiles(within, "postgresql")
def _within_postgresql(element, compiler, **kw):
    column = compiler.process(element.column, **kw)
    return f"{column} = ANY(ARRAY({compiler.process(element.select, asfrom=False, **kw)}))"
