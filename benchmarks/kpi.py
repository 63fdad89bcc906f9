"""KPI benchmark: the citywide dashboard for today at 50,000 and at 250,000 trainees (academy.scale,
dated around today, on PostgreSQL), against two floors that compute every figure the page shows.

Prints, measured in one run, interleaved (median of RUNS rounds; each round runs every
operation once, in turn):
  - the citywide dashboard (a full GET as an official, today's date) at each size;
  - the people floor: hand-written SQL that classifies every person of the year from the raw
    tables (the outcome counts of the city, of each campus, tier and kind, the cohorts' maturity
    and the newest record), plus one statement each for the yearly rosters, the capacity inputs,
    the targets, the certifications, the internships, the subsidy programme and the ecosystem;
  - the facts floor: the same figures with the outcome counts and the yearly rosters summed from
    cohort_kpi_facts (one row per cohort) instead;
and checks every figure of both floors against the report the page renders (the rates are pure
functions of these counts: academy.kpi.definitions). Goals: the dashboard at 250,000 at most
1.1× its time at 50,000, and at most 2× the facts floor. Then the citywide PDF at 50,000 against
WeasyPrint alone rendering the same finished HTML (goal: at most 1.5×).

Leaves out: the sign-in (a signed-in test client), the network and the WSGI server
(benchmarks/serving.py measures those), the browser.

Usage (it builds its own databases on the server DATABASE_URL names, with names of its own, and
drops them afterwards; KPI_BENCH_KEEP=1 keeps them, KPI_BENCH_DB_50000=name and
KPI_BENCH_DB_250000=name reuse kept ones; KPI_BENCH_RUNS=n sets the rounds, KPI_BENCH_PDF=0 skips
the PDF):
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/kpi.py
Building 250,000 trainees takes about five minutes of CPU. It is not a test.
"""

import gc
import os
import statistics
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_db import signed_in  # noqa: E402

from academy import create_app  # noqa: E402
from academy.clock import seoul_today  # noqa: E402
from academy.extensions import db  # noqa: E402
from academy.models.campuses import LARGE_OVER_M2, SMALL_UNDER_M2  # noqa: E402
from academy.scale import load_scale  # noqa: E402
from config import TestConfig  # noqa: E402

SIZES = (50_000, 250_000)
RUNS = int(os.environ.get("KPI_BENCH_RUNS", "7"))

COUNTS = (
    "enrolled",
    "completers",
    "early_employed",
    "excluded",
    "employed_at_start",
    "employed",
    "employed_incl_pending",
    "employed_90d",
    "quality_employed",
    "quality_employed_incl_pending",
    "unknown",
    "cancelled",
    "non_completers",
    "non_completers_employed",
    "non_completers_employed_incl_pending",
)

# A campus's size tier follows from its floor area (academy.models.Campus.tier).
CAMPUS = f"""(SELECT id, kind, CASE WHEN floor_area_m2 > {LARGE_OVER_M2} THEN 'large'
  WHEN floor_area_m2 < {SMALL_UNDER_M2} THEN 'small' ELSE 'medium' END AS tier FROM campus)"""

# One row per group: the city (g = 0), each campus (1), each kind and tier (2), each kind (3).
GROUPS = """
GROUP BY GROUPING SETS ((c.campus_id), (ca.kind, ca.tier), (ca.kind), ())
"""
GROUP_COLUMNS = """
  CASE WHEN GROUPING(c.campus_id) = 0 THEN 1 WHEN GROUPING(ca.tier) = 0 THEN 2
       WHEN GROUPING(ca.kind) = 0 THEN 3 ELSE 0 END AS g,
  c.campus_id, ca.kind, ca.tier,
  count(DISTINCT c.id) AS cohorts,
  count(DISTINCT c.id) FILTER (WHERE :as_of <= c.ends_on) AS in_training,
  count(DISTINCT c.id) FILTER (WHERE :as_of > c.ends_on AND :as_of < c.ends_on + 180) AS in_window,
  count(DISTINCT c.id) FILTER (WHERE :as_of >= c.ends_on + 180) AS final,
"""

