"""An official filters the citywide dashboard by tier, downloads the citywide PDF and finds it in
the report archive (Chromium, the demo data)."""

import hashlib
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader

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


def sign_in(page, role="official"):
    demo_sign_in(page, DEMO_LOGINS[role])


def test_official_filters_by_tier_downloads_the_pdf_and_finds_it_in_the_archive(page):
    sign_in(page)
    assert urlsplit(page.url).path == "/dashboard/"
    assert has_hangul(page.locator("h1").inner_text())
    # The tier and campus tables (ten columns) scroll inside their frame, not the whole page.
    assert not has_horizontal_scroll(page)
    results = page.locator("#dashboard-results")
    all_campuses = results.locator("#campuses-heading + .krds-table-wrap tbody tr").count()

    # The filter swaps the results in place (no reload) and keeps itself in the URL.
    page.evaluate("window.__not_reloaded = true")
    with page.expect_response(lambda r: "/dashboard/" in r.url and "tier=small" in r.url):
        page.select_option("select[name='tier']", "small")
    page.wait_for_function("() => location.search.includes('tier=small')")
    assert page.evaluate("window.__not_reloaded") is True
    assert parse_qs(urlsplit(page.url).query)["tier"] == ["small"]
    small_campuses = results.locator("#campuses-heading + .krds-table-wrap tbody tr").count()
    assert 0 < small_campuses < all_campuses
    assert "소형" in results.locator(".scope-title").inner_text()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    # Back to the whole city, then the citywide PDF.
    with page.expect_response(lambda r: "/dashboard/" in r.url):
        page.select_option("select[name='tier']", "")
    page.wait_for_function("() => !location.search.includes('tier=small')")
    # The citywide PDF is made by a background job: the report page follows it and offers the
    # file when it is ready (seconds, more on a busy machine: wait for it, not 10 s).
    page.locator("form[action='/reports/'] button", has_text="PDF").click(timeout=90_000)
    ready = page.locator("a[data-report-ready]")
    ready.wait_for(timeout=90_000)
    assert page.locator("#report-submit").is_enabled()  # the job is over: the button is back
    with page.expect_download(timeout=90_000) as download_info:
        ready.click()
    download = download_info.value
    assert download.suggested_filename.endswith("-citywide-" + download.suggested_filename[-14:])
    content = open(download.path(), "rb").read()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert has_hangul(text)

    page.goto("/reports/")
    sha = hashlib.sha256(content).hexdigest()
    row = page.locator(f"tr:has(code.sha[title='{sha}'])")
    assert row.count() == 1
    assert has_hangul(row.inner_text())
    with page.expect_download() as again_info:
        row.locator("a[download]").click()
    assert open(again_info.value.path(), "rb").read() == content
    assert page.errors == []


@pytest.mark.parametrize("viewport", [PHONE], ids=str)
def test_the_coordinators_campus_dashboard_fits_a_phone(page, viewport):
    sign_in(page, "coordinator")
    page.locator("nav a[href^='/dashboard/campus/']").click()
    page.wait_for_load_state()
    assert has_hangul(page.locator("h1").inner_text())
    assert page.locator("figure.chart svg").count() >= 2
    assert not has_horizontal_scroll(page)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


@pytest.mark.parametrize("viewport", [DESKTOP], ids=str)
def test_the_planner_answers_as_the_official_types(page, viewport):
    sign_in(page)
    page.goto("/dashboard/planner")
    verdict = page.locator("[data-plan='verdict']")
    before = verdict.inner_text()
    with page.expect_response(lambda r: "add_large=30" in r.url):
        page.fill("input[name='add_large']", "30")
    page.wait_for_function("() => location.search.includes('add_large=30')")
    assert verdict.inner_text() != before
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
