"""A 10,000-row roster, upload → preview → commit, against pandas reading the same file.

    .venv/bin/python benchmarks/roster_import.py [--rows 10000] [--repeat 5]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/roster_import.py

The import is the page's, end to end, minus HTTP and the queue: the upload stored in the staging
store (`staging.stage`), the preview job (`import_jobs.check_job`: read and check every cell, the
age rule, e-mails against the database, overlapping enrolments; the read rows kept for the
commit) and the commit job (`import_jobs.commit_job`: the database checks again under the
cohort's lock, then bulk inserts in one transaction, the access-log entries included). It leaves
out the HTTP requests, the queue's hand-offs and the page's polling. For comparison it also
times the same check and commit each reading the file (`check_roster` then `commit_roster` on
the bytes, as `flask roster import --dry-run` then without). The floor, pandas.read_excel, only
reads the sheet into a DataFrame (openpyxl underneath). Each repeat imports into a fresh empty
cohort; the three are timed in turn and the ratio is the median of the per-repeat ratios (goal
≤ 3×). The number of SQL statements is printed too: it must not grow with the rows.

Without DATABASE_URL the database is a temporary SQLite file; with it, the script creates a
database of its own on that server (a unique name) and drops only that one.
"""

import argparse
import gc
import io
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from academy import create_app  # noqa: E402
from academy.cohorts import import_jobs, staging  # noqa: E402
from academy.cohorts.imports import check_roster, commit_roster  # noqa: E402
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
        sheet.append(
            [
                i + 1,
                f"교육생{i:05d}",
                date(1990 + i % 15, 1 + i % 12, 1 + i % 28),
                f"trainee{i:05d}@example.org",
                f"010-{2000 + i % 8000:04d}-{i % 10000:04d}",
                "Y" if i % 7 == 0 else "N",
                "N",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def empty_cohort(capacity: int) -> Cohort:
    db.session.remove()  # drop_all runs on another connection: no transaction may hold a table
    db.drop_all()
    db.create_all()
    campus = Campus(name="벤치마크캠퍼스", kind="district", district="벤치구", floor_area_m2=2237)
    course = Course(campus=campus, name="AI 서비스 개발", level=Level.INTERMEDIATE)
    cohort = Cohort(
        code="BENCH-2026-01",
        campus=campus,
        course=course,
        capacity=capacity,
        starts_on=date(2026, 3, 3),
        ends_on=date(2026, 7, 17),
    )
    db.session.add(cohort)
    db.session.commit()
    return cohort


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    config = TestConfig()
    server = os.environ.pop("DATABASE_URL", None)
    admin, name = None, None
    if server:
        url = sa.make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
        name = f"bench_roster_{os.getpid()}_{int(time.time())}"
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        config.SQLALCHEMY_DATABASE_URI = url.set(database=name).render_as_string(
            hide_password=False
        )
        config.SQLALCHEMY_ENGINE_OPTIONS = {}
    else:
        config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    try:
        run(create_app(config), args)
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            admin.dispose()


def run(app, args) -> None:
    data = roster_file(args.rows)
    statements: list[str] = []
    times = {"pandas": [], "staged": [], "twice": []}
    with app.app_context(), app.test_request_context():
        engine = db.engine
        listener = lambda *a: statements.append(a[2])  # noqa: E731

        def pandas_once() -> None:
            pd.read_excel(io.BytesIO(data), header=1)

        def staged_once() -> None:  # upload → preview → commit, as the page runs it
            staged = staging.stage(data, "roster", cohort_id, None, "명단.xlsx", "ko")
            import_jobs.check_job(staged)
            assert staged.state == "checked", staged.error or staged.report["problems"][:3]
            import_jobs.commit_job(staging.load(staged.token))
            assert staging.load(staged.token).state == "done"

        def twice_once() -> None:  # the preview and the commit each reading the file
            check_roster(db.session.get(Cohort, cohort_id), data)
            db.session.rollback()
            check = commit_roster(db.session.get(Cohort, cohort_id), data, by=None)
            assert check.written, check.problems[:5]

        for repeat in range(args.repeat):
            for label, once in (
                ("pandas", pandas_once),
                ("staged", staged_once),
                ("twice", twice_once),
            ):
                if label != "pandas":
                    cohort_id = empty_cohort(args.rows).id
                    db.session.remove()
                gc.collect()
                if label == "staged" and repeat == 0:
                    event.listen(engine, "before_cursor_execute", listener)
                started = time.perf_counter()
                try:
                    once()
                finally:
                    if label == "staged" and repeat == 0:
                        event.remove(engine, "before_cursor_execute", listener)
                times[label].append(time.perf_counter() - started)
                if label != "pandas":
                    assert db.session.query(Enrolment).count() == args.rows
        dialect = engine.dialect.name
        db.session.remove()
        db.drop_all()
        engine.dispose()  # no connection of ours may keep the database from being dropped

    def ratio(label):
        return statistics.median(a / b for a, b in zip(times[label], times["pandas"], strict=True))

    median = {label: statistics.median(t) for label, t in times.items()}
    print(
        f"roster import benchmark: {args.rows:,} rows, {len(data) / 1024:,.0f} KB .xlsx, "
        f"{dialect}, median of {args.repeat}, interleaved"
    )
    print(f"  pandas.read_excel                       {median['pandas']:6.2f} s")
    print(
        f"  upload → preview → commit (rows kept)   {median['staged']:6.2f} s   "
        f"ratio {ratio('staged'):.2f}×  (goal ≤ 3×: "
        f"{'met' if ratio('staged') <= 3 else 'NOT met'})"
    )
    print(
        f"  check + commit, each reading the file   {median['twice']:6.2f} s   "
        f"ratio {ratio('twice'):.2f}×"
    )
    print(
        f"  SQL statements, upload → commit: {len(statements)} "
        f"(for {args.rows:,} rows: no query per row)"
    )


if __name__ == "__main__":
    main()