PEOPLE = """
WITH e AS (
  SELECT e.id, e.cohort_id, e.trainee_id, e.status, e.employed_at_start, e.created_at, c.ends_on
  FROM enrolment e JOIN cohort c ON c.id = e.cohort_id
  WHERE e.status <> 'waitlisted' AND c.ends_on BETWEEN :first AND :last
), rec AS (
  SELECT o.*, e.ends_on AS cohort_ends_on FROM outcome_record o JOIN e ON e.id = o.enrolment_id
  WHERE o.created_at < :moment
), cur AS (
  SELECT DISTINCT ON (enrolment_id) enrolment_id, code, verification, verified_at, created_at
  FROM rec ORDER BY enrolment_id, version DESC
), job AS (
  SELECT DISTINCT ON (enrolment_id, job) * FROM rec ORDER BY enrolment_id, job, version DESC
), tests AS (
  SELECT enrolment_id,
         code IN ('E1','E2','E3','E4','E5','E6') AND starts_on <= :as_of
           AND starts_on - cohort_ends_on <= 180 AS win,
         code IN ('E1','E2','E3','E4','E5','E6') AND starts_on <= :as_of
           AND starts_on - cohort_ends_on <= 90 AS win90,
         verification = 'verified' AND coalesce(verified_at, created_at) < :moment AS verified,
         verification IN ('self_reported', 'evidence_attached', 'verified')
           OR (verification = 'returned' AND coalesce(returned_at, created_at) >= :moment)
           AS counted,
         coalesce((code = 'E5' AND in_field) OR ((code = 'E1' OR (code = 'E2'
           AND contract_months >= {months})) AND in_field AND weekly_hours >= {hours}
           AND monthly_pay >= {floor}), false) AS quality
  FROM job
), jobs AS (
  SELECT enrolment_id,
         bool_or(win AND verified) AS emp, bool_or(win AND counted) AS emp_p,
         bool_or(win90 AND verified) AS emp90, bool_or(win AND verified AND quality) AS q,
         bool_or(win AND counted AND quality) AS q_p
  FROM tests GROUP BY enrolment_id
), interns AS (
  SELECT DISTINCT trainee_id FROM internship_placement
  WHERE status IN ('ongoing', 'completed') AND starts_on <= :as_of
), p AS (
  SELECT e.cohort_id,
         e.status = 'cancelled' AS cancelled,
         e.status IN ('completed', 'early_employed') AS completer,
         e.status IN ('withdrawn', 'not_completed') AS non_completer,
         e.status = 'early_employed' AS early, e.employed_at_start AS at_start,
         coalesce(j.emp, false) AS emp, coalesce(j.emp_p, false) AS emp_p,
         coalesce(j.emp90, false) AS emp90, coalesce(j.q, false) AS q,
         coalesce(j.q_p, false) AS q_p,
         coalesce(cur.code = 'X' AND cur.verification = 'verified'
           AND coalesce(cur.verified_at, cur.created_at) < :moment, false)
           AND NOT coalesce(j.emp, false) AS x,
         (cur.enrolment_id IS NULL OR cur.code = 'U') AND NOT coalesce(j.emp_p, false) AS unknown,
         i.trainee_id IS NOT NULL AS interned,
         cur.created_at AS recorded_at,
         CASE WHEN cur.verified_at < :moment THEN cur.verified_at END AS verified_at,
         e.created_at AS enrolled_at
  FROM e
  LEFT JOIN cur ON cur.enrolment_id = e.id
  LEFT JOIN jobs j ON j.enrolment_id = e.id
  LEFT JOIN interns i ON i.trainee_id = e.trainee_id
), k AS (
  SELECT *, completer AND NOT x AS kept, completer AND NOT x AND NOT at_start AS den FROM p
)
SELECT {groups}
  count(k.cohort_id) FILTER (WHERE NOT cancelled) AS enrolled,
  count(*) FILTER (WHERE completer) AS completers,
  count(*) FILTER (WHERE completer AND early) AS early_employed,
  count(*) FILTER (WHERE completer AND x) AS excluded,
  count(*) FILTER (WHERE kept AND at_start) AS employed_at_start,
  count(*) FILTER (WHERE den AND emp) AS employed,
  count(*) FILTER (WHERE den AND emp_p) AS employed_incl_pending,
  count(*) FILTER (WHERE den AND emp90) AS employed_90d,
  count(*) FILTER (WHERE den AND q) AS quality_employed,
  count(*) FILTER (WHERE den AND q_p) AS quality_employed_incl_pending,
  count(*) FILTER (WHERE den AND unknown) AS unknown,
  count(*) FILTER (WHERE cancelled) AS cancelled,
  count(*) FILTER (WHERE non_completer) AS non_completers,
  count(*) FILTER (WHERE non_completer AND emp) AS non_completers_employed,
  count(*) FILTER (WHERE non_completer AND emp_p) AS non_completers_employed_incl_pending,
  count(*) FILTER (WHERE completer AND interned) AS internship_started,
  greatest(max(recorded_at), max(verified_at), max(enrolled_at)) AS newest
FROM cohort c JOIN {campus} ca ON ca.id = c.campus_id
LEFT JOIN k ON k.cohort_id = c.id
WHERE c.ends_on BETWEEN :first AND :last
{group_by}
"""

