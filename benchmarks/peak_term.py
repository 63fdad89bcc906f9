"""Peak-term load: 50 coordinators at once, on ten campuses, enrolling trainees and marking
attendance through the real HTTP server (gunicorn on 127.0.0.1) for 60 seconds.

Each coordinator signs in (password, then the TOTP code staff need), takes the CSRF token from
the enrolment form, and then alternates: enrol a new trainee (the enrolment form, 303 expected),
mark one trainee of their cohort for one session day (the attendance sheet's htmx click, 200
expected). Every (session, trainee) pair is marked once, so each successful click adds exactly one
row. Afterwards the database must hold exactly as many new enrolments and attendance marks as
the server acknowledged (no lost writes), and no request may have failed. Before the minute,
one coordinator alone runs the same cycle for --idle seconds: the goal is a p95 under load of at
most 3× that idle p50 (and 0 errors, 0 lost writes).

Usage (builds and drops a database of its own, bench_peak_term_<pid>_<random>, on the
server DATABASE_URL names):
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/peak_term.py [--trainees 50000] [--seconds 60]
"""

import argparse
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


@dataclass
class Desk:
    """One coordinator's cohort, the trainees and days to mark, and what the server confirmed."""

    email: str
    cohort_id: int
    pairs: list[tuple[int, int]]  # (session id, enrolment id), each marked once
    enrolled: int = 0
    marked: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)


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


def work(desk: Desk, port: int, database_url: str, start: threading.Barrier, until: list[float]):
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
    n = 0
    while time.monotonic() < until[0]:
        n += 1
        if n % 2:
            path = f"/cohorts/{desk.cohort_id}/enrol"
            form = {
                "csrf_token": token,
                "name": f"부하 시험 {n}",
                "birth_date": "2000-05-17",
                "email": f"{desk.email.split('@')[0]}-t{n}@example.org",
            }
            expected, headers = 303, {}
        else:
            if not desk.pairs:
                continue
            session_id, enrolment_id = desk.pairs.pop()
            path = f"/cohorts/{desk.cohort_id}/attendance/{session_id}/marks/{enrolment_id}"
            form = {"csrf_token": token, "mark": "present"}
            expected, headers = 200, {"HX-Request": "true"}
        began = time.perf_counter()
        try:
            status, _, _ = browser.post(path, form, headers=headers)
        except Exception as error:  # noqa: BLE001
            desk.errors.append(f"{path}: {error}")
            continue
        desk.latencies.append(time.perf_counter() - began)
        if status != expected:
            desk.errors.append(f"{path}: {status}")
        elif n % 2:
            desk.enrolled += 1
        else:
            desk.marked += 1


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, help="scale generator size (default: the demo)")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--idle", type=int, default=15, help="seconds of one coordinator alone")
    args = parser.parse_args()
    with scratch_database("bench_peak_term") as url:
        print(fill(url, args.trainees), flush=True)
        desks = prepare(url)
        # Its own account: signing one account in twice within a TOTP step is refused as a replay.
        solo = desks.pop()
        with gunicorn("wsgi:app", url) as port:
            # The same cycle, one coordinator alone: the latency the load is compared with.
            alone, until = threading.Barrier(2), [float("inf")]
            thread = threading.Thread(target=work, args=(solo, port, url, alone, until))
            thread.start()
            alone.wait()
            until[0] = time.monotonic() + args.idle
            thread.join()
            idle = solo.latencies
            start = threading.Barrier(len(desks) + 1)
            until = [float("inf")]
            threads = [
                threading.Thread(target=work, args=(desk, port, url, start, until))
                for desk in desks
            ]
            for thread in threads:
                thread.start()
            start.wait()  # everyone signed in: the minute starts now
            began = time.monotonic()
            until[0] = began + args.seconds
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - began
        enrolments, marks = written(url, [*desks, solo])
    latencies = [t for d in desks for t in d.latencies]
    errors = [e for d in (*desks, solo) for e in d.errors]
    enrolled = sum(d.enrolled for d in (*desks, solo))
    marked = sum(d.marked for d in (*desks, solo))
    print(
        f"\nPeak term, {machine()}; {describe_settings()}; {len(desks)} coordinators on "
        f"{CAMPUSES} campuses for {elapsed:.0f} s"
    )
    print(
        f"requests {len(latencies) + len(errors):,} ({len(latencies) / elapsed:.1f}/s): "
        f"enrolments {enrolled:,}, attendance marks {marked:,}"
    )
    print(f"errors {len(errors)}" + (f" (first: {errors[:3]})" if errors else ""))
    print(
        f"latency p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
        f"max {max(latencies, default=0) * 1000:.0f} ms"
    )
    idle_p50, p95 = percentile(idle, 0.5), percentile(latencies, 0.95)
    print(
        f"one coordinator alone ({len(idle)} requests): p50 {idle_p50 * 1000:.0f} ms; "
        f"p95 under load {p95 / idle_p50:.1f}× that (goal ≤ 3×: "
        f"{'met' if p95 <= 3 * idle_p50 else 'NOT met'})"
    )
    lost = (enrolled - enrolments, marked - marks)
    print(
        f"in the database: enrolments {enrolments:,}, attendance marks {marks:,}: "
        + ("no lost writes" if lost == (0, 0) else f"MISMATCH {lost}")
    )
    if errors or lost != (0, 0):
        sys.exit(1)


if __name__ == "__main__":
    main()
