"""A 10,000-row roster shows its progress and completes, checked and written by a real worker
process while the page polls.

The worker needs a database it shares with the requests, so this test has its own (a SQLite
file, or a PostgreSQL database of its own in the PostgreSQL run) rather than the suite's
single-connection in-memory one, and a queue file both processes read.
"""

import io
import time
from datetime import date, datetime

import openpyxl
import pyotp
import pytest
import sqlalchemy as sa

from academy.auth.passwords import hash_password
from academy.extensions import db
from academy.models import Campus, Cohort, Course, Enrolment, Job, JobState, Level, Role, User
from tests.conftest import TEST_PASSWORD
from tests.databases import fresh_database, preserve_logging
from tests.jobs.worker_process import rebind, shared_app, worker

ROWS = 10_000
TOTP_SECRET = pyotp.random_base32()  # staff sign in with a second factor


def big_roster(n: int) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["연번", "이름", "생년월일", "이메일", "휴대전화", "취약계층"])
    for i in range(n):
        sheet.append(
            [
                i + 1,
                f"교육생{i:05d}",
                date(1995 + i % 10, 1 + i % 12, 1 + i % 28),
                f"trainee{i:05d}@example.org",
                f"010{i:08d}",
                "N",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def own_app(app, tmp_path):
    suite_app = app
    with fresh_database(tmp_path) as url, preserve_logging():
        app = shared_app(url, tmp_path)
        app.config["DATABASE_URL_FOR_WORKER"] = url
        with app.app_context():
            db.create_all()
            campus = Campus(
                name="대용량캠퍼스", kind="district", district="대용량구", floor_area_m2=2237
            )
            course = Course(campus=campus, name="AI 기초", level=Level.BEGINNER)
            db.session.add_all(
                [
                    Cohort(
                        code="BIG-2025-01",
                        campus=campus,
                        course=course,
                        starts_on=date(2025, 3, 3),
                        ends_on=date(2025, 7, 18),
                        capacity=ROWS,
                    ),
                    User(
                        email="coordinator@example.com",
                        name="매니저",
                        role=Role.COORDINATOR,
                        campus=campus,
                        password_hash=hash_password(TEST_PASSWORD),
                        totp_secret=TOTP_SECRET,
                        totp_enrolled_at=datetime(2025, 1, 2),
                    ),
                ]
            )
            db.session.commit()
        try:
            with worker(url, tmp_path):
                yield app
        finally:
            rebind(suite_app)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def follow(client, url, seen: list[str], timeout: float = 120) -> str:
    """Poll the staged page as htmx does until its job is no longer running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        html = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
        seen.append(html)
        if "<progress" not in html:
            return html
        time.sleep(0.2)
    raise AssertionError("the import did not finish")


def test_a_10000_row_roster_shows_progress_and_completes(own_app):
    client = own_app.test_client()
    login = client.post(
        "/login", data={"email": "coordinator@example.com", "password": TEST_PASSWORD}
    )
    assert login.status_code == 302
    code = client.post("/login/code", data={"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert code.status_code == 303
    with own_app.app_context():
        cohort_id = db.session.scalar(sa.select(Cohort.id))
    uploaded = client.post(
        f"/cohorts/{cohort_id}/roster/import",
        data={"file": (io.BytesIO(big_roster(ROWS)), "명단_1만명.xlsx")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 303
    url = uploaded.headers["Location"]
    seen: list[str] = []
    preview = follow(client, url, seen)
    assert any("<progress" in html for html in seen), "no progress was shown while checking"
    assert 'hx-trigger="every 1s"' in seen[0]
    assert "/commit" in preview and "10,000" in preview

    committed = client.post(url + "/commit")
    assert committed.status_code == 303
    writing: list[str] = []
    result = follow(client, url, writing)
    assert any("<progress" in html for html in writing), "no progress was shown while writing"
    assert "notice--success" in result
    with own_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == ROWS
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == ROWS + 1
        # The page reads the import's own record, which the job finishes a moment before the
        # worker marks the job row done: on a loaded machine that moment can be seconds.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            db.session.rollback()
            states = db.session.scalars(sa.select(Job.state)).all()
            if all(state is not JobState.RUNNING for state in states):
                break
            time.sleep(0.2)
        jobs = db.session.scalars(sa.select(Job).order_by(Job.id)).all()
        assert [(j.kind, j.params["step"], j.state) for j in jobs] == [
            ("cohort_import", "check", JobState.DONE),
            ("cohort_import", "commit", JobState.DONE),
        ]
        assert jobs[1].progress_done == jobs[1].progress_total > 0
