"""E-mail through a real SMTP server (aiosmtpd) started by the test on 127.0.0.1, with login:
activation links that work when followed, reminders kept as contact attempts, and failures
reported instead of lost."""

import email
import email.policy
import re
import socket
from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from academy.clock import seoul_today
from academy.models import ActivationToken, ContactAttempt, ContactResult, EnrolmentStatus, Role
from tests import factories

USER, PASSWORD = "academy-mailer", "smtp-secret-2025"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        self.recipients.append(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check_login(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok)


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server on 127.0.0.1 that requires a login; the app sends through it as in
    production (links are not shown on screen)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=check_login,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    settings = dict(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USE_TLS=False,
        MAIL_USE_SSL=False,
        MAIL_USERNAME=USER,
        MAIL_PASSWORD=PASSWORD,
        MAIL_SHOW_LINKS=False,
        MAIL_TIMEOUT=5,
        MAIL_SENDER="청년취업사관학교 <no-reply@example.com>",
    )
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    yield inbox
    controller.stop()


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_an_invitation_arrives_by_smtp_and_its_link_activates_the_account(
    app, client, login_as, db, smtp
):
    cohort = factories.CohortFactory()
    enrolment = factories.EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.COMPLETED)
    db.session.commit()
    trainee = enrolment.trainee.user
    login_as(Role.COORDINATOR, campus=cohort.campus)

    response = client.post(f"/accounts/cohorts/{cohort.id}/invitations", follow_redirects=True)

    page = response.get_data(as_text=True)
    assert "계정 활성화 링크를 보냈습니다" in page
    assert "/activate/" not in page  # production: the link goes by e-mail only
    (message,) = smtp.messages
    assert smtp.recipients == [[trainee.email]]
    assert message["Subject"] == "청년취업사관학교 계정을 활성화해 주세요"
    assert trainee.name in message["To"]
    body = body_of(message)
    assert f"{trainee.name} 님" in body and "72시간" in body
    link = re.search(r"http://localhost/activate/\S+", body).group(0)
    client.post("/logout")

    password = "my phone number is secret"
    done = client.post(
        link.removeprefix("http://localhost"), data={"password": password, "confirm": password}
    )

    assert done.status_code == 303
    assert client.get("/trainees/me").status_code == 200
    stored = db.session.scalar(sa.select(ActivationToken))
    assert stored.used_at is not None and link.rsplit("/", 1)[1] not in stored.token_hash


def test_reminders_go_out_by_smtp_and_are_kept_as_contact_attempts(client, login_as, db, smtp):
    campus = factories.CampusFactory()
    ends_on = seoul_today() - timedelta(days=120)
    cohort = factories.CohortFactory(
        campus=campus, starts_on=ends_on - timedelta(weeks=20), ends_on=ends_on
    )
    waiting = factories.EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.COMPLETED)
    active = factories.EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.COMPLETED)
    active.trainee.user.password_hash = "set"
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)

    everyone = {"everyone": "1", "window": "open"}
    url = f"/outcomes/campuses/{campus.id}/reminders"
    response = client.post(url, data=everyone, follow_redirects=True)

    assert "2명에게 안내 메일을 보냈습니다" in response.get_data(as_text=True)
    by_address = {r[0]: m for r, m in zip(smtp.recipients, smtp.messages, strict=True)}
    first = body_of(by_address[waiting.trainee.user.email])
    second = body_of(by_address[active.trainee.user.email])
    assert "/activate/" in first and "비밀번호를 정해" in first  # not activated yet
    assert "/activate/" not in second and "/trainees/me" in second
    assert cohort.code in second
    attempts = db.session.scalars(sa.select(ContactAttempt)).all()
    assert {(a.enrolment_id, a.channel.value, a.result) for a in attempts} == {
        (waiting.id, "email", ContactResult.SENT),
        (active.id, "email", ContactResult.SENT),
    }


def test_a_refused_login_is_reported_and_recorded_as_failed(
    app, client, login_as, db, smtp, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "wrong-password")
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)  # aiosmtpd stalls a failed login
    campus = factories.CampusFactory()
    ends_on = seoul_today() - timedelta(days=30)
    cohort = factories.CohortFactory(
        campus=campus, starts_on=ends_on - timedelta(weeks=20), ends_on=ends_on
    )
    enrolment = factories.EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.COMPLETED)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)

    url = f"/outcomes/campuses/{campus.id}/reminders"
    response = client.post(url, data={"enrolment_ids": [enrolment.id]}, follow_redirects=True)

    assert "보내지 못했습니다" in response.get_data(as_text=True)
    assert smtp.messages == []
    (attempt,) = db.session.scalars(sa.select(ContactAttempt)).all()
    assert attempt.result == ContactResult.FAILED and attempt.note.startswith("취업 결과 입력 안내")


def test_no_server_listening_fails_each_invitation_without_losing_the_links(
    app, client, login_as, db, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_SHOW_LINKS", False)
    cohort = factories.CohortFactory()
    factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=cohort.campus)

    response = client.post(f"/accounts/cohorts/{cohort.id}/invitations", follow_redirects=True)

    assert "보내지 못했습니다" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ActivationToken.id))) == 1  # resend later
