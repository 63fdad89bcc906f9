"""Throughput: each signed-in page's requests per second under gunicorn against its floor, bare
Flask doing the same SQL and rendering the same template with the same context
(benchmarks/floor_app.py), under the same gunicorn settings, driven from 127.0.0.1 by wrk with a
bounded load. Goal: every page at least 60% of its floor's requests per second.

The pages, each role's: the coordinator's internship list (a light page), busiest cohort
(roster, attendance summary, at-risk list) and a trainee's record (with its 접속기록 entry); the
official's citywide dashboard; the trainee's own record; the instructor's own page. Each round
drives every page and then its floor (the order swapped every other round) for --seconds each,
so a neighbour's load on the shared machine falls on both; the ratio printed is the median of
the rounds' ratios.

Usage (builds and drops a database of its own, bench_throughput_<pid>_<random>, on the
server DATABASE_URL names):
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/throughput.py [--trainees 50000] [--seconds 5] [--rounds 5]
Without --trainees it loads the 2025 demo at its normal scale. wrk comes from Debian; the script
installs it with apt-get when it is missing and it runs as root, and stops otherwise.
"""

import argparse
import json
import os
import secrets
import shutil
import statistics
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
GOAL = 0.6

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


def targets_in(database_url: str) -> list[tuple[str, Role, str]]:
    """(name, role, URL) of the pages, on the demo coordinator's largest cohort."""
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        campus_id = conn.scalar(
            sa.text('SELECT campus_id FROM "user" WHERE email = :e'),
            {"e": DEMO_LOGINS[Role.COORDINATOR]},
        )
        cohort_id, trainee_id = conn.execute(sa.text(BUSIEST_COHORT), {"campus": campus_id}).one()
    engine.dispose()
    return [
        ("coordinator: internship list", Role.COORDINATOR, "/internships/"),
        ("coordinator: cohort page", Role.COORDINATOR, f"/cohorts/{cohort_id}"),
        ("coordinator: trainee record", Role.COORDINATOR, f"/trainees/{trainee_id}"),
        ("official: city dashboard", Role.OFFICIAL, "/dashboard/"),
        ("trainee: own record", Role.TRAINEE, "/trainees/me"),
        ("instructor: own page", Role.INSTRUCTOR, "/instructors/me"),
    ]


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, help="scale generator size (default: the demo)")
    parser.add_argument("--seconds", type=int, default=5, help="per target and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--page", help="only the pages whose name contains this")
    args = parser.parse_args()
    wrk = wrk_binary()
    with scratch_database("bench_throughput") as url:
        print(fill(url, args.trainees), flush=True)
        pages = [p for p in targets_in(url) if not args.page or args.page in p[0]]
        key = secrets.token_hex(32)  # shared: the floor reads the app's session cookies
        with gunicorn("wsgi:app", url, SECRET_KEY=key) as app_port:
            browsers = {}
            for role in {role for _, role, _ in pages}:
                browsers[role] = Browser(app_port)
                sign_in(browsers[role], DEMO_LOGINS[role], DEMO_PASSWORD, url)
            sizes = {}
            for name, role, path in pages:
                status, _, body = browsers[role].get(path)  # warms the workers' first request
                if status != 200:
                    sys.exit(f"{name}: {path} answered {status} to the signed-in {role.value}")
                sizes[name] = len(body)
            recorded = json.dumps(
                [{"path": path, "cookie": browsers[role].cookie_header} for _, role, path in pages]
            )
            with gunicorn(
                "benchmarks.floor_app:floor", url, SECRET_KEY=key, FLOOR_PAGES=recorded
            ) as floor_port:
                floor = Browser(floor_port)
                _, _, summary = floor.get("/floor-recorded")
                summary = json.loads(summary)
                print(
                    f"\n{'page':30} {'bytes':>7} {'floor bytes':>11} {'reads':>5} "
                    f"{'writes left out':>15}  templates"
                )
                for name, _role, path in pages:
                    status, _, body = floor.get(path)
                    seen = summary[path]
                    if status != 200 or seen["status"] != 200:
                        sys.exit(f"{name}: the floor answered {status}, recorded {seen}")
                    print(
                        f"{name:30} {sizes[name]:7,} {len(body):11,} {seen['reads']:5} "
                        f"{seen['writes']:15}  {', '.join(seen['templates'])}"
                    )
                loads = [load_average()]
                results: dict[str, list[tuple[dict, dict]]] = {}
                for n in range(args.rounds):
                    for name, role, path in pages:
                        cookie = browsers[role].cookie_header
                        sides = [(app_port, cookie), (floor_port, "")]
                        if n % 2:
                            sides.reverse()
                        runs = [run_wrk(wrk, port, path, c, args.seconds) for port, c in sides]
                        if n % 2:
                            runs.reverse()
                        results.setdefault(name, []).append((runs[0], runs[1]))
                    loads.append(load_average())
                    print(f"round {n + 1} done, load average {loads[-1]}", flush=True)
    report(results, args, loads)


def rate(run: dict) -> float:
    return run["requests"] / run["seconds"]


def report(results: dict[str, list[tuple[dict, dict]]], args, loads: list[str]) -> None:
    print(
        f"\nThroughput, {machine()}; {describe_settings()}; wrk -t1 -c{CONNECTIONS}, "
        f"{args.rounds} rounds × {args.seconds} s per target, interleaved; "
        f"load average (1, 5, 15 min) {loads[0]} before, {loads[-1]} after"
    )
    print(
        f"{'page':30} {'page req/s':>10} {'floor req/s':>11} {'ratio':>7} {'min–max':>13} "
        f"{'p50 ms':>7} {'floor p50':>9} {'errors':>6}"
    )
    failed = []
    for name, runs in results.items():
        ratios = sorted(rate(page) / rate(floor) for page, floor in runs)
        ratio = statistics.median(ratios)
        page_rate = statistics.median(rate(page) for page, _ in runs)
        floor_rate = statistics.median(rate(floor) for _, floor in runs)
        p50 = statistics.median(page["p50"] for page, _ in runs)
        floor_p50 = statistics.median(floor["p50"] for _, floor in runs)
        errors = sum(page["errors"] + floor["errors"] for page, floor in runs)
        mark = "" if ratio >= GOAL else f"  below {GOAL:.0%}"
        if mark:
            failed.append(name)
        spread = f"{ratios[0]:.0%}–{ratios[-1]:.0%}"
        print(
            f"{name:30} {page_rate:10.1f} {floor_rate:11.1f} {ratio:7.1%} {spread:>13} "
            f"{p50:7.1f} {floor_p50:9.1f} {errors:6d}{mark}"
        )
    print(
        f"goal: every page at least {GOAL:.0%} of its floor's req/s (median of the rounds' "
        "ratios); " + ("met" if not failed else f"not met by {len(failed)} page(s)")
    )


if __name__ == "__main__":
    main()
