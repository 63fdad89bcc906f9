"""The outside review's attacks (issue 13), kept as tests against a real gunicorn.

The module starts gunicorn with the production settings (gunicorn.conf.py, ACADEMY_ENV unset:
CSRF on, Secure cookies, HSTS) on a database of its own (SQLite file, or a PostgreSQL database
on the PostgreSQL run), seeded with two campuses, a coordinator of each, an administrator and two
trainees. Requests go over plain sockets: malformed ones byte for byte, the others through a
small client that keeps the session cookie and the CSRF token as a browser would.
"""

import os
import re
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pyotp
import pytest
import sqlalchemy as sa

from academy import create_app
from academy.auth.passwords import hash_password
from academy.extensions import db
from academy.models import (
    AccessLog,
    ClaimStatus,
    Enrolment,
    EnrolmentStatus,
    OutcomeCode,
    Role,
)
from tests import factories
from tests.databases import config_for, fresh_database

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery"
SECRET_EMPLOYER = "비밀고용주식회사"
SECRET_CERTIFICATION = "캠퍼스1전용자격"
SECRET_PHONE = "010-9876-5432"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": ?"([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raw(port: int, payload: bytes, timeout: float = 10) -> bytes:
    """Send bytes as they are and read the answer until the server closes or goes quiet."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(payload)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
        return b"".join(chunks)


class Browser:
    """Cookies and CSRF tokens over raw HTTP/1.1 (the cookies are Secure: a stock client would
    not send them back over plain HTTP, the proxy's TLS being out of the picture here)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(
        self,
        method: str,
        path: str,
        form: dict | None = None,
        headers=None,
        body: bytes | None = None,
        content_type: str | None = None,
    ):
        if body is None:
            body = urlencode(form or {}).encode() if method == "POST" else b""
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            lines += [
                f"Content-Type: {content_type or 'application/x-www-form-urlencoded'}",
                f"Content-Length: {len(body)}",
            ]
            if self.csrf:
                lines.append(f"X-CSRFToken: {self.csrf}")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        answer = raw(self.port, ("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head, _, content = answer.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        found = {}
        for line in header_lines:
            name, _, value = line.partition(": ")
            found.setdefault(name.lower(), value)
            if name.lower() == "set-cookie":
                cookie, _, _ = value.partition(";")
                key, _, val = cookie.partition("=")
                self.cookies[key] = val
        if b"chunked" in found.get("transfer-encoding", "").encode():
            content = _unchunk(content)
        text = content.decode("utf-8", "replace")
        token = CSRF.search(text)
        if token:
            self.csrf = token.group(1) or token.group(2)
        return status, found, text

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, form=None, **kw):
        return self.request("POST", path, form={"csrf_token": self.csrf, **(form or {})}, **kw)

    def post_file(self, path, form: dict, field: str, filename: str, data: bytes):
        boundary = "----attack" + os.urandom(8).hex()
        parts = []
        for name, value in {"csrf_token": self.csrf, **form}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                f"\r\n\r\n{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            path,
            body=b"".join(parts),
            content_type=f"multipart/form-data; boundary={boundary}",
        )

    def sign_in(self, email: str, totp_secret: str | None):
        self.get("/login")
        status, headers, _ = self.post("/login", {"email": email, "password": PASSWORD})
        assert status == 302, status
        if headers["location"].startswith("/login/code"):
            self.get("/login/code")
            code = pyotp.TOTP(totp_secret).now()
            status, _, _ = self.post("/login/code", {"code": code})
            assert status == 303, status
        return self


def _unchunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, data = out + rest[:size], rest[size + 2 :]
    return out


def _seed() -> dict:
    """Two campuses, a coordinator and a cohort at each, an administrator; trainee A with a
    finished cohort at campus 1 (outcome, exam, subsidy claim recorded there); trainee B."""
    campus1, campus2 = factories.CampusFactory(), factories.CampusFactory()
    staff = {}
    for name, role, campus in (
        ("coordinator1", Role.COORDINATOR, campus1),
        ("coordinator2", Role.COORDINATOR, campus2),
        ("admin", Role.ADMIN, None),
    ):
        staff[name] = factories.UserFactory(
            role=role,
            campus=campus,
            email=f"{name}@example.com",
            password_hash=hash_password(PASSWORD),
        )
    finished = factories.CohortFactory(campus=campus1, starts_on=date(2025, 3, 3))
    trainee_a = factories.TraineeFactory(birth_date=date(1999, 4, 13), phone=SECRET_PHONE)
    outcome = factories.OutcomeRecordFactory(
        enrolment__cohort=finished,
        enrolment__trainee=trainee_a,
        code=OutcomeCode.E1,
        employer=SECRET_EMPLOYER,
        monthly_pay=4_321_000,
    )
    certification = factories.CertificationFactory(name=SECRET_CERTIFICATION)
    attempt = factories.ExamAttemptFactory(
        trainee=trainee_a, cohort=finished, certification=certification
    )
    factories.SubsidyClaimFactory(
        exam_attempt=attempt, campus=campus1, status=ClaimStatus.SUBMITTED
    )
    today = date.today()
    upcoming = factories.CohortFactory(
        campus=campus2, starts_on=today + timedelta(days=30), capacity=10
    )
    closed = factories.CohortFactory(
        campus=campus2, starts_on=date(2024, 3, 4), closed_on=date(2024, 8, 30)
    )
    trainee_b = factories.EnrolmentFactory(cohort=upcoming).trainee
    course2 = factories.CourseFactory(campus=campus2)
    ended = date.today() - timedelta(days=60)
    reporting = factories.EnrolmentFactory(
        cohort=factories.CohortFactory(
            campus=campus1, starts_on=ended - timedelta(weeks=20), ends_on=ended
        ),
        status=EnrolmentStatus.COMPLETED,
        trainee__user__email="reporter@example.com",
        trainee__user__password_hash=hash_password(PASSWORD),
    )
    db.session.commit()
    return {
        "totp": {name: user.totp_secret for name, user in staff.items()},
        "trainee_a": (trainee_a.id, trainee_a.user.email, trainee_a.birth_date),
        "trainee_a_enrolment": outcome.enrolment_id,
        "trainee_b_email": trainee_b.user.email,
        "upcoming": upcoming.id,
        "closed": closed.id,
        "course2": course2.id,
        "reporting_enrolment": reporting.id,
        "campus1": campus1.id,
    }


@pytest.fixture(scope="module")
def served(tmp_path_factory, app):
    """gunicorn on a database of its own; yields (port, seeded facts, log path, seeding app)."""
    tmp = tmp_path_factory.mktemp("attack")
    with fresh_database(tmp, "attack") as url:
        seeding = create_app(config_for(url))
        with seeding.app_context():
            db.create_all()
            facts = _seed()
        port = _free_port()
        env = {
            **os.environ,
            "SECRET_KEY": "attack-suite-secret-key-0123456789",
            "DATABASE_URL": url,
            "ACADEMY_INSTANCE_DIR": str(tmp),
            "PORT": str(port),
            "WEB_CONCURRENCY": "1",
            "GUNICORN_TIMEOUT": "30",
            "UPLOAD_FOLDER": str(tmp / "uploads"),
            "STAGING_FOLDER": str(tmp / "staging"),
        }
        for name in ("ACADEMY_ENV", "MAIL_SERVER", "PUBLIC_BASE_URL", "REDIS_URL"):
            env.pop(name, None)
        log = tmp / "gunicorn.log"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with log.open("wb") as out:
            server = subprocess.Popen(
                [str(gunicorn), "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            try:
                deadline = time.monotonic() + 60
                while b"200 OK" not in _health(port):
                    assert server.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.3)
                yield port, facts, log, seeding
            finally:
                server.terminate()
                server.wait(timeout=30)
        with seeding.app_context():
            db.session.remove()
            db.engine.dispose()


def _health(port: int) -> bytes:
    try:
        return raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5)
    except OSError:
        return b""


@pytest.fixture(scope="module")
def coordinator2(served):
    port, facts, _, _ = served
    return Browser(port).sign_in("coordinator2@example.com", facts["totp"]["coordinator2"])


@pytest.fixture(scope="module")
def admin(served):
    port, facts, _, _ = served
    return Browser(port).sign_in("admin@example.com", facts["totp"]["admin"])


MALFORMED = {
    "content-length not a number": (
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"
    ),
    "two content-lengths": (
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"
    ),
    "content-length and chunked": (
        b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    ),
    "gzip transfer-encoding": (
        b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc"
    ),
    "no request line at all": b"\x00\x01\x02 garbage\r\n\r\n",
}


def test_malformed_requests_are_refused_and_the_worker_keeps_serving(served):
    """Item 3: each of these killed a gunicorn worker (the access logger crashed on gunicorn's
    error path); the next request waited 11 s for a new one."""
    port, _, log, _ = served
    for name, payload in MALFORMED.items():
        answer = raw(port, payload)
        assert answer.startswith(b"HTTP/1.1 400"), (name, answer[:100])
        started = time.monotonic()
        assert b"200 OK" in _health(port), name
        assert time.monotonic() - started < 2, name
    written = log.read_text()
    assert "exited with code" not in written and "Traceback" not in written, written[-3000:]


def test_hostile_ids_pages_and_filters_are_a_404_or_a_400(served, admin, coordinator2):
    """Item 5, as the review sent them: ids beyond the database's integer, huge pages (the
    production error page of this one failed too), far dates, unknown values, NUL bytes."""
    port, facts, log, _ = served
    refused = [
        (admin, f"/trainees/{2**31}"),
        (admin, f"/cohorts/{2**63}"),
        (admin, f"/admin/accounts/{10**20}"),
        (admin, "/admin/access-log?page=99999999999999999999"),
        (admin, "/cohorts/?page=99999999999999999999"),
        (admin, "/api/v1/kpi?as_of=9999-12-31"),
        (admin, "/subsidies/claims?status=bogus&page=99999999999999999999"),
        (admin, "/admin/access-log?account=a%00b"),
        (admin, "/cohorts/?year=2025%00"),
        (admin, f"/campuses/{2**31}?year=2025"),
        (coordinator2, f"/cohorts/{facts['upcoming']}/enrolments/{2**40}/leave"),
    ]
    for browser, path in refused:
        status, _, _ = browser.get(path)
        assert status in (400, 404), (path, status)
    # A filter form shows its page again with the field's message.
    for path in ("/dashboard/?as_of=9999-12-31", "/dashboard/?as_of=0001-01-01"):
        status, _, page = admin.get(path)
        assert status == 200 and "1900" in page, path
    for path in (
        "/internships/openings?programme=bogus",
        "/subsidies/claims?status=bogus",
        "/cohorts/?year=99999999999999999999",
        "/admin/access-log?since=0001-01-01&until=9999-12-31",
    ):
        assert admin.get(path)[0] == 200, path
    status, _, page = coordinator2.post(
        "/cohorts/new",
        {
            "code": "X-1",
            "starts_on": "2030-01-01",
            "ends_on": "9999-12-31",
            "capacity": "10",
            "course_id": "",
        },
    )
    assert status == 422 and "2100" in page
    assert "exited with code" not in log.read_text()


def test_a_coordinator_reads_nothing_of_another_campus_through_an_enrolment(served, coordinator2):
    """Item 1: coordinator 2 enrols campus 1's trainee A (by e-mail and birth date) into a
    campus-2 cohort. The record shows what campus 2 needs, nothing campus 1 recorded; after the
    withdrawal, the record is gone from campus 2."""
    port, facts, _, seeding = served
    trainee_id, email, born = facts["trainee_a"]
    cohort = facts["upcoming"]
    assert coordinator2.get(f"/trainees/{trainee_id}")[0] == 404
    coordinator2.get(f"/cohorts/{cohort}/enrol")
    status, _, _ = coordinator2.post(
        f"/cohorts/{cohort}/enrol",
        {
            "name": "아무개",
            "birth_date": born.isoformat(),
            "email": email,
        },
    )
    assert status == 303
    status, _, page = coordinator2.get(f"/trainees/{trainee_id}")
    assert status == 200
    for secret in (SECRET_EMPLOYER, "4,321,000", SECRET_CERTIFICATION):
        assert secret not in page, secret
    with seeding.app_context():
        enrolment_id = db.session.scalar(
            sa.select(Enrolment.id).where(
                Enrolment.trainee_id == trainee_id, Enrolment.cohort_id == cohort
            )
        )
    status, _, leave_page = coordinator2.get(f"/cohorts/{cohort}/enrolments/{enrolment_id}/leave")
    left_on = re.search(r'name="left_on"[^>]*value="([^"]+)"', leave_page).group(1)
    status, _, _ = coordinator2.post(
        f"/cohorts/{cohort}/enrolments/{enrolment_id}/leave",
        {"left_on": left_on, "reason": "withdrawn"},
    )
    assert status == 303
    with seeding.app_context():
        assert db.session.get(Enrolment, enrolment_id).status == EnrolmentStatus.WITHDRAWN
    assert coordinator2.get(f"/trainees/{trainee_id}")[0] == 404
    # Campus 1's enrolment is not campus 2's to open either.
    assert coordinator2.get(f"/outcomes/enrolments/{facts['trainee_a_enrolment']}/report")[0] == 404


def _field_check(browser, cohort, field, data):
    status, _, html = browser.post(
        f"/cohorts/{cohort}/enrol/check?field={field}", data, headers={"HX-Request": "true"}
    )
    assert status == 200
    return re.sub(r'value="[^"]*"', "", html)  # the echoed input differs by what was typed


def test_enrolment_field_checks_are_no_oracle_and_are_logged(served, coordinator2):
    """Item 2: the birth_date check told whether a guessed date was the trainee's, the email
    check whether an address was a staff account; no log, no limit, closed cohorts too."""
    port, facts, _, seeding = served
    _, email, born = facts["trainee_a"]
    cohort = facts["upcoming"]
    coordinator2.get(f"/cohorts/{cohort}/enrol")
    with seeding.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(AccessLog))
    right = _field_check(
        coordinator2, cohort, "birth_date", {"email": email, "birth_date": born.isoformat()}
    )
    wrong = _field_check(
        coordinator2, cohort, "birth_date", {"email": email, "birth_date": "1999-04-14"}
    )
    assert right == wrong
    staff = _field_check(coordinator2, cohort, "email", {"email": "admin@example.com"})
    nobody = _field_check(coordinator2, cohort, "email", {"email": "nobody@example.com"})
    assert staff == nobody and 'aria-invalid="true"' not in staff
    # What the check may say: this cohort already has the person.
    listed = _field_check(coordinator2, cohort, "email", {"email": facts["trainee_b_email"]})
    assert 'aria-invalid="true"' in listed
    # A closed cohort checks nothing but says it is closed.
    closed = _field_check(coordinator2, facts["closed"], "email", {"email": email})
    assert 'aria-invalid="true"' in closed
    with seeding.app_context():
        logged = db.session.scalars(
            sa.select(AccessLog.detail).order_by(AccessLog.seq).offset(before)
        ).all()
    assert sum("enrolment_check" in (d or "") for d in logged) >= 4


def test_production_responses_carry_hsts(served):
    port, _, _, _ = served
    status, headers, _ = Browser(port).get("/login")
    assert status == 200
    assert headers["strict-transport-security"].startswith("max-age=31536000")


def test_a_cohort_cannot_run_for_decades(served, coordinator2):
    """Item 6: a 2030–2100 cohort was accepted with 17,370 sessions (its page: 10 MB, 10.8 s)."""
    port, facts, _, seeding = served
    coordinator2.get("/cohorts/new")
    started = time.monotonic()
    status, _, page = coordinator2.post(
        "/cohorts/new",
        {
            "code": "LONG-2030",
            "course_id": str(facts["course2"]),
            "starts_on": "2030-01-01",
            "ends_on": "2100-12-31",
            "capacity": "20",
            "classroom_id": "",
        },
    )
    assert status == 422 and "366" in page
    assert time.monotonic() - started < 5
    with seeding.app_context():
        from academy.models import Cohort

        assert db.session.scalar(sa.select(Cohort.id).where(Cohort.code == "LONG-2030")) is None


def test_production_with_mail_and_no_public_base_url_does_not_start(tmp_path):
    """Partly: without PUBLIC_BASE_URL the activation link took the request's Host header.
    gunicorn with mail configured and no PUBLIC_BASE_URL never serves."""
    port = _free_port()
    env = {
        **os.environ,
        "SECRET_KEY": "attack-suite-secret-key-0123456789",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite'}",
        "ACADEMY_INSTANCE_DIR": str(tmp_path),
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "MAIL_SERVER": "smtp.example.org",
    }
    for name in ("ACADEMY_ENV", "PUBLIC_BASE_URL"):
        env.pop(name, None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.run(
        [str(gunicorn), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert server.returncode != 0
    assert "PUBLIC_BASE_URL" in server.stdout + server.stderr


POLYGLOT = b"%PDF-1.4\n<html><body><script>fetch('/admin/accounts')</script></body></html>\n"
SCRIPTED = (
    b"%PDF-1.7\n1 0 obj\n<</Type/Catalog/Pages 2 0 R/OpenAction<</S/JavaScript/JS(app.alert(1))>>"
    b">>\nendobj\n2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n3 0 obj\n<</Type/Page"
    b"/Parent 2 0 R/MediaBox[0 0 595 842]>>\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (POLYGLOT, "evidence.pdf.html"),
        (SCRIPTED, "evidence.pdf"),
        (b"%PDF-1.7\n" + b"A" * 62, "evidence.pdf"),
    ],
    ids=["pdf-html", "pdf-javascript", "71-byte-stub"],
)
def test_evidence_with_active_content_or_no_structure_is_refused(served, data, name):
    """Partly: "%PDF-" + HTML and PDFs with JavaScript were accepted as evidence, and a double
    extension downloaded as evidence.pdf.html."""
    port, facts, _, seeding = served
    trainee = Browser(port).sign_in("reporter@example.com", None)
    enrolment = facts["reporting_enrolment"]
    url = f"/outcomes/enrolments/{enrolment}/report"
    trainee.get("/trainees/me")
    p = f"e{enrolment}-"
    form = {
        p + "situation": "employed",
        p + "employer": "주식회사 공격",
        p + "starts_on": (date.today() - timedelta(days=30)).isoformat(),
        p + "job_kind": "open_ended",
        p + "insured": "yes",
        p + "weekly_hours": "40",
        p + "in_field": "yes",
        p + "monthly_pay": "3,100,000",
    }
    status, _, _ = trainee.post_file(url, form, p + "evidence", name, data)
    assert status == 422
    with seeding.app_context():
        from academy.models import OutcomeEvidence

        refused = sa.select(sa.func.count()).where(OutcomeEvidence.original_name.like("evidence%"))
        assert db.session.scalar(refused) == 0


def test_the_coordinator_who_entered_an_outcome_cannot_verify_it(served):
    """Partly: a coordinator recorded an outcome with a tiny "evidence" file and verified it
    themself. Here with a well-formed PDF, so only the four-eyes rule stands in the way."""
    from tests.factories import EVIDENCE_PDF

    port, facts, _, seeding = served
    coordinator1 = Browser(port).sign_in("coordinator1@example.com", facts["totp"]["coordinator1"])
    enrolment = facts["reporting_enrolment"]
    p = f"e{enrolment}-"
    coordinator1.get(f"/outcomes/campuses/{facts['campus1']}/queue")
    form = {
        p + "situation": "employed",
        p + "employer": "주식회사 자기확인",
        p + "starts_on": (date.today() - timedelta(days=30)).isoformat(),
        p + "job_kind": "open_ended",
        p + "insured": "yes",
        p + "weekly_hours": "40",
        p + "in_field": "yes",
        p + "monthly_pay": "3,100,000",
    }
    report = f"/outcomes/enrolments/{enrolment}/report"
    status, _, _ = coordinator1.post_file(report, form, p + "evidence", "proof.pdf", EVIDENCE_PDF)
    assert status == 303
    with seeding.app_context():
        from academy.models import OutcomeRecord, Verification

        record_id = db.session.scalar(
            sa.select(OutcomeRecord.id)
            .where(OutcomeRecord.enrolment_id == enrolment)
            .order_by(OutcomeRecord.version.desc())
            .limit(1)
        )
    status, _, queue = coordinator1.get(f"/outcomes/campuses/{facts['campus1']}/queue")
    assert f"/outcomes/records/{record_id}/verify" not in queue
    coordinator1.post(f"/outcomes/records/{record_id}/verify")
    with seeding.app_context():
        record = db.session.get(OutcomeRecord, record_id)
        assert record.verification == Verification.EVIDENCE_ATTACHED
        assert record.verified_by_id is None
