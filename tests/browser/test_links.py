"""Links look like links (KRDS): the link colour and an underline, not body text."""

import pytest

from tests.browser.conftest import DEMO_LOGINS, demo_sign_in

pytestmark = pytest.mark.browser

LINK_STYLES = """
() => {
  const body = getComputedStyle(document.body).color;
  return [...document.querySelectorAll('main a[href]:not(.krds-btn), footer a[href]')]
    .filter(a => a.getClientRects().length)
    .map(a => {
      const style = getComputedStyle(a);
      return {text: a.textContent.trim(), color: style.color, line: style.textDecorationLine,
              body};
    });
}
"""


def plain_links(page) -> list[str]:
    return [
        f"{link['text']!r}: {link['color']} {link['line']}"
        for link in page.evaluate(LINK_STYLES)
        if "underline" not in link["line"] or link["color"] == link["body"]
    ]


def test_the_links_the_newcomer_missed_look_like_links(page):
    demo_sign_in(page, DEMO_LOGINS["official"])
    page.goto("/dashboard/")
    texts = [link["text"] for link in page.evaluate(LINK_STYLES)]
    assert any("산출 방법" in t for t in texts), texts  # "How each figure is defined"
    assert "시뮬레이션에서 계획 세워 보기" in texts, texts  # the planner link
    assert "개인정보처리방침" in texts and "이용약관" in texts
    assert not plain_links(page), plain_links(page)

    page.goto("/dashboard/methodology")
    assert not plain_links(page), plain_links(page)


def test_the_coordinators_back_link_looks_like_a_link(page):
    demo_sign_in(page, DEMO_LOGINS["coordinator"])
    page.goto("/subsidies/claims")
    assert not plain_links(page), plain_links(page)
    claim = page.locator("main a[href*='/subsidies/claims/']").first
    assert claim.count(), "the demo campus has claims to open"
    claim.click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="신청 목록으로 돌아가기").count() == 1
    assert not plain_links(page), plain_links(page)
