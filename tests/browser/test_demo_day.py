"""The demo as a newcomer meets it on the day it is loaded (tests/browser/conftest.py loads it
with today's date): the instructor has a session to mark today, and the trainee applies for the
exam-fee subsidy on a phone without anyone reopening a round for them."""

import holidays
import pytest

from academy.clock import seoul_today
from tests.browser.conftest import (
    DEMO_LOGINS,
    DESKTOP,
    PHONE,
    axe_violations,
    demo_sign_in,
    describe_violations,
    has_horizontal_scroll,
)
from tests.factories import EVIDENCE_PDF

pytestmark = pytest.mark.browser

RECEIPT = EVIDENCE_PDF  # a PDF that parses: uploads are checked by structure


def assert_accessible(page, viewport) -> None:
    violations = axe_violations(page)
    assert not violations, f"on {page.url}:\n" + describe_violations(violations)
    if viewport is PHONE:
        assert not has_horizontal_scroll(page), page.url


@pytest.mark.parametrize("viewport", [DESKTOP], ids=str)
def test_the_demo_instructor_marks_todays_session_of_a_running_cohort(page, viewport):
    demo_sign_in(page, DEMO_LOGINS["instructor"])
    page.goto("/instructors/me")
    cohorts = [link.get_attribute("href") for link in page.locator("table tbody tr th a").all()]
    sheets = []  # (cohort URL, marked count text) of the sheets that open ready to mark
    for url in cohorts:
        page.goto(url.rstrip("/") + "/attendance")
        if page.locator("tbody tr button[value='present']").count():
            sheets.append((url, page.locator("#sheet-count").inner_text()))
    assert len(sheets) == 1, sheets  # one cohort runs today; the others ended and are closed
    url, count_before = sheets[0]
    page.goto(url.rstrip("/") + "/attendance")

    # Today's session (on a day without class, the latest one), nobody marked yet.
    today = seoul_today()
    if today.weekday() < 5 and today not in holidays.KR(years=today.year):
        assert f"{today.month}월 {today.day}일" in page.locator("#sheet-heading").inner_text()
    assert "중 0명" in count_before, count_before  # "8명 중 0명 기록"
    page.evaluate("window.__sameDocument = true")
    row_id = page.locator("tbody tr").first.get_attribute("id")
    page.locator(f"#{row_id} button[value='present']").click()
    page.wait_for_selector(f"#{row_id} button[value='present'][aria-pressed='true']")
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
    assert "중 1명" in page.locator("#sheet-count").inner_text()
    assert_accessible(page, viewport)

    page.reload()
    pressed = page.locator(f"#{row_id} button[value='present']").get_attribute("aria-pressed")
    assert pressed == "true"
    assert page.errors == []


@pytest.mark.parametrize("viewport", [PHONE], ids=str)
def test_the_demo_trainee_applies_for_the_exam_fee_subsidy_on_a_phone(page, viewport):
    demo_sign_in(page, DEMO_LOGINS["trainee"])
    assert page.url.endswith("/trainees/me")
    page.get_by_role("link", name="응시료 지원 신청").first.click()
    assert page.locator("h1").inner_text() == "응시료 지원 신청"
    main = page.locator("main").inner_text()
    assert str(seoul_today().year) in main
    # The exam sat days ago is there to claim; nobody had to reopen a round.
    assert "SQL 개발자 (SQLD)" in page.locator("main form").last.inner_text()
    page.locator("select[name='attempt_id']").select_option(index=1)
    page.get_by_label("응시료 영수증").set_input_files(
        files=[{"name": "영수증.pdf", "mimeType": "application/pdf", "buffer": RECEIPT}]
    )
    page.get_by_text("신청일 현재 취업 상태가 아닙니다.").click()
    assert_accessible(page, viewport)
    with page.expect_navigation():
        page.get_by_role("button", name="신청하기").click()
    main = page.locator("main").inner_text()
    assert "신청했습니다" in main and "접수" in main, main
    assert "SQL 개발자 (SQLD)" in main
    assert page.errors == []
