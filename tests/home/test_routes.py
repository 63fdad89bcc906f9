"""The government identity banner, the footer and the two policy pages every page links to."""

import re

import pytest

from academy.models import Role

BANNER = "이 누리집은 서울특별시 공식 누리집입니다."


@pytest.mark.parametrize("url", ["/login", "/privacy", "/terms"])
def test_every_public_page_carries_the_banner_and_the_policy_links(client, url):
    html = client.get(url).get_data(as_text=True)
    assert 'id="krds-masthead"' in html and BANNER in html
    # The banner comes first, above the site's own header.
    assert html.index(BANNER) < html.index('class="site-header"')
    footer = html[html.index('<footer class="site-footer">') :]
    assert re.search(r'<a [^>]*href="/privacy"[^>]*>개인정보처리방침</a>', footer)
    assert re.search(r'<a [^>]*href="/terms"[^>]*>이용약관</a>', footer)


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_signed_in_pages_carry_them_too(client, login_as, role):
    login_as(role)
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert BANNER in html and 'href="/privacy"' in html and 'href="/terms"' in html


def test_the_privacy_policy_says_what_why_how_long_and_whom_to_ask(client):
    response = client.get("/privacy")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for heading in (
        "수집하는 개인정보",
        "보유 기간",
        "열람할 수 있는 사람",
        "정보주체의 권리",
        "문의처",
    ):
        assert heading in html, heading
    # What this service really collects, and what it never does.
    for item in ("생년월일", "고용보험", "접속기록", "2년", "3년", "180일"):
        assert item in html, item
    assert "주민등록번호는 수집하지 않습니다" in html
    assert "120" in html and "118" in html  # whom to ask, and where to complain
    assert "<h1>개인정보처리방침</h1>" in html


def test_the_terms_are_korean_and_link_the_privacy_policy(client):
    html = client.get("/terms").get_data(as_text=True)
    assert "<h1>이용약관</h1>" in html and "서울특별시" in html
    assert 'href="/privacy"' in html


def test_the_policy_pages_follow_the_chosen_language(client):
    client.post("/language", data={"locale": "en"})
    html = client.get("/privacy").get_data(as_text=True)
    assert "<h1>Privacy policy</h1>" in html
    assert "official website of the Seoul Metropolitan Government" in html


def test_every_table_that_may_scroll_sideways_can_be_scrolled_from_the_keyboard():
    """A table wrap scrolls sideways when the table is wider than the window (phones, and the
    dashboard's ten columns on a desktop): a keyboard user reaches it only if it takes focus
    (WCAG 2.1.1; axe's scrollable-region-focusable). The privacy policy's table did not."""
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    unfocusable = [
        f"{path.relative_to(templates)}: {tag}"
        for path in templates.rglob("*.html")
        for tag in re.findall(r"<div\b[^>]*krds-table-wrap[^>]*>", path.read_text("utf-8"))
        if 'tabindex="0"' not in tag
    ]
    assert not unfocusable, unfocusable
