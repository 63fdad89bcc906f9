"""Peak-term load: 50 coordinators at once, on ten campuses, reading their cohort, marking
attendance and enrolling trainees through the real HTTP server (gunicorn on 127.0.0.1) for 60
seconds.

Each coordinator signs in (password, then the TOTP code staff need), takes the CSRF token from
the enrolment form, and then works as a person does: open the cohort page (200 expected), mark
one trainee for one session day on the attendance sheet (the htmx click, 200 expected), enrol a
new trainee through the enrolment form (303 expected), and again; between two clicks they read
or type for a think time drawn uniformly from 2 to 8 seconds (THINK). Every (session, trainee)
pair is marked once, so each successful click adds exactly one row. Afterwards the database
must hold exactly as many new enrolments and attendance marks as the server acknowledged (no
lost writes), and no request may have failed.

Before the minute, one coordinator alone runs the same cycle back to back for --idle seconds:
the idle p50 of each page. Goal (people): 0 errors, 0 lost writes, and for every page the p95
under load at most 3× its idle p50.

--no-think is the stress mode: the same 50 with no think time, each with a request always in
flight, which is far more than 50 people send; it reports the saturation throughput (requests
per second the server sustains) and the latencies of the queue that forms.

Usage (builds and drops a database of its own, bench_peak_term_<pid>_<random>, on the
server DATABASE_URL names):
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/peak_term.py [--trainees 50000] [--seconds 60] [--no-think]
"""

import argparse
import os
import random
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import (  # noqa: E402
    Browser,
    csrf_token,
    describe_settings,
    fill,
    gunicorn,
    machine,
    percentile,
    scratch_database,
    sign_in,
)

COORDINATORS = 50
CAMPUSES = 10
ROSTER = 20  # trainees on each benchmark cohort before the run, to be marked
DAYS = 20  # past session days of each benchmark cohort
PASSWORD = "peak-term-benchmark-1"
# Seconds between two clicks of one person, uniform: finding a trainee's row and clicking the
# mark takes a couple of seconds, typing an enrolment (name, birth date, e-mail) or reading the
# cohort page's roster and at-risk list several. A mean of 5 s is one request per 5 s per person.
THINK = (2.0, 8.0)
KINDS = ("cohort page", "attendance mark", "enrolment")


@dataclass
class Desk:
    """One coordinator's cohort, the trainees and days to mark, and what the server confirmed."""

    email: str
    cohort_id: int
    pairs: list[tuple[int, int]]  # (session id, enrolment id), each marked once
    enrolled: int = 0
    marked: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)


def prepare(database_url: str) -> list[Desk]:
    """50 coordinator accounts on ten campuses, each with a cohort that started 20 session days
    ago, its roster and its days; staff accounts get their second factor enrolled."""
    import pyotp

    from academy import create_app
    from academy.auth.passwords import hash_password
    from academy.clock import seoul_today
    from academy.extensions import db
    from academy.models import (
        ClassSession,
        Cohort,
        Course,
        Enrolment,
        Role,
        Trainee,
        User,
        utcnow,
    )
    from config import TestConfig

    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    app = create_app(config)
    today = seoul_today()
    desks = []
    with app.app_context():
        password_hash = hash_password(PASSWORD)
        first_courses = sa.select(sa.func.min(Course.id)).group_by(Course.campus_id)
        courses = db.session.scalars(
            sa.select(Course).where(Course.id.in_(first_courses)).order_by(Course.campus_id)
        ).all()[:CAMPUSES]
        trainees = db.session.scalars(sa.select(Trainee).limit((COORDINATORS + 1) * ROSTER)).all()
        for n in range(COORDINATORS + 1):  # the last one also runs alone, before the load
            course = courses[n % len(courses)]
            user = User(
                email=f"peak{n:02d}@example.com",
                name=f"피크 매니저 {n:02d}",
                role=Role.COORDINATOR,
                campus_id=course.campus_id,
                password_hash=password_hash,
            )
            if hasattr(User, "totp_secret"):
                user.totp_secret, user.totp_enrolled_at = pyotp.random_base32(), utcnow()
            cohort = Cohort(
                code=f"PEAK-{n:02d}",
                campus_id=course.campus_id,
                course=course,
                starts_on=today - timedelta(days=DAYS),
                capacity=10_000,
                ends_on=today + timedelta(days=120),
            )
            sessions = [
                ClassSession(cohort=cohort, held_on=today - timedelta(days=d)) for d in range(DAYS)
            ]
            roster = [
                Enrolment(cohort=cohort, trainee=t, enrolled_on=cohort.starts_on)
                for t in trainees[n * ROSTER : (n + 1) * ROSTER]
            ]
            db.session.add_all([user, cohort, *sessions, *roster])
            db.session.flush()
            pairs = [(s.id, e.id) for s in sessions for e in roster]
            desks.append(Desk(user.email, cohort.id, pairs))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return desks


