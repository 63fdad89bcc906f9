"""KPI benchmark: five years at the 2030 rate (50,000 trainees, academy.scale) on PostgreSQL.

Prints, measured in the same run:
  - the citywide dashboard (a full GET as an official) against one hand-written SQL query that
    computes the same citywide aggregates (goal: at most 2×);
  - the citywide PDF (figures, charts, HTML and WeasyPrint) against WeasyPrint alone rendering the
    same finished HTML (goal: at most 1.5×).

Usage (it builds its own database on the server DATABASE_URL names, and drops it afterwards):
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python benchmarks/kpi.py
It takes a few minutes. It is not a test.
"""

import gc
import os
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_db import signed_in  # noqa: E402

from academy import create_app  # noqa: E402
from academy.extensions import db  # noqa: E402
from academy.scale import load_scale  # noqa: E402
from config import TestConfig  # noqa: E402

YEARS = range(2026, 2031)
PER_YEAR = 10_000
AS_OF = date(2031, 9, 1)  # every 2030 cohort's figures are final
RUNS = 15

# The same aggregates the dashboard shows, citywide, for the cohorts ending in :year.
HAND_WRITTEN = """
WITH latest AS (
  SELECT enrolment_id, max(version) AS version FROM outcome_record
  WHERE created_at < :moment GROUP BY enrolment_id
), people AS (
  SELECT e.status IN ('completed', 'early_employed') AS completer,
         e.employed_at_start AS at_start,
         o.code, o.verification, o.starts_on, o.in_field, o.weekly_hours, o.monthly_pay,
         o.contract_months, c.ends_on,
         (o.verification = 'verified' AND coalesce(o.verified_at, o.created_at) < :moment)
           AS verified
  FROM enrolment e
  JOIN cohort c ON c.id = e.cohort_id
  LEFT JOIN latest l ON l.enrolment_id = e.id
  LEFT JOIN outcome_record o ON o.enrolment_id = l.enrolment_id AND o.version = l.version
  WHERE e.status <> 'waitlisted' AND c.ends_on BETWEEN :first AND :last
), classified AS (
  SELECT completer,
         completer AND code = 'X' AND coalesce(verified, false) AS excluded,
         completer AND NOT (code = 'X' AND coalesce(verified, false)) AND at_start AS at_start,
         completer AND NOT (code = 'X' AND coalesce(verified, false)) AND NOT at_start AS counted,
         code IN ('E1','E2','E3','E4','E5','E6') AND starts_on - ends_on <= 180
           AND starts_on <= :as_of AS employed,
         code IN ('E1','E2','E3','E4','E5','E6') AND starts_on - ends_on <= 90
           AND starts_on <= :as_of AS employed_90,
         coalesce(verified, false) AS verified,
         verification IN ('self_reported', 'evidence_attached', 'verified') AS reported,
         (code = 'E5' AND in_field) OR ((code = 'E1' OR (code = 'E2' AND contract_months >= 12))
           AND in_field AND weekly_hours >= 35
           AND monthly_pay >= CASE WHEN starts_on < DATE '2026-01-01' THEN 2096270
                                   ELSE 2156880 END) AS quality,
         code IS NULL OR code = 'U' AS unknown
  FROM people
)
SELECT count(*) AS enrolled,
       count(*) FILTER (WHERE completer) AS completers,
       count(*) FILTER (WHERE excluded) AS excluded,
       count(*) FILTER (WHERE at_start) AS employed_at_start,
       count(*) FILTER (WHERE counted AND employed AND verified) AS employed,
       count(*) FILTER (WHERE counted AND employed AND reported) AS employed_incl_pending,
       count(*) FILTER (WHERE counted AND employed_90 AND verified) AS employed_90d,
       count(*) FILTER (WHERE counted AND employed AND verified AND quality) AS quality,
       count(*) FILTER (WHERE counted AND employed AND reported AND quality) AS quality_pending,
       count(*) FILTER (WHERE counted AND unknown) AS unknown
FROM classified
"""


def paired(first, second, runs=RUNS):
    """Median times of two operations measured alternately, so a busy machine slows both alike;
    and the median of their ratios, pair by pair."""
    first(), second()  # warm caches and connections
    a, b = [], []
    for _ in range(runs):
        for fn, times in ((first, a), (second, b)):
            gc.collect()  # neither pays for the other's garbage
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
    ratios = [x / y for x, y in zip(a, b, strict=True)]
    return statistics.median(a), statistics.median(b), statistics.median(ratios)


