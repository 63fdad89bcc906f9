"""Throughput: signed-in pages per second under gunicorn against a bare Flask route under the same
gunicorn settings, driven from 127.0.0.1 by wrk with a bounded load (goal: at least 50%).

The pages: the coordinator's cohort page (roster, attendance summary and at-risk list), the
official's citywide dashboard, and a trainee's record as the coordinator sees it. The floors
(benchmarks/bare_app.py): a plain Flask app with one route, and the academy's own create_app()
with one extra route that reads no row. The ratio is page req/s ÷ plain-Flask req/s, measured in
the same run, each target in turn and again (two rounds), so a neighbour's load on the shared
machine falls on both sides.

Usage (builds and drops a database of its own, bench_throughput_<pid>_<random>, on the
server DATABASE_URL names):
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/throughput.py [--trainees 50000] [--seconds 8]
Without --trainees it loads the 2025 demo at its normal scale. wrk comes from Debian; the script
installs it with apt-get when it is missing and it runs as root, and stops otherwise.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import (  # noqa: E402
    Browser,
    describe_settings,
    fill,
    gunicorn,
    machine,
    scratch_database,
    sign_in,
)

from academy.demo import DEMO_LOGINS, DEMO_PASSWORD  # noqa: E402
from academy.models import Role  # noqa: E402

BUSIEST_COHORT = """
SELECT c.id, min(e.trainee_id) FROM cohort c JOIN enrolment e ON e.cohort_id = c.id
WHERE c.campus_id = :campus
GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1
"""
CONNECTIONS = 4  # bounded: four clients with a request always in flight, one wrk thread
GOAL = 0.5

LUA = """
wrk.headers["Cookie"] = "%s"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing: install it with `apt-get install wrk` (Debian) and run again.")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or sys.exit("apt-get did not install wrk")


def run_wrk(wrk: str, port: int, path: str, cookie: str, seconds: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % cookie.replace('"', '\\"'))
    try:
        out = subprocess.run(
            [
                wrk,
                "-t1",
                f"-c{CONNECTIONS}",
                f"-d{seconds}s",
                "--timeout",
                "60s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    requests, duration_us, p50, p95, bad_status, socket_errors = map(int, line.split()[1:])
    return {
        "requests": requests,
        "seconds": duration_us / 1e6,
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "errors": bad_status + socket_errors,
    }


def targets_in(database_url: str) -> dict[str, str]:
    """The URLs of the pages, on the demo coordinator's largest cohort."""
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        campus_id = conn.scalar(
            sa.text('SELECT campus_id FROM "user" WHERE email = :e'),
            {"e": DEMO_LOGINS[Role.COORDINATOR]},
        )
        cohort_id, trainee_id = conn.execute(sa.text(BUSIEST_COHORT), {"campus": campus_id}).one()
    engine.dispose()
    return {
        "coordinator: cohort page": f"/cohorts/{cohort_id}",
        "official: city dashboard": "/dashboard/",
        "coordinator: trainee record": f"/trainees/{trainee_id}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, help="scale generator size (default: the demo)")
    parser.add_argument("--seconds", type=int, default=8, help="per target and round")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    wrk = wrk_binary()
    with scratch_database("bench_throughput") as url:
        print(fill(url, args.trainees), flush=True)
        pages = targets_in(url)
        results: dict[str, list[dict]] = {}
        with (
            gunicorn("wsgi:app", url) as app_port,
            gunicorn("benchmarks.bare_app:plain", url) as plain_port,
            gunicorn("benchmarks.bare_app:academy", url) as floor_port,
        ):
            cookies = {}
            for role in (Role.COORDINATOR, Role.OFFICIAL):
                browser = Browser(app_port)
                sign_in(browser, DEMO_LOGINS[role], DEMO_PASSWORD, url)
                cookies[role] = browser
            plan = [
                ("bare Flask route (plain app)", plain_port, "/bare", None),
                ("bare route in create_app()", floor_port, "/bare", None),
            ]
            for name, path in pages.items():
                role = Role.OFFICIAL if name.startswith("official") else Role.COORDINATOR
                status, _, _ = cookies[role].get(path)  # warms the workers' first request too
                if status != 200:
                    sys.exit(f"{name}: {path} answered {status} to the signed-in {role.value}")
                plan.append((name, app_port, path, cookies[role]))
            for _round in range(args.rounds):
                for name, port, path, browser in plan:
                    cookie = browser.cookie_header if browser else ""
                    results.setdefault(name, []).append(
                        run_wrk(wrk, port, path, cookie, args.seconds)
                    )
    report(results, args)


def report(results: dict[str, list[dict]], args) -> None:
    print(
        f"\nThroughput, {machine()}; {describe_settings()}; wrk -t1 -c{CONNECTIONS}, "
        f"{args.rounds} rounds × {args.seconds} s per target"
    )
    print(f"{'target':34} {'req/s':>8} {'ratio':>7} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}")
    totals = {}
    for name, runs in results.items():
        rate = sum(r["requests"] for r in runs) / sum(r["seconds"] for r in runs)
        totals[name] = rate
    floor = totals["bare Flask route (plain app)"]
    failed = []
    for name, runs in results.items():
        rate = totals[name]
        p50 = sorted(r["p50"] for r in runs)[len(runs) // 2]
        p95 = max(r["p95"] for r in runs)
        errors = sum(r["errors"] for r in runs)
        ratio = rate / floor
        mark = "" if name.startswith("bare") or ratio >= GOAL else "  below the 50% goal"
        if mark:
            failed.append(name)
        print(f"{name:34} {rate:8.1f} {ratio:7.1%} {p50:8.1f} {p95:8.1f} {errors:6d}{mark}")
    print(
        f"goal: each page at least {GOAL:.0%} of the bare route's req/s; "
        + ("met" if not failed else f"not met by {len(failed)} page(s)")
    )


if __name__ == "__main__":
    main()