FACTS = (
    """
SELECT {groups}
"""
    + ",\n".join(f"  coalesce(sum(f.{name}), 0) AS {name}" for name in COUNTS)
    + """,
  coalesce(sum(f.internship_started), 0) AS internship_started,
  greatest(max(f.recorded_at), max(f.verified_at), max(f.enrolled_at)) AS newest,
  count(c.id) - count(f.cohort_id) AS not_held
FROM cohort c JOIN {campus} ca ON ca.id = c.campus_id
LEFT JOIN cohort_kpi_facts f ON f.cohort_id = c.id AND f.as_of <= :as_of
  AND (f.valid_until IS NULL OR f.valid_until > :as_of)
WHERE c.ends_on BETWEEN :first AND :last
{group_by}
"""
)

# The other figures of the page: the same for both floors except the yearly rosters.
ROSTERS_PEOPLE = """
SELECT extract(year FROM c.ends_on)::int AS year, count(e.id) AS n
FROM cohort c JOIN enrolment e ON e.cohort_id = c.id
WHERE c.ends_on BETWEEN :target_first AND :target_last
  AND e.status NOT IN ('waitlisted', 'cancelled')
GROUP BY 1
"""
ROSTERS_FACTS = """
SELECT extract(year FROM c.ends_on)::int AS year, sum(f.rostered) AS n
FROM cohort c JOIN cohort_kpi_facts f ON f.cohort_id = c.id
WHERE c.ends_on BETWEEN :target_first AND :target_last
GROUP BY 1
"""
OTHERS = {
    "capacity": """
SELECT extract(year FROM ends_on)::int, sum(capacity), count(*) FROM cohort
WHERE ends_on BETWEEN :target_first AND :target_last GROUP BY 1
""",
    "plants": """
SELECT ca.floor_area_m2, ca.kind, count(r.id), coalesce(sum(r.seats), 0)
FROM campus ca LEFT JOIN classroom r ON r.campus_id = ca.id GROUP BY ca.id
""",
    "campuses": "SELECT id, name, kind, district, floor_area_m2, partner_company FROM campus",
    "targets": "SELECT year, metric, value, from_source FROM yearly_target",
    "rules": "SELECT year, monthly_pay_floor, min_weekly_hours, min_contract_months "
    "FROM quality_rule",
    "certifications": """
SELECT x.certification_id,
       count(*) FILTER (WHERE x.result = 'passed') AS passed,
       count(*) FILTER (WHERE x.result = 'failed') AS failed,
       count(*) FILTER (WHERE x.result = 'absent') AS absent,
       count(*) FILTER (WHERE x.result = 'pending') AS pending
FROM exam_attempt x
WHERE x.sat_on <= :as_of AND x.trainee_id IN (
  SELECT e.trainee_id FROM enrolment e WHERE e.status NOT IN ('waitlisted', 'cancelled')
  AND e.cohort_id = ANY(ARRAY(SELECT id FROM cohort WHERE ends_on BETWEEN :first AND :last)))
GROUP BY x.certification_id
""",
    "internships": """
SELECT o.programme, count(DISTINCT p.trainee_id)
FROM internship_placement p JOIN internship_opening o ON o.id = p.opening_id
WHERE p.status IN ('ongoing', 'completed') AND p.starts_on <= :as_of AND p.trainee_id IN (
  SELECT e.trainee_id FROM enrolment e WHERE e.status IN ('completed', 'early_employed')
  AND e.cohort_id = ANY(ARRAY(SELECT id FROM cohort WHERE ends_on BETWEEN :first AND :last)))
GROUP BY o.programme
""",
    "subsidy": """
WITH d AS (
  SELECT s.*, x.result,
         s.decided_at IS NOT NULL AND s.decided_at < :moment AS decided
  FROM subsidy_claim s JOIN subsidy_programme g ON g.id = s.programme_id
  JOIN exam_attempt x ON x.id = s.exam_attempt_id WHERE g.year = :year
)
SELECT coalesce(sum(amount_approved) FILTER (WHERE status = 'approved' AND decided), 0),
       coalesce(sum(amount_approved) FILTER (WHERE status = 'approved' AND decided
                                               AND paid_on <= :as_of), 0),
       count(DISTINCT trainee_id) FILTER (WHERE status = 'approved' AND decided),
       count(*) FILTER (WHERE status = 'approved' AND decided),
       count(*) FILTER (WHERE applied_on <= :as_of AND (status = 'submitted' OR NOT decided)),
       coalesce(sum(amount_requested) FILTER (WHERE applied_on <= :as_of
                                                AND (status = 'submitted' OR NOT decided)), 0),
       count(*) FILTER (WHERE status = 'rejected' AND decided),
       count(DISTINCT exam_attempt_id) FILTER (WHERE status = 'approved' AND decided
                                                 AND result = 'passed'),
       (SELECT budget FROM subsidy_programme WHERE year = :year)
FROM d
""",
    "ecosystem": """
SELECT (SELECT count(*) FROM alliance_member WHERE joined_on <= :eco_on
          AND (left_on IS NULL OR left_on > :eco_on)),
       (SELECT coalesce(sum(amount), 0) FROM fund_donation
          WHERE kind = 'money' AND received_on <= :as_of),
       (SELECT count(*) FROM fund_donation WHERE kind = 'talent' AND received_on <= :as_of),
       (SELECT coalesce(sum(amount), 0) FROM scholarship WHERE awarded_on <= :as_of),
       (SELECT count(DISTINCT trainee_id) FROM scholarship WHERE awarded_on <= :as_of),
       (SELECT count(*) FROM campus WHERE kind = 'bigtech'
          AND (opened_on IS NULL OR opened_on <= :year_end)),
       (SELECT count(*) FROM advanced_track_selection WHERE year = :year
          AND selected_on <= :as_of)
""",
}