def think(rng: random.Random, thinking: bool, until: list[float]) -> None:
    """A person's pause before the next click; none after the minute is over."""
    if thinking:
        time.sleep(max(0.0, min(rng.uniform(*THINK), until[0] - time.monotonic())))


def work(
    desk: Desk,
    port: int,
    database_url: str,
    start: threading.Barrier,
    until: list[float],
    thinking: bool,
    seed: int,
):
    rng = random.Random(seed)
    browser = Browser(port)
    try:
        sign_in(browser, desk.email, PASSWORD, database_url)
        status, _, page = browser.get(f"/cohorts/{desk.cohort_id}/enrol")
        token = csrf_token(page)
    except Exception as error:  # noqa: BLE001 (counted: the run must show no errors)
        desk.errors.append(f"sign-in: {error}")
        start.wait()
        return
    start.wait()
    # People do not all click in the same second: the first click comes after a first read.
    think(rng, thinking, until)
    n = 0
    while time.monotonic() < until[0]:
        kind = KINDS[n % len(KINDS)]
        n += 1
        form, headers = None, {}
        if kind == "cohort page":
            method, path, expected = "GET", f"/cohorts/{desk.cohort_id}", 200
        elif kind == "attendance mark":
            if not desk.pairs:
                continue
            session_id, enrolment_id = desk.pairs.pop()
            method, expected = "POST", 200
            path = f"/cohorts/{desk.cohort_id}/attendance/{session_id}/marks/{enrolment_id}"
            form, headers = {"csrf_token": token, "mark": "present"}, {"HX-Request": "true"}
        else:
            method, path, expected = "POST", f"/cohorts/{desk.cohort_id}/enrol", 303
            form = {
                "csrf_token": token,
                "name": f"부하 시험 {n}",
                "birth_date": "2000-05-17",
                "email": f"{desk.email.split('@')[0]}-t{n}@example.org",
            }
        began = time.perf_counter()
        try:
            status, _, _ = browser.request(method, path, form, headers=headers)
        except Exception as error:  # noqa: BLE001
            desk.errors.append(f"{path}: {error}")
            continue
        desk.latencies.setdefault(kind, []).append(time.perf_counter() - began)
        if status != expected:
            desk.errors.append(f"{path}: {status}")
        elif kind == "enrolment":
            desk.enrolled += 1
        elif kind == "attendance mark":
            desk.marked += 1
        think(rng, thinking, until)


