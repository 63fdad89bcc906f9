"""An official downloads the Excel report from the dashboard; opened with openpyxl, every sheet
is one table with unique Korean headers in its first (frozen, filtered) row and typed cells."""

import io
import re
from datetime import datetime

from openpyxl import load_workbook

from tests.browser.conftest import DEMO_LOGINS, demo_sign_in, has_hangul

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_the_official_downloads_a_clean_excel_report(page):
    demo_sign_in(page, DEMO_LOGINS["official"])
    page.goto("/dashboard/")
    # The report is made by a background job; the page offers the file when it is ready.
    page.locator("form[action='/reports/'] button", has_text="엑셀").click(timeout=90_000)
    ready = page.locator("a[data-report-ready]")
    ready.wait_for(timeout=90_000)
    with page.expect_download(timeout=90_000) as download_info:
        ready.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(open(download.path(), "rb").read()))

    assert len(workbook.sheetnames) >= 10 and all(has_hangul(t) for t in workbook.sheetnames)
    for ws in workbook.worksheets:
        header = [c.value for c in ws[1]]
        assert all(isinstance(h, str) and HANGUL.search(h) for h in header), (ws.title, header)
        assert len(set(header)) == len(header), (ws.title, header)
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:"), ws.title
        if ws.max_row > 1:
            assert any(c.value is not None for c in ws[2]), f"blank row under {ws.title}"

    cohorts = workbook["기수별"]
    header = [c.value for c in cohorts[1]]
    assert header.count("기수") == 1
    rows = list(cohorts.iter_rows(min_row=2))
    assert rows, "the demo has cohorts"
    for row in rows:
        starts = row[header.index("시작일")]
        assert isinstance(starts.value, datetime) and starts.number_format == "yyyy-mm-dd"
        enrolled = row[header.index("등록 인원")]
        assert isinstance(enrolled.value, int)
    summary = {r[0].value: r[1] for r in workbook["요약"].iter_rows(min_row=2)}
    assert isinstance(summary["가장 최근 기록"].value, datetime)
    assert summary["연도"].number_format == "0"
    targets = workbook["목표"]
    assert all(HANGUL.search(str(r[3].value)) for r in targets.iter_rows(min_row=2))
    assert page.errors == []
