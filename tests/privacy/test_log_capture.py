"""Application logs carry no passwords, tokens (activation links, CSRF, session cookies, TOTP
codes, staged imports) or phone numbers: every log record of a working session is captured at
DEBUG, on the root logger and werkzeug's, and searched for each secret."""

import io
import logging
import re

import pytest

from academy.auth.passwords import hash_password
from academy.models import EnrolmentStatus, Role
from academy.privacy import redact
from tests import factories
from tests.conftest import TEST_PASSWORD, totp_code
from tests.outcomes.test_routes import completed_enrolment, job_form

PHONE = "010-9876-5432"
NEW_PASSWORD = "a-brand-new-passphrase-77"
WRONG_PASSWORD = "Wrong-Guess-Password-1"


@pytest.fixture
def everything_logged(caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="werkzeug")
    caplog.set_level(logging.DEBUG, logger="academy")
    return caplog


def _sign_in_staff(client, user) -> str:
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    code = ""
    if response.headers["Location"].startswith("/login/code"):
        code = totp_code(user)
        assert client.post("/login/code", data={"code": code}).status_code == 303
    return code


def test_a_working_session_leaves_no_secret_in_the_logs(app, client, db, everything_logged):
    campus = factories.CampusFactory()
    coordinator = factories.UserFactory(
        role=Role.COORDINATOR, campus=campus, password_hash=hash_password(TEST_PASSWORD)
    )
    enrolment = completed_enrolment(campus=campus)
    enrolment.trainee.phone = PHONE
    enrolment.status = EnrolmentStatus.COMPLETED
    db.session.commit()
    secrets = [TEST_PASSWORD, WRONG_PASSWORD, NEW_PASSWORD, PHONE, PHONE.replace("-", "")]

    # A failed sign-in, then the coordinator's sign-in with the second factor.
    assert (
        client.post(
            "/login", data={"email": coordinator.email, "password": WRONG_PASSWORD}
        ).status_code
        == 401
    )
    secrets.append(_sign_in_staff(client, coordinator))
    secrets.append(client.get_cookie("session").value)
    page = client.get(f"/accounts/cohorts/{enrolment.cohort_id}/invitations")
    assert page.status_code == 200
    csrf = re.search(
        r'X-CSRFToken&#34;: &#34;([^&]+)&#34;|"X-CSRFToken": "([^"]+)"', page.get_data(as_text=True)
    )
    if csrf:
        secrets.append(csrf.group(1) or csrf.group(2))

    # The activation link: sent (development shows it, and writes the mail to the log) ...
    sent = client.post(
        f"/accounts/cohorts/{enrolment.cohort_id}/invitations",
        data={"enrolment_id": enrolment.id},
        follow_redirects=True,
    )
    (token,) = set(re.findall(r"/activate/([A-Za-z0-9_\-]{20,})", sent.get_data(as_text=True)))
    secrets.append(token)
    # ... and werkzeug's request line for it, as the development server writes it.
    logging.getLogger("werkzeug").info('127.0.0.1 - - "GET /activate/%s HTTP/1.1" 200 -', token)

    # An import with an error, whose file holds a phone number.
    csv = f"이메일,결과,비고\nghost@example.com,E7,{PHONE}\n".encode()
    bad = client.post(
        f"/outcomes/campuses/{campus.id}/import",
        data={"file": (io.BytesIO(csv), "bad.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 303  # checked by a job; its page lists the problems
    assert "E7" in client.get(bad.headers["Location"]).get_data(as_text=True)
    client.post("/logout")

    # The trainee opens the link, sets a password, and reports a job with a phone number.
    assert client.get(f"/activate/{token}").status_code == 200
    activated = client.post(
        f"/activate/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert activated.status_code in (302, 303), activated.get_data(as_text=True)[:400]
    user = enrolment.trainee.user
    if client.get("/trainees/me").status_code != 200:
        signed = client.post("/login", data={"email": user.email, "password": NEW_PASSWORD})
        assert signed.status_code == 302
    secrets.append(client.get_cookie("session").value)
    reported = client.post(
        f"/outcomes/enrolments/{enrolment.id}/report",
        data=job_form(enrolment, employer=f"새솔데이터 (담당 {PHONE})"),
    )
    assert reported.status_code in (200, 303)
    logging.getLogger("academy").debug("trainee phone %s, password=%s", PHONE, NEW_PASSWORD)

    logged = "\n".join(
        [r.getMessage() for r in everything_logged.records] + [everything_logged.text]
    )
    assert everything_logged.records, "the session wrote to the log"
    leaked = [s for s in secrets if s and s in logged]
    assert not leaked, (leaked, logged[:2000])
    assert "010-****-5432" in logged  # the phone was masked, not dropped


@pytest.mark.parametrize(
    ("line", "clean"),
    [
        ("call 010-1234-5678 now", "call 010-****-5678 now"),
        ("call 01012345678", "call 010-****-5678"),
        ("+82 10-1234-5678", "010-****-5678"),
        ("GET /activate/AbCdEfGhIjKlMnOpQrStUv HTTP/1.1", "GET /activate/[redacted] HTTP/1.1"),
        ("GET /cohorts/3/imports/AbCdEfGhIjKlMnOpQrStUv", "GET /cohorts/3/imports/[redacted]"),
        ("token=abc123&x=1", "token=[redacted]&x=1"),
        ("password: hunter22", "password: [redacted]"),
        (
            "campus 12 has 345 trainees, budget 200000000",
            "campus 12 has 345 trainees, budget 200000000",
        ),
    ],
)
def test_the_redactor_masks_phones_and_tokens_only(line, clean):
    assert redact(line) == clean
