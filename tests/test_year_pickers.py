"""The year pickers read the first and last dates from one end of an index: their cost does not
grow with the years of data (issue: pages whose statements grow with a campus's history)."""

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from academy.campuses import services as campuses
from academy.certifications import services as certifications
from academy.internships import services as internships

PICKERS = {
    "internships.year_choices": internships.year_choices,
    "internships.default_year": internships.default_year,
    "certifications.year_choices": certifications.year_choices,
    "certifications.default_year": certifications.default_year,
    "campuses.default_year": campuses.default_year,
}


ROWS = 40  # dates spread over years: a picker that reads them all reads 40 rows


def _history(db) -> None:
    """Forty exam attempts, placements (with their openings) and cohorts over forty years."""
    from datetime import date

    from tests import factories

    campus = factories.CampusFactory()
    certification = factories.CertificationFactory()
    for i in range(ROWS):
        day = date(1990 + i, 5, 1)
        trainee = factories.TraineeFactory()
        factories.ExamAttemptFactory(certification=certification, trainee=trainee, sat_on=day)
        opening = factories.InternshipOpeningFactory(starts_on=day, ends_on=day.replace(month=8))
        factories.InternshipPlacementFactory(opening=opening, trainee=trainee)
        factories.CohortFactory(campus=campus, course__campus=campus, starts_on=day)
    db.session.commit()


def _rows_read(plan: dict) -> int:
    """Rows every scan node of an EXPLAIN ANALYZE plan returned, over all its loops."""
    own = 0
    if "Scan" in plan["Node Type"]:
        own = plan["Actual Rows"] * plan["Actual Loops"]
    return own + sum(_rows_read(child) for child in plan.get("Plans", ()))


@pytest.mark.parametrize("name", PICKERS)
def test_year_pickers_read_a_row_or_two_whatever_the_years(db, name):
    """With sequential scans priced out, each statement a picker sends must read the ends of an
    index: a few rows, not the forty years of dates (without the index on the date column the
    plan scans a whole table or a whole other index)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the plan is PostgreSQL's; the PostgreSQL run (required in CI) checks it")
    _history(db)
    sent: list[tuple[str, dict]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        PICKERS[name]()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert sent
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for statement, parameters in sent:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters)
            plan = cursor.fetchone()[0][0]["Plan"]
            assert _rows_read(plan) <= 4, f"{name} reads {_rows_read(plan)} rows:\n{statement}"
    db.session.rollback()


def test_internship_years_span_placements_and_openings(db):
    """The two ends come from two tables: the first placement's year, the newest opening's."""
    from datetime import date

    from academy.clock import seoul_today
    from tests import factories

    this_year = seoul_today().year
    opening = factories.InternshipOpeningFactory(
        starts_on=date(this_year + 1, 3, 2), ends_on=date(this_year + 1, 6, 1)
    )
    factories.InternshipPlacementFactory(opening=opening, starts_on=date(this_year - 3, 5, 1))
    db.session.commit()
    assert internships.year_choices() == list(range(this_year + 1, this_year - 4, -1))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(type(opening))) == 1
