"""Two servers, one worker: the app as the city runs it (README, "Production").

Two gunicorn instances with their own instance folders share PostgreSQL, Redis (the queue and the
sign-in limits) and an S3 bucket (moto's server), and one worker process does the background
work. A roster previewed on server A is committed on server B; evidence uploaded on A downloads
on B; a report asked for on A appears in B's archive. Nothing is shared through a local folder.
"""

import io
import os
import re
import secrets
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pyotp
import pytest
import redis
import requests
import sqlalchemy as sa

from academy import reference
from academy.auth.passwords import hash_password
from academy.extensions import db
from academy.models import ArchivedReport, Campus, Cohort, Course, Enrolment, Level, Role, User
from tests.conftest import TEST_PASSWORD
from tests.databases import config_for, preserve_logging
from tests.factories import EVIDENCE_PDF
from tests.jobs.worker_process import rebind
from tests.s3 import free_port, s3_settings

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REDIS_URL = "redis://127.0.0.1:6379/0"
PDF = EVIDENCE_PDF  # a PDF that parses: evidence is checked by structure
CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'type="hidden" name="csrf_token" value="([^"]+)"'
)


def postgres_server() -> str | None:
    url = os.environ.get("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    if not url.startswith("postgresql"):
        return None
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
    except sa.exc.OperationalError:
        return None
    return url


def redis_answers() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def database():
    server = postgres_server()
    if server is None or not redis_answers():
        pytest.skip("needs PostgreSQL and Redis (both run on this machine and in CI)")
    name = f"test_two_servers_{os.getpid()}"
    admin = sa.create_engine(
        sa.make_url(server).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def roster(n: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["이름", "생년월일", "이메일", "휴대전화"])
    for i in range(n):
        sheet.append([f"교육생{i}", date(1998, 1, 1 + i), f"two{i}@example.org", f"010{i:08d}"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class Browser:
    """One person's browser: one cookie jar, whichever server it talks to."""

    def __init__(self):
        self.session = requests.Session()

    def get(self, url, **kwargs):
        return self.session.get(url, allow_redirects=False, timeout=60, **kwargs)

    def post(self, url, page_url=None, data=None, files=None):
        token = csrf_of(self.get(page_url or url).text)
        return self.session.post(
            url,
            data={**(data or {}), "csrf_token": token},
            files=files,
            allow_redirects=False,
            timeout=60,
        )

    def sign_in(self, server, email, secret=None):
        answer = self.post(f"{server}/login", data={"email": email, "password": TEST_PASSWORD})
        assert answer.status_code == 302, answer.text[:500]
        if secret:
            answer = self.post(f"{server}/login/code", data={"code": pyotp.TOTP(secret).now()})
            assert answer.status_code == 303, answer.text[:500]


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def wait_for(predicate, timeout=120, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_two_servers_share_imports_evidence_and_reports(app, database, moto_endpoint, tmp_path):
    suite_app = app
    s3 = s3_settings(moto_endpoint)
    queue_name = f"academy-two-servers-{secrets.token_hex(4)}"
    coordinator_secret, official_secret = pyotp.random_base32(), pyotp.random_base32()
    env = {
        **os.environ,
        **s3,
        "ACADEMY_ENV": "development",  # cookies without Secure: the test speaks plain HTTP
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
        "QUEUE_NAME": queue_name,
        "LOG_FORMAT": "json",
        "WEB_CONCURRENCY": "1",
    }
    for name in ("UPLOAD_FOLDER", "STAGING_FOLDER", "REPORT_FOLDER", "QUEUE_URL"):
        env.pop(name, None)
    init = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "academy", "init"],
        cwd=ROOT,
        env={**env, "ACADEMY_INSTANCE_DIR": str(tmp_path / "init")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert init.returncode == 0, init.stderr[-2000:]

    with preserve_logging():
        setup = config_for(database)
        from academy import create_app

        app = create_app(setup)
    with app.app_context():
        campus = db.session.scalar(sa.select(Campus).order_by(Campus.id))
        course = Course(campus=campus, name="AI 기초", level=Level.BEGINNER)
        cohort = Cohort(
            code="TWO-2025-01",
            campus=campus,
            course=course,
            capacity=30,
            starts_on=date(2025, 3, 3),
            ends_on=date(2025, 7, 18),
        )
        password = hash_password(TEST_PASSWORD)
        db.session.add_all(
            [
                cohort,
                User(
                    email="coordinator@two.example",
                    name="매니저",
                    role=Role.COORDINATOR,
                    campus=campus,
                    password_hash=password,
                    totp_secret=coordinator_secret,
                    totp_enrolled_at=datetime(2025, 1, 2),
                ),
                User(
                    email="official@two.example",
                    name="주무관",
                    role=Role.OFFICIAL,
                    password_hash=password,
                    totp_secret=official_secret,
                    totp_enrolled_at=datetime(2025, 1, 2),
                ),
            ]
        )
        db.session.commit()
        cohort_id, campus_id = cohort.id, campus.id
        reference.load_reference_data()

    processes = []
    logs = {}
    try:
        servers = []
        for label in ("a", "b"):
            port = free_port()
            logs[label] = (tmp_path / f"server-{label}.log").open("wb")
            instance = tmp_path / f"instance-{label}"
            processes.append(
                subprocess.Popen(
                    [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                    cwd=ROOT,
                    env={**env, "PORT": str(port), "ACADEMY_INSTANCE_DIR": str(instance)},
                    stdout=logs[label],
                    stderr=subprocess.STDOUT,
                )
            )
            servers.append(f"http://127.0.0.1:{port}")
        logs["worker"] = (tmp_path / "worker.log").open("wb")
        processes.append(
            subprocess.Popen(
                [str(BIN / "flask"), "--app", "wsgi", "academy", "worker"],
                cwd=ROOT,
                env={**env, "ACADEMY_INSTANCE_DIR": str(tmp_path / "instance-worker")},
                stdout=logs["worker"],
                stderr=subprocess.STDOUT,
            )
        )
        a, b = servers

        def up(server):
            try:
                return requests.get(f"{server}/healthz", timeout=2).json()
            except (requests.RequestException, ValueError):
                return None

        health = wait_for(lambda: up(a) and up(b) and up(a), what="both servers")
        assert health["queue_backend"] == "redis" and health["storage_backend"] == "s3"
        assert (health["queue"], health["storage"]) == ("ok", "ok")

        # A roster previewed on A is committed on B.
        coordinator = Browser()
        coordinator.sign_in(a, "coordinator@two.example", coordinator_secret)
        upload = coordinator.post(
            f"{a}/cohorts/{cohort_id}/roster/import", files={"file": ("명단.xlsx", roster(5))}
        )
        assert upload.status_code == 303, upload.text[:800]
        staged_path = upload.headers["Location"]
        preview = wait_for(
            lambda: "/commit" in (page := coordinator.get(b + staged_path).text) and page,
            what="the preview on B",
        )
        assert "two4@example.org" in preview
        commit = coordinator.post(f"{b}{staged_path}/commit", page_url=b + staged_path)
        assert commit.status_code == 303
        wait_for(
            lambda: "notice--success" in coordinator.get(a + staged_path).text,
            what="the commit, seen on A",
        )
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 5

        # Evidence uploaded on A downloads on B.
        instructor = Browser()
        with app.app_context():
            from academy.models import Instructor

            user = User(
                email="instructor@two.example",
                name="강사",
                role=Role.INSTRUCTOR,
                campus_id=campus_id,
                password_hash=password,
            )
            db.session.add_all([user, Instructor(user=user, campus_id=campus_id)])
            db.session.commit()
        instructor.sign_in(a, "instructor@two.example")
        added = instructor.post(
            f"{a}/instructors/me/careers",
            page_url=f"{a}/instructors/me",
            data={
                "employer": "서울데이터랩",
                "role_title": "엔지니어",
                "field": "software",
                "starts_on": "2021-04-01",
                "ends_on": "",
            },
            files={"evidence": ("경력증명서.pdf", PDF, "application/pdf")},
        )
        assert added.status_code == 303, added.text[:800]
        with app.app_context():
            from academy.models import CareerPeriod

            period_id = db.session.scalar(sa.select(CareerPeriod.id))
        evidence = instructor.get(f"{b}/instructors/careers/{period_id}/evidence")
        assert evidence.status_code == 200 and evidence.content == PDF

        # A report asked for on A appears in B's archive, and downloads there.
        official = Browser()
        official.sign_in(a, "official@two.example", official_secret)
        asked = official.post(f"{a}/reports/", data={"format": "xlsx", "year": "2025"})
        assert asked.status_code == 303, asked.text[:800]
        job_id = asked.headers["Location"].rsplit("job=", 1)[1]
        done = wait_for(
            lambda: (r := official.get(f"{b}/reports/jobs/{job_id}")).status_code == 303 and r,
            what="the report",
        )
        download = official.get(b + done.headers["Location"])
        assert download.status_code == 200 and download.content[:2] == b"PK"
        with app.app_context():
            row = db.session.scalar(sa.select(ArchivedReport))
            assert row.storage_key and row.content is None
        assert row.sha256[:12] in official.get(f"{b}/reports/").text
        # Nothing went through a local folder of either server.
        for label in ("a", "b"):
            for area in ("uploads", "staging", "reports"):
                folder = tmp_path / f"instance-{label}" / area
                assert not folder.exists() or not any(folder.iterdir()), (label, area)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.close()
        redis.Redis.from_url(REDIS_URL).delete(
            *[
                f"huey.redis.{queue_name}",
                f"huey.results.{queue_name}",
                f"huey.schedule.{queue_name}",
            ]
        )
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        rebind(suite_app)