def quality_sql(rules) -> dict[str, str]:
    """The city's quality rules as SQL CASEs over the job's start date (as the engine applies
    them: the rule of the year the job started)."""
    periods = rules.periods()

    def case(attribute):
        if len(periods) == 1:
            return str(getattr(periods[0][1], attribute))
        whens = " ".join(
            f"WHEN starts_on < DATE '{periods[i + 1][0]}' THEN {getattr(rule, attribute)}"
            for i, (_, rule) in enumerate(periods[:-1])
        )
        return f"CASE {whens} ELSE {getattr(periods[-1][1], attribute)} END"

    return {
        "floor": case("monthly_pay_floor"),
        "hours": case("min_weekly_hours"),
        "months": case("min_contract_months"),
    }


class Floor:
    """Every figure of the citywide dashboard in hand-written SQL, on one connection."""

    def __init__(self, app, year: int, from_facts: bool):
        from academy.kpi import engine
        from academy.kpi.sql import end_of_day_utc
        from academy.kpi.targets import TARGET_YEARS

        self.app = app
        today = seoul_today()
        with app.app_context():
            rules = engine.load_quality_rules(db.session)
            db.session.remove()
        template = FACTS if from_facts else PEOPLE
        sql = template.format(
            groups=GROUP_COLUMNS, group_by=GROUPS, campus=CAMPUS, **quality_sql(rules)
        )
        self.statements = [
            ("outcomes", sa.text(sql)),
            ("rosters", sa.text(ROSTERS_FACTS if from_facts else ROSTERS_PEOPLE)),
            *((name, sa.text(q)) for name, q in OTHERS.items()),
        ]
        self.params = dict(
            as_of=today,
            moment=end_of_day_utc(today),
            year=year,
            first=datetime(year, 1, 1).date(),
            last=datetime(year, 12, 31).date(),
            year_end=datetime(year, 12, 31).date(),
            eco_on=min(today, datetime(year, 12, 31).date()),
            target_first=datetime(TARGET_YEARS[0], 1, 1).date(),
            target_last=datetime(TARGET_YEARS[-1], 12, 31).date(),
        )

    def __call__(self) -> dict[str, list]:
        with self.app.app_context(), db.engine.connect() as conn:
            return {name: conn.execute(q, self.params).all() for name, q in self.statements}