def main() -> None:
    server = os.environ.get("DATABASE_URL")
    if not server or not server.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the benchmark makes its own database).")
    os.environ.pop("DATABASE_URL")
    url = sa.make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
    # KPI_BENCH_DB=name reuses a database an earlier run kept with KPI_BENCH_KEEP=1.
    reuse = os.environ.get("KPI_BENCH_DB")
    keep = bool(reuse) or os.environ.get("KPI_BENCH_KEEP") == "1"
    name = reuse or f"bench_kpi_{os.getpid()}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    if not reuse:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        config = TestConfig()
        config.SQLALCHEMY_DATABASE_URI = url.set(database=name).render_as_string(
            hide_password=False
        )
        config.SQLALCHEMY_ENGINE_OPTIONS = {}
        app = create_app(config)
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(revision="heads")
            started = time.perf_counter()
            if not reuse:
                print("building five years at the 2030 rate …", flush=True)
                loaded = load_scale(PER_YEAR * len(YEARS), last_year=YEARS[-1], as_of=AS_OF)
                print(loaded.describe(), flush=True)
            total = db.session.scalar(sa.text("SELECT count(*) FROM enrolment"))
            print(f"built {total:,} enrolments in {time.perf_counter() - started:.0f} s")
            measure(app)
    finally:
        if keep:
            print(f"kept the database {name}")
        else:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def measure(app) -> None:
    from academy.kpi.sql import end_of_day_utc
    from academy.models import ReportFormat
    from academy.reporting import pdf
    from academy.reporting.progress import build_progress, kpi_json
    from academy.reporting.scope import resolve
    from academy.reports.services import render

    year = max(YEARS)
    client = signed_in(app, "official@example.com")
    url = f"/dashboard/?year={year}&as_of={AS_OF.isoformat()}"
    assert client.get(url).status_code == 200

    params = dict(moment=end_of_day_utc(AS_OF), as_of=AS_OF, first=date(year, 1, 1),
                  last=date(year, 12, 31))  # fmt: skip

    def hand_written():
        with db.engine.connect() as conn:
            return conn.execute(sa.text(HAND_WRITTEN), params).one()

    row = hand_written()
    figures = kpi_json(build_progress(db.session, year, AS_OF))
    db.session.remove()
    same = (row.enrolled, row.employed, row.quality) == (
        figures["enrolled"], figures["employed"], figures["quality_employed"])  # fmt: skip
    print(
        f"hand-written SQL and the engine agree: {same} (enrolled {row.enrolled:,}, "
        f"employed {row.employed:,}, quality {row.quality:,})"
    )

    dashboard, sql, ratio = paired(lambda: client.get(url), hand_written)
    print(f"citywide dashboard   {dashboard * 1000:8.1f} ms  (median of {RUNS}, full GET)")
    print(f"hand-written SQL     {sql * 1000:8.1f} ms")
    print(f"  ratio {ratio:.2f}×  (median of the paired ratios; goal ≤ 2×)")

    with app.test_request_context():
        report_params = resolve(db.session, year=year, as_of=AS_OF)
        html = pdf.report_html(build_progress(db.session, year, AS_OF), datetime.now())
        bare = bare_weasyprint(html)
        whole, weasy, ratio = paired(lambda: render(ReportFormat.PDF, report_params), bare, runs=5)
    print(f"citywide PDF         {whole * 1000:8.1f} ms  (median of 5: figures, charts, HTML, PDF)")
    print(f"bare WeasyPrint      {weasy * 1000:8.1f} ms  (same HTML, fonts loaded once)")
    print(f"  ratio {ratio:.2f}×  (median of the paired ratios; goal ≤ 1.2×)")


def bare_weasyprint(html: str):
    """The PDF floor: WeasyPrint alone, with the report's stylesheet parsed and its fonts loaded
    before the clock starts (one FontConfiguration kept across renders), default fetcher. It
    leaves out the figures, the charts, the Jinja render, the restricted fetcher and archiving."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from academy.reporting import pdf

    base_url = pdf.static_base_url()
    fonts = FontConfiguration()
    css = CSS(string=pdf.PRINT_CSS.read_text(encoding="utf-8"), base_url=base_url,
              font_config=fonts)  # fmt: skip

    def render():
        return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[css], font_config=fonts)

    return render


if __name__ == "__main__":
    main()
