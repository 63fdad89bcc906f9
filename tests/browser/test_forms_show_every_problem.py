"""The planner and the enrolment form show every problem at once, each beside its field, and
the planner never shows figures computed with a value it ignored (Chromium, the demo data)."""

import re

import pytest

from tests.browser.conftest import (
    DEMO_LOGINS,
    PHONE,
    axe_violations,
    demo_sign_in,
    describe_violations,
)
from tests.browser.test_cohort_roster_and_attendance import create_cohort

pytestmark = pytest.mark.browser


def test_the_planner_marks_a_wrong_value_beside_its_field_and_recovers(page):
    demo_sign_in(page, DEMO_LOGINS["official"])
    page.goto("/dashboard/planner")
    verdict = page.locator("[data-plan='verdict']")
    assert verdict.count() == 1
    with page.expect_response(lambda r: "add_large=-3" in r.url):
        page.fill("input[name='add_large']", "-3")
    error = page.locator("#add_large-error")
    error.wait_for(state="visible")
    assert "0 이상" in error.inner_text()
    # No stale result: the figures give way to the list of what to fix.
    assert verdict.count() == 0
    summary = page.locator("[data-plan='problems']")
    assert "1개 값을 고쳐야" in summary.inner_text()
    with page.expect_response(lambda r: "cohorts_per_classroom=abc" in r.url):
        page.fill("input[name='cohorts_per_classroom']", "abc")
    page.locator("#cohorts_per_classroom-error").wait_for(state="visible")
    assert "2개 값을 고쳐야" in summary.inner_text()
    assert page.locator("#add_large-error").is_visible()  # the first problem is still shown
    # Each line of the summary links to its field.
    hrefs = summary.get_by_role("link").evaluate_all("links => links.map(a => a.hash)")
    assert hrefs == ["#add_large", "#cohorts_per_classroom"]
    assert page.locator("#add_large").evaluate("e => e.name") == "add_large"
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    with page.expect_response(lambda r: "add_large=3" in r.url):
        page.fill("input[name='add_large']", "3")
    with page.expect_response(lambda r: "cohorts_per_classroom=2" in r.url):
        page.fill("input[name='cohorts_per_classroom']", "2")
    verdict.wait_for(state="visible")
    assert page.locator("#add_large-error").is_hidden()
    assert page.locator("#cohorts_per_classroom-error").is_hidden()
    assert page.locator("[data-plan='problems']").count() == 0


@pytest.mark.parametrize("viewport", [PHONE], ids=str)
def test_the_enrolment_form_shows_the_age_with_the_other_problems(page, viewport):
    demo_sign_in(page, DEMO_LOGINS["coordinator"])
    create_cohort(page, "FORMS-2026-01")
    page.get_by_role("link", name="교육생 등록").first.click()
    page.wait_for_url("**/enrol")
    # Each field is checked as it is left, and its answer swaps in its message. A click while a
    # message is on its way can land on a button that the message then pushes down, so the
    # walk waits for both answers, as a person sees them before tapping.
    page.fill("#birth_date", "2012-05-05")
    page.locator("#birth_date-error").wait_for(state="visible")
    page.fill("#email", "not-an-email")
    page.locator("#email").blur()
    page.locator("#email-error").wait_for(state="visible")
    with page.expect_navigation():
        page.locator("form.stacked-form button[type='submit']").first.click()
    summary = page.locator("[data-form='problems']")
    assert "3개 항목을 고쳐야" in summary.inner_text()
    for name in ("name", "birth_date", "email"):
        assert page.locator(f"#{name}-error").is_visible(), name
        assert page.locator(f"#{name}").get_attribute("aria-invalid") == "true", name
    assert re.search(r"만 \d+세", page.locator("#birth_date-error").inner_text())
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
