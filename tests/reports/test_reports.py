"""The PDF and Excel reports, the archive of downloads, and the report CLI."""

import hashlib
import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from academy.models import AccessAction, AccessLog, ArchivedReport, Campus, Role
from academy.reporting.excel import safe_text
from academy.reporting.pdf import StaticOnlyFetcher, html_to_pdf
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
    html = ('<!doctype html><html><head><meta charset="utf-8"></head>'
            "<body><p>뷁 똠 햏 청년</p></body></html>")  # fmt: skip
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
    for url in (secret.as_uri(), "file:///etc/passwd", (static / ".." / "config.py").as_uri(),
                "http://127.0.0.1:9/x.css", "https://example.com/font.woff2"):  # fmt: skip
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    html = ('<!doctype html><html><head><meta charset="utf-8">'
            f'<link rel="attachment" href="{secret.as_uri()}"></head>'
            f'<body><img src="{secret.as_uri()}"><p>보고서</p></body></html>')  # fmt: skip
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
    assert (row.year, row.tier.value, row.as_of, row.created_by_id) == (2025, "small", AS_OF,
                                                                        official.id)  # fmt: skip
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
        sa.select(AccessLog.action).where(AccessLog.subject_type == "archived_report")
    ).all()
    assert actions == [AccessAction.EXPORT, AccessAction.DOWNLOAD]


def test_a_coordinator_cannot_download_reports(client, login_as, db):
    world = build_world(db)
    login_as(Role.COORDINATOR, campus=world["small"])
    assert generate(client).status_code == 403


def test_report_cli_writes_pdf_and_xlsx(runner, db, tmp_path):
    build_world(db)
    pdf_file, xlsx_file = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    result = runner.invoke(args=["report", "pdf", "--year", "2025", "--campus", "강남캠퍼스",
                                 "-o", str(pdf_file)])  # fmt: skip
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