def compare(found: dict[str, list], report, planned) -> list[str]:
    """Every figure of the floor that differs from the report the page renders."""
    from academy.kpi.definitions import Maturity
    from academy.models import CampusKind, Tier

    wrong = []
    snapshot = report.snapshot
    groups = {(0, None): snapshot.headline}
    groups |= {(1, k): v for k, v in snapshot.by_campus().items()}
    groups |= {(3, k): v for k, v in snapshot.by_kind().items() if v.cohorts}
    groups |= {(2, (CampusKind.DISTRICT, t)): v for t, v in snapshot.by_tier().items() if v.cohorts}
    seen = set()
    for row in found["outcomes"]:
        kind = CampusKind(row.kind) if row.kind else None
        key = {0: None, 1: row.campus_id, 2: (kind, Tier(row.tier) if row.tier else None), 3: kind}[
            row.g
        ]
        if row.g == 2 and kind != CampusKind.DISTRICT:
            continue  # the page's tier table is of district campuses
        figures = groups.get((row.g, key))
        if figures is None:
            wrong.append(f"group {row.g} {key}: not on the page")
            continue
        seen.add((row.g, key))
        counts = tuple(getattr(row, n) for n in COUNTS)
        if counts != tuple(getattr(figures.counts, n) for n in COUNTS):
            wrong.append(f"group {row.g} {key}: counts {counts} ≠ {figures.counts}")
        maturity = Maturity.IN_WINDOW
        if row.final == row.cohorts:
            maturity = Maturity.FINAL
        elif row.in_training == row.cohorts:
            maturity = Maturity.IN_TRAINING
        if row.cohorts != figures.cohorts or maturity != figures.maturity:
            wrong.append(f"group {row.g} {key}: cohorts/maturity {row.cohorts} {maturity}")
        if row.g == 0:
            if row.internship_started != snapshot.internship_started:
                wrong.append(f"internships started {row.internship_started}")
            if row.newest != report.data_as_of:
                wrong.append(f"newest record {row.newest} ≠ {report.data_as_of}")
            if getattr(row, "not_held", 0):
                wrong.append(f"{row.not_held} cohorts without facts that hold today")
    wrong += [f"group {k}: missing from the floor" for k in set(groups) - seen]
    rosters = {int(y): int(n) for y, n in found["rosters"]}
    for ramp in report.ramp:
        if rosters.get(ramp.year, 0) != ramp.enrolled:
            wrong.append(f"rostered {ramp.year}: {rosters.get(ramp.year, 0)} ≠ {ramp.enrolled}")
    attempts = tuple(
        sum(getattr(r, n) for r in found["certifications"])
        for n in ("passed", "failed", "absent", "pending")
    )
    total = report.certifications_total
    if attempts != (
        (
            total.attempts.passed,
            total.attempts.failed,
            total.attempts.absent,
            total.attempts.pending,
        )
        if total
        else (0, 0, 0, 0)
    ):
        wrong.append(f"certifications {attempts} ≠ {total}")
    programmes = {str(p): n for p, n in found["internships"]}
    for programme, n in report.internships.items():
        if programmes.get(str(programme.value), 0) != n:
            wrong.append(f"internships {programme}: {programmes.get(programme.value)} ≠ {n}")
    *subsidy, budget = found["subsidy"][0]
    t = report.subsidy.totals
    if [int(x) for x in subsidy] != [
        t.approved,
        t.paid,
        t.people,
        t.claims_approved,
        t.claims_pending,
        t.pending_amount,
        t.claims_rejected,
        t.passed,
    ] or budget != report.subsidy.budget:
        wrong.append(f"subsidy {subsidy} {budget} ≠ {report.subsidy}")
    members, money, talent, paid, people, bigtech, advanced = found["ecosystem"][0]
    eco = report.ecosystem
    if (members, money, talent, paid, people, bigtech, advanced) != (
        eco.alliance_members,
        eco.donations_money,
        eco.donations_talent,
        eco.scholarships_paid,
        eco.scholarship_people,
        eco.bigtech_campuses,
        eco.advanced_track,
    ):
        wrong.append("ecosystem differs")
    places = {int(y): int(p) for y, p, _ in found["capacity"]}
    if places != planned[0]:
        wrong.append(f"planned places {places} ≠ {planned[0]}")
    if len(found["campuses"]) != len(report.campuses):
        wrong.append("campuses differ")
    return wrong


