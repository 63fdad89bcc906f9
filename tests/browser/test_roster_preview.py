"""A coordinator reads the roster preview before importing: rows hidden in Excel are marked,
every stored field is shown, and a known trainee's new name is applied only when ticked; the
page stays accessible and fits a phone (issue 16)."""

import openpyxl
import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_cohort_roster_and_attendance import (
    XLSX,
    assert_accessible_and_fits,
    create_cohort,
    sign_in,
)
from tests.exchange import corpus

pytestmark = pytest.mark.browser


def roster(tag: str, rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([*corpus.HEADER, "취약계층", "비고"])
    for index, (name, born, email, phone) in enumerate(rows):
        sheet.append(
            [
                name,
                born,
                email.replace("@", f"+{tag}@"),
                phone,
                "N",
                "중도포기" if index == 1 else None,
            ]
        )
    sheet.auto_filter.ref = f"A1:F{len(rows) + 1}"
    sheet.row_dimensions[3].hidden = True
    return corpus.workbook_bytes(workbook)


def upload(page, data: bytes) -> None:
    page.locator("a[href$='/roster/import']").first.click()
    page.wait_for_load_state()
    file = {"name": "명단.xlsx", "mimeType": XLSX, "buffer": data}
    page.set_input_files("input[name='file']", files=[file])
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] button[type='submit']").click()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=str)
def test_the_preview_marks_hidden_rows_and_applies_corrections_only_when_ticked(page, viewport):
    tag = f"preview-{viewport.name}"
    rows = corpus.people(3, 300)
    sign_in(page)
    create_cohort(page, f"BROWSER-{viewport.name.upper()}-16")
    cohort_url = page.url

    upload(page, roster(tag, rows))
    status = page.locator("#import-status")
    assert status.locator("tr.row--hidden").count() == 1
    assert "3행은 Excel에서" in status.inner_text() and rows[0][3] in status.inner_text()
    assert_accessible_and_fits(page, viewport)
    with page.expect_navigation():
        page.locator("form[action$='/commit'] button[type='submit']").click()
    page.goto(cohort_url)

    renamed = [[rows[0][0] + "람", *rows[0][1:]], *rows[1:]]
    upload(page, roster(tag, renamed))
    assert status.locator("#changes").count() == 1
    assert_accessible_and_fits(page, viewport)
    page.locator("label[for='apply_changes']").click()  # KRDS draws the box on the label
    assert page.locator("#apply_changes").is_checked()
    with page.expect_navigation():
        page.locator("form[action$='/commit'] button[type='submit']").click()
    assert "1명의 정보를 파일 내용으로 고쳤습니다" in status.inner_text()
    page.goto(cohort_url)
    assert rows[0][0] + "람" in page.locator("#roster").inner_text()
