"""The PDF and Excel reports, the archive of downloads, and the report CLI."""

import hashlib
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from academy.models import (
    AccessAction,
    AccessLog,
    ArchivedReport,
    Campus,
    Role,
    Trainee,
)
from academy.progress_reports.excel import safe_text
from academy.progress_reports.pdf import StaticOnlyFetcher, html_to_pdf
from tests.kpi.people import AS_OF, build_world

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def pdf_fonts(content: bytes) -> dict[str, bool]:
    """Every font the PDF uses, and whether its file is embedded."""
    fonts = {}
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = (
                font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                if "/DescendantFonts" in font
                else font.get("/FontDescriptor")
            )
            embedded = descriptor is not None and any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def generate(client, fmt="pdf", **fields):
    """Ask for a report; a successful request answers 303 to the page that follows its job,
    whose Location is replaced by the job's (which, once done, sends the browser to the file)."""
    data = {"format": fmt, "year": "2025", "as_of": AS_OF.isoformat(), **fields}
    response = client.post("/reports/", data=data)
    if response.status_code == 303:
        job_id = int(response.headers["Location"].rsplit("job=", 1)[1])
        followed = client.get(f"/reports/jobs/{job_id}")
        assert followed.status_code == 303, followed.get_data(as_text=True)
        response.headers["Location"] = followed.headers["Location"]
    return response


def test_the_pdf_is_korean_with_the_apps_fonts_embedded(client, login_as, db):
    build_world(db)
    login_as(Role.OFFICIAL)
    response = client.get(generate(client).headers["Location"])
    assert response.mimetype == "application/pdf"
    content = response.data
    text = pdf_text(content)
    assert "서울 청년취업사관학교" in text or HANGUL.search(text)
    assert "종로캠퍼스" in text and "강남캠퍼스" in text  # the per-campus table
    fonts = pdf_fonts(content)
    assert fonts and all(fonts.values()), fonts  # every font embedded
    # Only the Pretendard GOV files the app ships: no system CJK font was needed.
    assert all("Pretendard" in name for name in fonts), fonts
    assert len(PdfReader(io.BytesIO(content)).pages) >= 5  # cover, figures, tables, methodology


def test_rare_syllables_render_with_the_shipped_font(app, db):
    html = (
        '<!doctype html><html><head><meta charset="utf-8"></head>'
        "<body><p>뷁 똠 햏 청년</p></body></html>"
    )
    with app.test_request_context():
        content = html_to_pdf(html)
    assert "뷁 똠 햏 청년" in pdf_text(content)
    assert all("Pretendard" in name for name in pdf_fonts(content))


