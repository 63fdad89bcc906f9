"""What the scale benchmarks share: a PostgreSQL database holding five years at the 2030 rate
(academy.scale, 50,000 trainees), the app on it, signed-in test clients, and the heaviest pages.

The database is built once and kept (about three minutes to build): BENCH_DB names it (default
bench_scale_50000) on the server DATABASE_URL names; BENCH_REBUILD=1 builds it again. Not a test.
"""

import os
import sys
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from academy import create_app  # noqa: E402
from academy.extensions import db  # noqa: E402
from config import TestConfig  # noqa: E402

TRAINEES = 50_000
YEAR = 2030
AS_OF = date(2031, 9, 1)  # every 2030 cohort's figures are final


def scale_app(trainees: int = TRAINEES):
    """The app on the benchmark database, building the database first when it is missing."""
    server = os.environ.get("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    if not server.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server.")
    os.environ.pop("DATABASE_URL", None)  # TestConfig would read it
    url = sa.make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
    name = os.environ.get("BENCH_DB", f"bench_scale_{trainees}")
    rebuild = os.environ.get("BENCH_REBUILD") == "1"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists and rebuild:
            conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or rebuild:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = url.set(database=name).render_as_string(hide_password=False)
    config.SQLALCHEMY_ENGINE_OPTIONS = {}
    app = create_app(config)
    with app.app_context():
        if not exists or rebuild:
            from flask_migrate import upgrade

            from academy.scale import load_scale

            upgrade(revision="heads")
            print(f"building {trainees:,} trainees in {name} …", flush=True)
            print(load_scale(trainees, last_year=YEAR).describe(), flush=True)
        count = db.session.scalar(sa.text("SELECT count(*) FROM trainee"))
        print(f"database {name}: {count:,} trainees", flush=True)
        db.session.remove()
    return app


def signed_in(app, email: str):
    """A test client carrying the session a completed sign-in gives (password and, for staff,
    the second factor): the benchmarks measure pages, not the sign-in."""
    from academy.models import User

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if hasattr(user, "totp_enrolled_at") and user.totp_enrolled_at is None:
            import pyotp

            user.totp_secret = pyotp.random_base32()
            user.totp_enrolled_at = sa.func.now()
            db.session.commit()
        key = user.get_id()
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session:
        now = int(time.time())
        session.update(_user_id=key, _fresh=True, signed_in_at=now, seen_at=now)
    return client


def heavy_pages(app) -> list[tuple[str, str, str]]:
    """(name, e-mail, URL) of the pages each role opens most, on the busiest records."""
    from academy.models import Campus, Cohort, Enrolment, User

    with app.app_context():
        coordinator = db.session.scalar(
            sa.select(User).where(User.email == "coordinator@example.com")
        )
        campus_id = coordinator.campus_id
        campus_cohorts = sa.select(Cohort).where(Cohort.campus_id == campus_id)
        closed = db.session.scalar(
            campus_cohorts.where(Cohort.closed_on.is_not(None)).order_by(Cohort.ends_on.desc())
        )
        running = (
            db.session.scalar(
                campus_cohorts.where(Cohort.closed_on.is_(None)).order_by(Cohort.ends_on)
            )
            or closed
        )
        day = db.session.scalar(
            sa.text(
                "SELECT max(s.held_on) FROM class_session s JOIN attendance_mark m "
                "ON m.session_id = s.id WHERE s.cohort_id = :c"
            ),
            {"c": running.id},
        )
        trainee_id = db.session.scalar(
            sa.select(Enrolment.trainee_id).where(Enrolment.cohort_id == closed.id).limit(1)
        )
        big_campus = db.session.scalar(sa.select(Campus.id).order_by(Campus.id))
        db.session.remove()
    official, coord = "official@example.com", "coordinator@example.com"
    return [
        ("official: citywide dashboard", official, f"/dashboard/?year={YEAR}&as_of={AS_OF}"),
        ("official: campus dashboard", official, f"/dashboard/campus/{big_campus}?year={YEAR}"),
        ("official: campuses overview", official, "/campuses/"),
        ("official: cohort list", official, f"/cohorts/?year={YEAR}"),
        ("official: KPI JSON", official, f"/api/v1/kpi?year={YEAR}"),
        ("coordinator: campus page", coord, f"/campuses/{campus_id}"),
        ("coordinator: cohort list", coord, "/cohorts/"),
        ("coordinator: cohort page (closed)", coord, f"/cohorts/{closed.id}"),
        ("coordinator: cohort page (running)", coord, f"/cohorts/{running.id}"),
        ("coordinator: attendance sheet", coord, f"/cohorts/{running.id}/attendance?day={day}"),
        ("coordinator: trainee record", coord, f"/trainees/{trainee_id}"),
        ("coordinator: verification queue", coord, f"/outcomes/campuses/{campus_id}/queue"),
        ("coordinator: follow-up list", coord, f"/outcomes/campuses/{campus_id}/follow-up"),
        ("coordinator: subsidy queue", coord, "/subsidies/claims"),
        ("coordinator: internships", coord, "/internships/"),
        ("coordinator: instructors", coord, "/instructors/"),
        ("trainee: own record", "trainee@example.com", "/trainees/me"),
        ("instructor: own cohorts", "instructor@example.com", "/instructors/me"),
    ]
