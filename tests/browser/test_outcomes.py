"""On a phone: the coordinator sends an activation link, the trainee activates their account and
logs a job with an evidence file, and the coordinator verifies it from the queue. Every page on
the way is Korean, accessible and fits the screen."""

import re

import pytest

from tests.browser.conftest import (
    DEMO_LOGINS,
    PHONE,
    axe_violations,
    demo_sign_in,
    describe_violations,
    has_horizontal_scroll,
)
from tests.factories import EVIDENCE_PDF

pytestmark = pytest.mark.browser


@pytest.fixture
def viewport():
    return PHONE


@pytest.fixture
def coordinator_page(browser, live_server):
    """A second person on a second phone: the coordinator."""
    context = browser.new_context(
        base_url=live_server,
        viewport={"width": PHONE.width, "height": PHONE.height},
        is_mobile=True,
        has_touch=True,
        locale="ko-KR",
        timezone_id="Asia/Seoul",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def sign_in(page, email):
    demo_sign_in(page, email)


def choose(scope, text):
    """Tap the label of a choice, as people do (KRDS draws the radio button on the label)."""
    scope.locator("label", has_text=re.compile(f"^{re.escape(text)}$")).click()


def assert_accessible_and_fits(page):
    violations = axe_violations(page)
    assert not violations, f"on {page.url}:\n" + describe_violations(violations)
    assert not has_horizontal_scroll(page), f"wider than the phone on {page.url}"


def test_a_trainee_activates_logs_a_job_with_evidence_and_the_coordinator_verifies(
    page, coordinator_page
):
    coordinator = coordinator_page
    sign_in(coordinator, DEMO_LOGINS["coordinator"])
    # A finished demo cohort (other browser tests add new cohorts to the same campus).
    coordinator.locator("#cohort-list table a", has_text="JONGNO-2025-01").first.click()
    coordinator.get_by_role("link", name="교육생 계정과 활성화 링크").click()
    assert_accessible_and_fits(coordinator)
    # A completer (수료, not 미수료: only completers report an outcome) without a link yet.
    completed = re.compile(r"(^|[^미])수료")
    row = (
        coordinator.locator("tbody tr", has_text=completed)
        .filter(has_text="아직 보내지 않음")
        .first
    )
    name = row.locator("th").inner_text().strip()
    with coordinator.expect_navigation():
        row.get_by_role("button").click()
    link = coordinator.locator(".dev-link").first.get_attribute("href")
    assert re.search(r"/activate/[\w-]{40,}$", link)

    # The trainee opens the link on their phone and chooses a password.
    page.goto(link)
    assert name in page.locator("main").inner_text()
    assert_accessible_and_fits(page)
    page.get_by_label("새 비밀번호").fill("봄날의 서울 취업 성공 2025")
    page.get_by_label("비밀번호 확인").fill("봄날의 서울 취업 성공 2025")
    with page.expect_navigation():
        page.get_by_role("button", name="비밀번호 정하고 로그인").click()
    page.wait_for_url(re.compile(r"/trainees/me"))
    assert page.locator("h1").inner_text() == "내 기록"

    # The outcome form asks in plain words, then only what a job needs.
    panel = page.locator(".outcome-panel").first
    details = panel.locator("details.outcome-update")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    choose(panel, "취업했어요")
    employer = panel.get_by_label("회사(기관) 이름")
    employer.wait_for()
    assert panel.get_by_label("사업자등록일").count() == 0
    employer.fill("주식회사 봄날데이터")
    panel.get_by_label("첫 출근일").fill("2025-11-03")
    choose(panel, "정규직 (계약 기간 없음)")
    choose(panel.get_by_role("radiogroup", name="회사에서 고용보험에 가입해 주었나요?"), "예")
    panel.get_by_label("주당 근무 시간").fill("40")
    choose(panel.get_by_role("radiogroup", name="교육받은 분야의 일인가요?"), "예")
    panel.get_by_label("월 기본급 (선택)").fill("3,200,000")
    panel.get_by_label("증빙 파일 (PDF 또는 사진)").set_input_files(
        files=[{"name": "재직증명서.pdf", "mimeType": "application/pdf", "buffer": EVIDENCE_PDF}]
    )
    assert_accessible_and_fits(page)
    with page.expect_navigation():
        panel.get_by_role("button", name="내 취업 결과 저장").click()
    assert "취업 결과를 저장했습니다" in page.locator("main").inner_text()
    panel = page.locator(".outcome-panel").first
    assert "주식회사 봄날데이터" in panel.inner_text()
    assert "증빙 첨부" in panel.inner_text()
    assert "재직증명서.pdf" in panel.inner_text()
    assert_accessible_and_fits(page)

    # The coordinator sees it in the queue with the file, and verifies it.
    coordinator.get_by_role("link", name="취업 결과 확인").first.click()
    # The demo may hold another pending job of the same person: each job waits on its own.
    item = coordinator.locator("article.queue-item", has_text=name).filter(
        has=coordinator.locator("dl.facts", has_text="주식회사 봄날데이터")
    )
    assert "주식회사 봄날데이터" in item.inner_text()
    assert item.get_by_role("link", name="재직증명서.pdf").count() == 1
    # Personal data leaves only with a reason, asked for on the way (접속기록).
    with coordinator.expect_navigation():
        item.get_by_role("link", name="재직증명서.pdf").click()
    assert_accessible_and_fits(coordinator)
    coordinator.get_by_label("사유", exact=True).select_option(label="취업 결과·증빙 확인")
    with coordinator.expect_download() as download:
        coordinator.get_by_role("button", name="내려받기").click()
    assert download.value.suggested_filename == "재직증명서.pdf"
    coordinator.go_back()
    item = coordinator.locator("article.queue-item", has_text=name).filter(
        has=coordinator.locator("dl.facts", has_text="주식회사 봄날데이터")
    )
    with coordinator.expect_navigation():
        item.get_by_role("button", name="확인 완료 처리").click()
    assert f"확인 완료: {name}" in coordinator.locator("main").inner_text()
    decided = coordinator.locator("article.queue-item", has_text=name)
    facts = coordinator.locator("dl.facts", has_text="주식회사 봄날데이터")
    assert decided.filter(has=facts).count() == 0

    page.reload()
    assert "확인 완료" in page.locator(".outcome-panel").first.inner_text()
    assert page.errors == [] and coordinator.errors == []