def test_the_pdf_fetcher_serves_only_static_files_and_data_urls(app, tmp_path):
    static = Path(app.static_folder)
    fetcher = StaticOnlyFetcher(static)
    font = static / "vendor/krds/fonts/PretendardGOV-Regular.subset.woff2"
    assert fetcher.fetch(font.as_uri()).read()[:4] == b"wOF2"
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    secret = tmp_path / "secret.txt"
    secret.write_text("do not embed")
    for url in (
        secret.as_uri(),
        "file:///etc/passwd",
        (static / ".." / "config.py").as_uri(),
        "http://127.0.0.1:9/x.css",
        "https://example.com/font.woff2",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    html = (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<link rel="attachment" href="{secret.as_uri()}"></head>'
        f'<body><img src="{secret.as_uri()}"><p>보고서</p></body></html>'
    )
    with app.test_request_context():
        content = html_to_pdf(html)
    assert b"do not embed" not in content


def test_the_workbook_has_a_sheet_per_table_and_escapes_formulas(client, login_as, db):
    world = build_world(db)
    world["small"].name = '=HYPERLINK("http://evil","x")'
    db.session.commit()
    login_as(Role.OFFICIAL)
    content = client.get(generate(client, "xlsx").headers["Location"]).data
    workbook = load_workbook(io.BytesIO(content))
    assert len(workbook.sheetnames) >= 10
    cells = [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row]
    assert not [c for c in cells if c.data_type == "f"], "no formula anywhere"
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert '\'=HYPERLINK("http://evil","x")' in texts
    assert not [t for t in texts if t.startswith(("=", "+", "@", "\t", "\r"))]


def test_the_workbook_is_one_typed_table_per_sheet_in_the_readers_language(client, login_as, db):
    """Each sheet: one header row (row 1, frozen, filtered), unique Korean headers, no blank row
    under it, real dates and numbers with formats, times in Seoul, columns sized."""
    from datetime import date, datetime

    from academy.models import Scholarship

    world = build_world(db)
    trainee = db.session.scalars(sa.select(Trainee)).first()
    db.session.add(
        Scholarship(
            trainee_id=trainee.id,
            amount=300_000,
            awarded_on=date(2025, 7, 1),
            reason="취약계층 장학",
        )
    )
    db.session.commit()
    login_as(Role.OFFICIAL)
    created = generate(client, "xlsx", include_personal="y", reason="장학금 지급 확인")
    workbook = load_workbook(io.BytesIO(client.get(created.headers["Location"]).data))
    assert "장학금" in workbook.sheetnames
    for ws in workbook.worksheets:
        header = [c.value for c in ws[1]]
        assert all(isinstance(h, str) and h.strip() for h in header), (ws.title, header)
        assert len(set(header)) == len(header), (ws.title, header)  # no two columns alike
        assert all(HANGUL.search(h) for h in header), (ws.title, header)  # Korean, not English
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(header)).column_letter}{ws.max_row}"
        if ws.max_row > 1:
            assert any(c.value is not None for c in ws[2]), f"blank row under {ws.title}'s header"
        for column in range(1, len(header) + 1):
            letter = ws.cell(1, column).column_letter
            assert ws.column_dimensions[letter].width >= 8, (ws.title, letter)
        texts = [
            c.value for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)
        ]
        assert not [t for t in texts if re.fullmatch(r"\d{4}-\d\d-\d\d.*", t)], ws.title
        assert "Source" not in texts and "source" not in texts

    cohorts = workbook["기수별"]
    header = [c.value for c in cohorts[1]]
    starts = cohorts.cell(2, header.index("시작일") + 1)
    assert isinstance(starts.value, datetime) and starts.number_format == "yyyy-mm-dd"
    assert cohorts.cell(2, header.index("수료율") + 1).number_format == "0.0%"
    assert isinstance(cohorts.cell(2, header.index("수료율") + 1).value, int | float)
    assert header.count("기수") == 1

    summary = {r[0].value: r[1] for r in workbook["요약"].iter_rows(min_row=2)}
    assert summary["연도"].value == 2025 and summary["연도"].number_format == "0"
    assert isinstance(summary["기준일"].value, datetime)
    # The newest record is stored in UTC; the sheet shows Seoul time, as the screen does.
    shown = summary["가장 최근 기록"]
    newest = db.session.scalars(sa.select(ArchivedReport.data_as_of)).one()
    assert shown.value == (newest + timedelta(hours=9)).replace(microsecond=0)
    assert shown.number_format == "yyyy-mm-dd hh:mm"

    money = {r[0].value: r[1] for r in workbook["인턴십·응시료 지원"].iter_rows(min_row=2)}
    assert "원" in money["예산"].number_format or money["예산"].value is None

    targets = workbook["목표"]
    assert [c.value for c in targets[1]] == ["목표", "연도", "목표값", "목표 근거"]
    years = {r[1].value for r in targets.iter_rows(min_row=2)}
    assert 2030 in years and all(isinstance(y, int) for y in years)

    scholarships = workbook["장학금"]
    row = [c for c in scholarships[2]]
    header = [c.value for c in scholarships[1]]
    assert row[header.index("지급일")].value == datetime(2025, 7, 1)
    assert row[header.index("금액")].value == 300_000
    assert "원" in row[header.index("금액")].number_format
    assert world  # the world's campuses appear by name
    assert "종로캠퍼스" in [c.value for c in workbook["캠퍼스별"]["A"]]