def interleaved(operations: dict, runs: int = RUNS) -> dict[str, list[float]]:
    """Each operation once per round, in turn, so a busy machine slows them alike."""
    for fn in operations.values():
        fn()  # warm caches and connections
    times = {name: [] for name in operations}
    for _ in range(runs):
        for name, fn in operations.items():
            gc.collect()
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    return times


def database(url, size: int, created: list[str]) -> str:
    name = os.environ.get(f"KPI_BENCH_DB_{size}")
    if name:
        return name
    name = f"bench_kpi_{size}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    created.append(name)
    return name


def app_on(url, name: str, build: int | None):
    from flask_migrate import upgrade

    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url.set(database=name).render_as_string(hide_password=False)
    config.SQLALCHEMY_ENGINE_OPTIONS = {}
    app = create_app(config)
    with app.app_context():
        upgrade(revision="heads")
        if build:
            print(f"building {build:,} trainees in {name} …", flush=True)
            print(load_scale(build).describe(), flush=True)
        else:
            from academy.kpi import facts

            started = time.perf_counter()
            counted = facts.refresh_stale(db.session)
            print(
                f"{name}: {counted:,} cohorts counted in "
                f"{time.perf_counter() - started:.1f} s (facts missing or stale)"
            )
        trainees = db.session.scalar(sa.text("SELECT count(*) FROM trainee"))
        db.session.remove()
    return app, trainees


