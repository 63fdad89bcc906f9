"""Every role signs in from the Korean login page and lands on a Korean, accessible home page,
on a desktop screen and on a phone."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import (
    DEMO_LOGINS,
    DESKTOP,
    PHONE,
    axe_violations,
    demo_sign_in,
    describe_violations,
    has_hangul,
    has_horizontal_scroll,
)

pytestmark = pytest.mark.browser

SCREENS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=str)
LOGIN_FORM = "form:has(input[name='password'])"


def label_text(page, name: str) -> str:
    return page.locator(f"{LOGIN_FORM} [name='{name}']").evaluate(
        "el => Array.from(el.labels).map(label => label.textContent).join(' ')"
    )


def assert_fits_the_screen(page, viewport) -> None:
    if viewport is PHONE:
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert not has_horizontal_scroll(page), f"{width}px wide on a {viewport.width}px screen"


def assert_no_failed_assets(page) -> None:
    failed = [r for r in page.failed_responses if "/static/" in r]
    assert not failed, failed


@SCREENS
def test_login_page_is_korean_and_accessible(page, viewport):
    response = page.goto("/login")

    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "ko"
    heading = page.locator("h1").first
    assert has_hangul(heading.inner_text()), heading.inner_text()
    assert has_hangul(label_text(page, "email"))
    assert has_hangul(label_text(page, "password"))
    assert has_hangul(page.locator(f"{LOGIN_FORM} button[type='submit']").inner_text())
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    assert_fits_the_screen(page, viewport)
    assert_no_failed_assets(page)
    assert page.errors == []


@SCREENS
@pytest.mark.parametrize("role", list(DEMO_LOGINS))
def test_each_role_signs_in_to_a_korean_accessible_home_page(page, viewport, role):
    response = demo_sign_in(page, DEMO_LOGINS[role])

    assert response.status == 200, f"{response.status} at {page.url}"
    path = urlsplit(page.url).path
    assert path != "/login", "still on the login page: the demo login was refused"
    visited = [path]
    request = response.request.redirected_from
    while request is not None:
        visited.append(urlsplit(request.url).path)
        request = request.redirected_from
    assert "/" in visited, f"sign-in did not go through the home page: {visited[::-1]}"

    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator("h1").count() >= 1, f"no <h1> on {path}"
    heading = page.locator("h1").first
    assert has_hangul(heading.inner_text()), heading.inner_text()
    violations = axe_violations(page)
    assert not violations, f"on {path}:\n" + describe_violations(violations)
    assert_fits_the_screen(page, viewport)
    assert_no_failed_assets(page)
    assert page.errors == []