def written(database_url: str, desks: list[Desk]) -> tuple[int, int]:
    """New enrolments and attendance marks on the benchmark cohorts, counted in the database."""
    ids = [d.cohort_id for d in desks]
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        enrolments = conn.scalar(
            sa.text("SELECT count(*) FROM enrolment WHERE cohort_id = ANY(:ids)"), {"ids": ids}
        )
        marks = conn.scalar(
            sa.text(
                "SELECT count(*) FROM attendance_mark m JOIN class_session s "
                "ON s.id = m.session_id WHERE s.cohort_id = ANY(:ids)"
            ),
            {"ids": ids},
        )
    engine.dispose()
    return enrolments - len(desks) * ROSTER, marks


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, help="scale generator size (default: the demo)")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--idle", type=int, default=15, help="seconds of one coordinator alone")
    parser.add_argument(
        "--no-think",
        action="store_true",
        help="stress mode: no think time, the saturation throughput",
    )
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    thinking = not args.no_think
    with scratch_database("bench_peak_term") as url:
        print(fill(url, args.trainees), flush=True)
        desks = prepare(url)
        # Its own account: signing one account in twice within a TOTP step is refused as a replay.
        solo = desks.pop()
        with gunicorn("wsgi:app", url) as port:
            # The same cycle, one coordinator alone, back to back: each page's idle latency.
            alone, until = threading.Barrier(2), [float("inf")]
            thread = threading.Thread(
                target=work, args=(solo, port, url, alone, until, False, args.seed)
            )
            thread.start()
            alone.wait()
            until[0] = time.monotonic() + args.idle
            thread.join()
            start = threading.Barrier(len(desks) + 1)
            until = [float("inf")]
            threads = [
                threading.Thread(
                    target=work, args=(desk, port, url, start, until, thinking, args.seed + n)
                )
                for n, desk in enumerate(desks)
            ]
            for thread in threads:
                thread.start()
            start.wait()  # everyone signed in: the minute starts now
            loads = [load_average()]
            began = time.monotonic()
            until[0] = began + args.seconds
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - began
            loads.append(load_average())
        enrolments, marks = written(url, [*desks, solo])
    report(desks, solo, elapsed, loads, args, (enrolments, marks))


def report(desks, solo, elapsed, loads, args, counted) -> None:
    errors = [e for d in (*desks, solo) for e in d.errors]
    enrolled = sum(d.enrolled for d in (*desks, solo))
    marked = sum(d.marked for d in (*desks, solo))
    load = {k: [t for d in desks for t in d.latencies.get(k, [])] for k in KINDS}
    idle = {k: solo.latencies.get(k, []) for k in KINDS}
    every = [t for times in load.values() for t in times]
    mode = (
        f"think time uniform {THINK[0]:g}–{THINK[1]:g} s"
        if not args.no_think
        else "stress: no think time"
    )
    print(
        f"\nPeak term, {machine()}; {describe_settings()}; {len(desks)} coordinators on "
        f"{CAMPUSES} campuses for {elapsed:.0f} s, {mode}; load average (1, 5, 15 min) "
        f"{loads[0]} at the start, {loads[1]} at the end"
    )
    print(
        f"requests {len(every) + len(errors):,} ({len(every) / elapsed:.1f}/s"
        + (", the saturation throughput)" if args.no_think else ")")
        + f": enrolments {enrolled:,}, attendance marks {marked:,}"
    )
    print(f"errors {len(errors)}" + (f" (first: {errors[:3]})" if errors else ""))
    print(
        f"{'page':16} {'idle n':>6} {'idle p50':>8} {'load n':>6} {'p50':>7} {'p95':>7} "
        f"{'max':>7} {'p95 ÷ idle p50':>14}"
    )
    met = True
    for kind in KINDS:
        idle_p50 = statistics.median(idle[kind]) if idle[kind] else float("nan")
        p95 = percentile(load[kind], 0.95)
        ratio = p95 / idle_p50
        met = met and ratio <= 3
        print(
            f"{kind:16} {len(idle[kind]):6} {idle_p50 * 1000:6.0f}ms {len(load[kind]):6} "
            f"{percentile(load[kind], 0.5) * 1000:5.0f}ms {p95 * 1000:5.0f}ms "
            f"{max(load[kind], default=0) * 1000:5.0f}ms {ratio:13.1f}×"
        )
    print(
        f"goal: every page's p95 under load ≤ 3× its idle p50: {'met' if met else 'NOT met'}"
        + (" (stress mode: the goal is about people; see README)" if args.no_think else "")
    )
    enrolments, marks = counted
    lost = (enrolled - enrolments, marked - marks)
    print(
        f"in the database: enrolments {enrolments:,}, attendance marks {marks:,}: "
        + ("no lost writes" if lost == (0, 0) else f"MISMATCH {lost}")
    )
    if errors or lost != (0, 0):
        sys.exit(1)


if __name__ == "__main__":
    main()
