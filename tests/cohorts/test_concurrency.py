"""Two coordinators take the last seat at the same moment: exactly one gets it.

Real concurrent connections: each coordinator works in a thread with its own app context, so its
own database connection, against a database of its own (PostgreSQL when DATABASE_URL names one,
else a SQLite file: the suite's in-memory database has a single shared connection). The seat
count is slowed down so that, without the cohort's lock, both would read "one seat free".
"""

import threading
import time
from datetime import date

import pytest

from academy import create_app
from academy.cohorts import enrolment as enrolment_service
from academy.cohorts.enrolment import TraineeData, enrol
from academy.extensions import db
from academy.models import (
    Campus,
    Cohort,
    Course,
    Enrolment,
    EnrolmentStatus,
    Level,
    Role,
    Trainee,
    User,
)
from tests.databases import config_for, fresh_database, preserve_logging


@pytest.fixture
def own_database(tmp_path):
    with fresh_database(tmp_path) as url, preserve_logging():
        app = create_app(config_for(url))
        with app.app_context():
            db.create_all()
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def test_two_coordinators_taking_the_last_seat_exactly_one_gets_it(own_database, monkeypatch):
    app = own_database
    with app.app_context():
        campus = Campus(name="동시캠퍼스", kind="district", district="동시구", floor_area_m2=500)
        course = Course(campus=campus, name="AI 기초", level=Level.BEGINNER)
        cohort = Cohort(
            code="RACE-2025-01",
            campus=campus,
            course=course,
            capacity=1,
            starts_on=date(2025, 3, 3),
            ends_on=date(2025, 7, 18),
        )
        db.session.add(cohort)
        for n in range(2):  # known people: nothing is inserted before the seats are counted
            user = User(email=f"racer{n}@example.com", name=f"경쟁자{n}", role=Role.TRAINEE)
            db.session.add(Trainee(user=user, birth_date=date(2000, 1, 1)))
        db.session.commit()
        cohort_id = cohort.id
        dialect = db.engine.dialect.name

    counted = enrolment_service.seats_taken

    def slow_count(cohort_id):
        taken = counted(cohort_id)
        time.sleep(0.5)  # both would now believe the seat is free, were it not for the lock
        return taken

    monkeypatch.setattr(enrolment_service, "seats_taken", slow_count)
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def coordinator(email: str) -> None:
        with app.app_context():
            try:
                target = db.session.get(Cohort, cohort_id)
                start.wait()
                result = enrol(target, TraineeData("경쟁자", date(2000, 1, 1), email), by=None)

                outcomes[email] = result.status
            except Exception as error:  # noqa: BLE001  (reported by the assertion below)
                outcomes[email] = error
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=coordinator, args=(f"racer{n}@example.com",)) for n in range(2)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    elapsed = time.perf_counter() - began

    assert sorted(map(str, outcomes.values())) == ["enrolled", "waitlisted"], outcomes
    assert elapsed >= 1.0, "the second coordinator did not wait for the first"
    with app.app_context():
        rows = db.session.query(Enrolment.status, Enrolment.waitlist_position).all()
        assert sorted(rows) == [(EnrolmentStatus.ENROLLED, None), (EnrolmentStatus.WAITLISTED, 1)]
        assert db.engine.dialect.name == dialect


@pytest.mark.skipif(
    "not __import__('os').environ.get('DATABASE_URL')",
    reason="the PostgreSQL run proves it with PostgreSQL's row locks",
)
def test_the_concurrent_test_runs_on_postgresql_when_the_suite_does(own_database):
    with own_database.app_context():
        assert db.engine.dialect.name == "postgresql"
