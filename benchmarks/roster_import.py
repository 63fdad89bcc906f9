"""Import a 10,000-row roster into an empty cohort and compare with pandas reading the same file.

    .venv/bin/python benchmarks/roster_import.py [--rows 10000] [--repeat 3]
    DATABASE_URL=postgresql+psycopg://... .venv/bin/python benchmarks/roster_import.py

The import is the one the page and `flask roster import` run (academy.cohorts.imports): read and
check every cell, the age rule, e-mails against the database, overlapping enrolments, then bulk
inserts in one transaction. pandas only reads the sheet into a DataFrame (openpyxl underneath).
The ratio is import time ÷ pandas time; the goal is at most 5×. The number of SQL statements is
printed too: it must not grow with the rows (no query per row).

Without DATABASE_URL the database is a temporary SQLite file; with it, the tables are dropped and
created in that database, so point it at a database of its own.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from academy import create_app  # noqa: E402
from academy.cohorts.imports import commit_roster  # noqa: E402
from academy.extensions import db  # noqa: E402
from academy.models import Campus, Cohort, Course, Enrolment, Level  # noqa: E402
from config import TestConfig  # noqa: E402


def roster_file(rows: int) -> bytes:
    """A roster as coordinators keep it: a title row, Korean headers, a serial number column,
    Excel dates and phone numbers, one trainee a row."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("명단")
    sheet.append(["2026년 AI 서비스 개발 과정 교육생 명단"])
    sheet.append(["연번", "이름", "생년월일", "이메일", "휴대전화", "취약계층", "재직여부"])
    for i in range(rows):
        sheet.append([
            i + 1, f"교육생{i:05d}", date(1990 + i % 15, 1 + i % 12, 1 + i % 28),
            f"trainee{i:05d}@example.org", f"010-{2000 + i % 8000:04d}-{i % 10000:04d}",
            "Y" if i % 7 == 0 else "N", "N",
        ])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def best_of(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def empty_cohort(capacity: int) -> Cohort:
    db.session.remove()  # drop_all runs on another connection: no transaction may hold a table
    db.drop_all()
    db.create_all()
    campus = Campus(name="벤치마크캠퍼스", kind="district", district="벤치구", floor_area_m2=2237)
    course = Course(campus=campus, name="AI 서비스 개발", level=Level.INTERMEDIATE)
    cohort = Cohort(code="BENCH-2026-01", campus=campus, course=course, capacity=capacity,
                    starts_on=date(2026, 3, 3), ends_on=date(2026, 7, 17))  # fmt: skip
    db.session.add(cohort)
    db.session.commit()
    return cohort


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    config = TestConfig()
    url = os.environ.get("DATABASE_URL")
    if url:
        config.SQLALCHEMY_DATABASE_URI = TestConfig.SQLALCHEMY_DATABASE_URI
    else:
        config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    app = create_app(config)
    data = roster_file(args.rows)

    pandas_seconds = best_of(args.repeat, lambda: pd.read_excel(io.BytesIO(data), header=1))

    statements: list[str] = []
    phases: dict[str, float] = {}
    with app.app_context():
        engine = db.engine

        def import_once() -> None:
            cohort = empty_cohort(args.rows)
            statements.clear()
            phases.clear()
            last = [time.perf_counter(), None]

            def progress(phase: str, _done: int, _total: int) -> None:
                now = time.perf_counter()
                if last[1] is not None:
                    phases[last[1]] = phases.get(last[1], 0.0) + now - last[0]
                last[0], last[1] = now, phase

            listener = lambda *a: statements.append(a[2])  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            started = time.perf_counter()
            try:
                check = commit_roster(cohort, data, by=None, progress=progress)
            finally:
                event.remove(engine, "before_cursor_execute", listener)
            phases[last[1]] = phases.get(last[1], 0.0) + time.perf_counter() - last[0]
            assert check.written, check.problems[:5]
            assert db.session.query(Enrolment).count() == args.rows
            import_once.seconds.append(time.perf_counter() - started)

        import_once.seconds = []
        for _ in range(args.repeat):
            import_once()
        import_seconds = min(import_once.seconds)
        dialect = engine.dialect.name
        db.session.remove()
        db.drop_all()

    ratio = import_seconds / pandas_seconds
    print(
        f"roster import benchmark: {args.rows:,} rows, {len(data) / 1024:,.0f} KB .xlsx, "
        f"{dialect}, best of {args.repeat}"
    )
    print(f"  pandas.read_excel           {pandas_seconds:6.2f} s")
    print(
        f"  import (check + write)      {import_seconds:6.2f} s   "
        f"ratio {ratio:.2f}×  (goal ≤ 5×: {'met' if ratio <= 5 else 'NOT met'})"
    )
    print(
        "  phases of the last run:     "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in phases.items())
    )
    print(
        f"  SQL statements in the import: {len(statements)} "
        f"(for {args.rows:,} rows: no query per row)"
    )


if __name__ == "__main__":
    main()
