"""People brought in and recovered without a shell, in Chromium, with the mail going through a
real SMTP server: an administrator invites a coordinator, who opens the mailed link, chooses a
password, sets up the authenticator app and lands on their campus; a trainee who forgot their
password resets it on a phone."""

import email
import email.policy
import re
from urllib.parse import urlsplit

import pyotp
import pytest
from aiosmtpd.controller import Controller

from tests.browser.conftest import (
    DEMO_LOGINS,
    PHONE,
    axe_violations,
    demo_app,
    demo_sign_in,
    describe_violations,
    has_horizontal_scroll,
    serving,
)
from tests.test_mail import free_port

pytestmark = pytest.mark.browser
NEW_PASSWORD = "lanterns over the han river"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"

    def link_to(self, address: str, path: str) -> str:
        for message in reversed(self.messages):
            if address in message["To"]:
                body = message.get_body(preferencelist=("plain",)).get_content()
                return urlsplit(re.search(rf"http://\S+{path}\S+", body).group(0)).path
        raise AssertionError(f"no mail to {address}")


@pytest.fixture(scope="module")
def inbox():
    return Inbox()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, inbox):
    """This module's own server: demo data as in conftest's, but mail goes to a real SMTP
    server (links are never shown on screen), and a trainee's password may change here."""
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    database = tmp_path_factory.mktemp("browser-accounts") / "academy.sqlite"
    app = demo_app(
        database,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USE_TLS=False,
        MAIL_USE_SSL=False,
        MAIL_USERNAME=None,
        MAIL_SHOW_LINKS=False,
        MAIL_TIMEOUT=5,
    )
    with serving(app, database) as url:
        yield url
    controller.stop()


def test_an_invited_coordinator_sets_a_password_and_an_authenticator_and_lands_on_campus(
    page, browser, live_server, inbox
):
    demo_sign_in(page, DEMO_LOGINS["admin"])
    page.get_by_role("link", name="직원 초대").click()
    page.get_by_label("이름").fill("정캠퍼스")
    page.get_by_label("이메일").fill("jung.campus@example.com")
    page.get_by_label("역할").select_option("coordinator")
    campus = page.locator("select[name='campus'] option").nth(3)
    campus_name = campus.inner_text()
    page.get_by_label("캠퍼스(캠퍼스 매니저만)").select_option(campus.get_attribute("value"))
    page.get_by_label("사유").fill("2026년 1월부터 새 캠퍼스 매니저")
    page.get_by_role("button", name="계정 만들고 초대 메일 보내기").click()
    page.wait_for_url(re.compile(r"/admin/accounts/\d+$"))
    assert "초대 메일을 보냈습니다" in page.locator("body").inner_text()
    assert "/activate/" not in page.content()  # the link went by e-mail only

    newcomer = browser.new_context(base_url=live_server, locale="ko-KR")
    try:
        own = newcomer.new_page()
        own.goto(inbox.link_to("jung.campus@example.com", "/activate/"))
        own.get_by_label("새 비밀번호").fill(NEW_PASSWORD)
        own.get_by_label("비밀번호 확인").fill(NEW_PASSWORD)
        own.get_by_role("button").filter(has_text="비밀번호").first.click()
        own.wait_for_url("**/login/two-factor-setup")
        key = own.locator(".totp-secret").inner_text().replace(" ", "")
        own.get_by_label("인증 코드").fill(pyotp.TOTP(key).now())
        own.get_by_role("button", name="확인하고 로그인").click()
        assert own.locator(".recovery-codes li").count() == 10
        own.get_by_role("link", name=re.compile("계속")).click()
        own.wait_for_url(re.compile(r"/campuses/\d+$"))
        assert campus_name in own.locator("h1").inner_text()
    finally:
        newcomer.close()


@pytest.mark.parametrize("viewport", [PHONE], ids=str)
def test_a_trainee_resets_a_forgotten_password_on_a_phone(page, viewport, inbox):
    trainee = DEMO_LOGINS["trainee"]
    page.goto("/login")
    page.get_by_role("link", name="비밀번호를 잊으셨나요?").click()
    assert not has_horizontal_scroll(page)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    page.get_by_label("이메일").fill(trainee)
    page.get_by_role("button", name="링크 보내기").click()
    assert "메일을 확인해 주세요" in page.locator("h1").inner_text()

    page.goto(inbox.link_to(trainee, "/password/reset/"))
    assert not has_horizontal_scroll(page)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    page.get_by_label("새 비밀번호").fill(NEW_PASSWORD)
    page.get_by_label("비밀번호 확인").fill(NEW_PASSWORD)
    page.get_by_role("button", name="새 비밀번호 설정").click()
    page.wait_for_url("**/login")
    assert "새 비밀번호로 로그인" in page.locator("body").inner_text()

    response = demo_sign_in(page, trainee, password=NEW_PASSWORD)
    assert response.status == 200 and urlsplit(page.url).path == "/trainees/me"
    assert not has_horizontal_scroll(page)
    assert page.errors == []
