"""A coordinator's Monday: create a cohort, upload the roster as coordinators keep it (with two bad
rows), read the problems in Korean, download the copy with the problems marked, fix it, import it,
then mark a day's attendance with clicks, on a laptop and on a phone."""

import io
from datetime import timedelta
from pathlib import Path

import openpyxl
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

SAMPLE = Path(__file__).parents[1] / "exchange" / "data" / "roster_as_coordinators_keep_it.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def roster_with_two_bad_rows(tag: str) -> bytes:
    """The sample roster, its e-mails made unique to this run, a date and an e-mail broken."""
    workbook = openpyxl.load_workbook(SAMPLE)
    sheet = workbook.active
    for row in range(5, 10):
        cell = sheet.cell(row=row, column=5)
        cell.value = cell.value.replace("@", f"+{tag}@")
    sheet.cell(row=6, column=3).value = "1996.13.02"  # no 13th month
    sheet.cell(row=8, column=5).value = "raon.choi"  # no domain
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sign_in(page) -> None:
    demo_sign_in(page, DEMO_LOGINS["coordinator"])


def assert_accessible_and_fits(page, viewport) -> None:
    violations = axe_violations(page)
    assert not violations, f"on {page.url}:\n" + describe_violations(violations)
    if viewport is PHONE:
        assert not has_horizontal_scroll(page), page.url


def create_cohort(page, code: str) -> None:
    page.goto("/cohorts/new")
    assert has_hangul(page.locator("label[for='code']").inner_text())
    page.fill("#code", code)
    page.select_option("#course_id", index=1)
    today = page.evaluate(
        "new Intl.DateTimeFormat('en-CA', {timeZone: 'Asia/Seoul'}).format(new Date())"
    )
    from datetime import date

    first = date.fromisoformat(today) - timedelta(days=21)
    page.fill("#starts_on", first.isoformat())
    page.fill("#ends_on", (first + timedelta(days=90)).isoformat())
    page.fill("#capacity", "25")
    with page.expect_navigation():
        page.locator("form.stacked-form button[type='submit']").first.click()
    assert "/cohorts/" in page.url and code in page.locator("h1").inner_text()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=str)
def test_coordinator_imports_a_roster_then_marks_attendance(page, viewport, tmp_path):
    code = f"BROWSER-{viewport.name.upper()}-01"
    sign_in(page)
    create_cohort(page, code)
    cohort_url = page.url

    # Upload the roster with two bad rows.
    page.locator("a[href$='/roster/import']").first.click()
    page.wait_for_load_state()
    page.set_input_files(
        "input[name='file']",
        files=[
            {
                "name": "3기_명단.xlsx",
                "mimeType": XLSX,
                "buffer": roster_with_two_bad_rows(viewport.name),
            }
        ],
    )
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] button[type='submit']").click()

    # Every problem, by row and column, in Korean; nothing can be imported yet.
    rows = page.locator("table.problems tbody tr")
    assert rows.count() == 2
    cells = [
        [c.inner_text().strip() for c in rows.nth(i).locator("th, td").all()] for i in range(2)
    ]
    assert [(c[0], c[1]) for c in cells] == [("6", "생년월일"), ("8", "이메일")]
    assert all(has_hangul(c[3]) for c in cells), cells
    assert page.locator("form[action$='/commit']").count() == 0
    assert_accessible_and_fits(page, viewport)

    # The copy with the problems marked, fixed in "Excel" and sent again.
    with page.expect_download() as download:
        page.locator("a[href$='/errors.xlsx']").click()
    copy = tmp_path / "problems.xlsx"
    download.value.save_as(copy)
    workbook = openpyxl.load_workbook(copy)
    sheet = workbook.active
    marks = {row: sheet.cell(row=row, column=sheet.max_column).value for row in range(5, 10)}
    assert marks[6] and "생년월일" in marks[6] and marks[8] and "이메일" in marks[8]
    assert marks[5] is None and marks[7] is None
    sheet.cell(row=6, column=3).value = "1996.11.02"
    sheet.cell(row=8, column=5).value = f"raon.choi+{viewport.name}@example.org"
    fixed = tmp_path / "fixed.xlsx"
    workbook.save(fixed)
    page.set_input_files("input[name='file']", str(fixed))
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] button[type='submit']").click()
    assert page.locator("table.problems").count() == 0
    preview = page.locator("#import-status").inner_text()
    assert f"raon.choi+{viewport.name}@example.org" in preview
    with page.expect_navigation():
        page.locator("form[action$='/commit'] button[type='submit']").click()
    assert page.locator(".notice--success").count() == 1

    # The roster has the five trainees.
    page.goto(cohort_url)
    roster = page.locator("#roster").inner_text()
    for name in ("김가람", "이나래", "박다솜", "최라온", "정마루"):
        assert name in roster

    # A day's attendance, one click per trainee, no page reload.
    page.locator("a[href$='/attendance']").first.click()
    page.wait_for_load_state()
    assert has_hangul(page.locator("#sheet-heading").inner_text())
    page.evaluate("window.__sameDocument = true")
    count_before = page.locator("#sheet-count").inner_text()
    assert "0" in count_before and "5" in count_before
    first_row = page.locator("tbody tr", has_text="김가람")
    late = first_row.locator("button[value='late']")
    late.click()
    page.wait_for_selector("tr:has-text('김가람') button[value='late'][aria-pressed='true']")
    second_row = page.locator("tbody tr", has_text="이나래")
    second_row.locator("button[value='present']").click()
    page.wait_for_selector("tr:has-text('이나래') button[value='present'][aria-pressed='true']")
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
    assert has_hangul(page.locator("tr:has-text('김가람') .mark-now").inner_text())
    count_after = page.locator("#sheet-count").inner_text()
    assert count_after == count_before.replace("0", "2"), (count_before, count_after)
    assert_accessible_and_fits(page, viewport)

    page.reload()
    assert (
        page.locator("tr:has-text('김가람') button[value='late']").get_attribute("aria-pressed")
        == "true"
    )
    assert page.errors == []