def main() -> None:
    server = os.environ.get("DATABASE_URL")
    if not server or not server.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the benchmark makes its own database).")
    os.environ.pop("DATABASE_URL")
    url = sa.make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
    keep = os.environ.get("KPI_BENCH_KEEP") == "1"
    created: list[str] = []
    try:
        apps = {}
        for size in SIZES:
            name = database(url, size, created)
            apps[size] = (name, *app_on(url, name, size if name in created else None))
        measure(apps)
    finally:
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        for name in created:
            if keep:
                print(f"kept the database {name}")
                continue
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def measure(apps) -> None:
    # The process as wsgi.py settles a server's (the floors run in it too).
    from academy.serving import settle_process

    settle_process()
    from academy.progress_reports.progress import build_progress, planned_places

    today = seoul_today()
    year = today.year
    url = f"/dashboard/?year={year}&as_of={today.isoformat()}"
    operations = {}
    for size, (_name, app, trainees) in apps.items():
        client = signed_in(app, "official@example.com")
        assert client.get(url).status_code == 200
        floors = {"people": Floor(app, year, False), "facts": Floor(app, year, True)}
        with app.app_context():
            report = build_progress(db.session, year, today)
            planned = planned_places(db.session)
            db.session.remove()
        for kind, floor in floors.items():
            wrong = compare(floor(), report, planned)
            print(
                f"{trainees:,} trainees, {kind} floor: "
                f"{'every figure equals the page' if not wrong else 'DIFFERS'}"
            )
            for line in wrong[:20]:
                print("   ", line)
        operations[f"dashboard {size}"] = lambda c=client: c.get(url)
        operations[f"facts floor {size}"] = floors["facts"]
        operations[f"people floor {size}"] = floors["people"]
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    times = interleaved(operations)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, m in medians.items():
        print(f"{name:<22} {m * 1000:9.1f} ms  (median of {RUNS})")
    small, large = SIZES
    ratio = statistics.median(
        a / b for a, b in zip(times[f"dashboard {large}"], times[f"dashboard {small}"], strict=True)
    )
    print(
        f"dashboard {large:,} ÷ {small:,}: {ratio:.2f}×  (median of the paired ratios; goal ≤ 1.1×)"
    )
    for size in SIZES:
        ratio = statistics.median(
            a / b
            for a, b in zip(times[f"dashboard {size}"], times[f"facts floor {size}"], strict=True)
        )
        print(f"dashboard ÷ facts floor at {size:,}: {ratio:.2f}×  (goal ≤ 2×)")
    if os.environ.get("KPI_BENCH_PDF", "1") == "1":
        measure_pdf(apps[small][1], year, today)


def measure_pdf(app, year, as_of) -> None:
    from academy.models import ReportFormat
    from academy.progress_reports import pdf
    from academy.progress_reports.progress import build_progress
    from academy.progress_reports.scope import resolve
    from academy.report_archive.services import render

    with app.test_request_context():
        report_params = resolve(db.session, year=year, as_of=as_of)
        html = pdf.report_html(build_progress(db.session, year, as_of), datetime.now())
        bare = bare_weasyprint(html)
        times = interleaved(
            {"whole": lambda: render(ReportFormat.PDF, report_params), "weasy": bare}, runs=5
        )
    whole, weasy = statistics.median(times["whole"]), statistics.median(times["weasy"])
    ratio = statistics.median(a / b for a, b in zip(times["whole"], times["weasy"], strict=True))
    print(f"citywide PDF         {whole * 1000:8.1f} ms  (median of 5: figures, charts, HTML, PDF)")
    print(f"bare WeasyPrint      {weasy * 1000:8.1f} ms  (same HTML, fonts loaded once)")
    print(f"  ratio {ratio:.2f}×  (median of the paired ratios; goal ≤ 1.2×)")


def bare_weasyprint(html: str):
    """The PDF floor: WeasyPrint alone, with the report's stylesheet parsed and its fonts loaded
    before the clock starts (one FontConfiguration kept across renders), default fetcher. It
    leaves out the figures, the charts, the Jinja render, the restricted fetcher and archiving."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from academy.progress_reports import pdf

    base_url = pdf.static_base_url()
    fonts = FontConfiguration()
    css = CSS(
        string=pdf.PRINT_CSS.read_text(encoding="utf-8"), base_url=base_url, font_config=fonts
    )

    def render():
        return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[css], font_config=fonts)

    return render


if __name__ == "__main__":
    main()