def test_the_workbook_speaks_english_to_an_english_reader(client, login_as, db):
    build_world(db)
    login_as(Role.OFFICIAL)
    client.post("/language", data={"locale": "en"})
    workbook = load_workbook(
        io.BytesIO(client.get(generate(client, "xlsx").headers["Location"]).data)
    )
    header = [c.value for c in workbook.worksheets[0][1]]
    assert header == [
        "Figure",
        "Value",
        "Numerator",
        "Denominator",
        "Target",
        "Fewer than 10 people",
    ]
    cohorts = [c.value for c in workbook["By cohort"][1]]
    assert len(set(cohorts)) == len(cohorts) and "Cohort" in cohorts


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_looks_like_a_formula_is_escaped(text):
    assert safe_text(text) == "'" + text
    assert safe_text("종로캠퍼스") == "종로캠퍼스"


def test_every_download_is_archived_and_comes_back_byte_identical(client, login_as, db):
    build_world(db)
    official = login_as(Role.OFFICIAL)
    first = client.get(generate(client, tier="small").headers["Location"])
    row = db.session.scalars(sa.select(ArchivedReport)).one()
    assert row.sha256 == hashlib.sha256(first.data).hexdigest()
    assert (row.year, row.tier.value, row.as_of, row.created_by_id) == (
        2025,
        "small",
        AS_OF,
        official.id,
    )
    assert row.data_as_of is not None
    again = client.get(f"/reports/{row.id}/download")
    assert again.data == first.data
    assert again.headers["X-Content-SHA256"] == row.sha256
    page = client.get("/reports/").get_data(as_text=True)
    assert row.sha256[:12] in page and official.name in page


def test_named_lists_need_a_reason_and_are_logged(client, login_as, db):
    build_world(db)
    login_as(Role.OFFICIAL)
    refused = generate(client, "xlsx", include_personal="y")
    assert refused.status_code == 422
    assert "5" in refused.get_data(as_text=True)  # the reason needs at least 5 characters
    assert generate(client, "pdf", include_personal="y", reason="감사 대응 자료").status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(ArchivedReport.id))) == 0

    created = generate(client, "xlsx", include_personal="y", reason="장학금 지급 확인")
    assert created.status_code == 303
    client.get(created.headers["Location"])
    row = db.session.scalars(sa.select(ArchivedReport)).one()
    assert row.includes_personal_data and row.reason == "장학금 지급 확인"
    actions = db.session.scalars(
        sa.select(AccessLog.action)
        .where(AccessLog.subject_type == "archived_report")
        .order_by(AccessLog.seq)
    ).all()
    assert actions == [AccessAction.EXPORT, AccessAction.DOWNLOAD]


def test_a_coordinator_cannot_download_reports(client, login_as, db):
    world = build_world(db)
    login_as(Role.COORDINATOR, campus=world["small"])
    assert generate(client).status_code == 403


def test_report_cli_writes_pdf_and_xlsx(runner, db, tmp_path):
    build_world(db)
    pdf_file, xlsx_file = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    result = runner.invoke(
        args=["report", "pdf", "--year", "2025", "--campus", "강남캠퍼스", "-o", str(pdf_file)]
    )
    assert result.exit_code == 0, result.output
    assert "강남캠퍼스" in pdf_text(pdf_file.read_bytes())
    result = runner.invoke(args=["report", "xlsx", "--year", "2025", "-o", str(xlsx_file)])
    assert result.exit_code == 0, result.output
    assert load_workbook(xlsx_file).sheetnames[0]


def test_cli_refuses_an_unknown_campus(runner, db):
    build_world(db)
    result = runner.invoke(args=["kpi", "--campus", "없는캠퍼스", "--json"])
    assert result.exit_code == 1
    assert "없는캠퍼스" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Campus.id))) == 28
