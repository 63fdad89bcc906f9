"""The PDF report fetches nothing but the app's static files and data: URLs, whatever the data
holds (a local HTTP server records every request and must receive none), and text from the
database comes out literally, with no JavaScript, URI or launch actions from the data."""

import http.server
import io
import threading
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from academy.models import CertificationKind, ReportFormat
from academy.progress_reports.pdf import StaticOnlyFetcher, html_to_pdf
from academy.progress_reports.scope import resolve
from academy.report_archive import services as report_services
from tests import factories
from tests.kpi.people import AS_OF, build_world


@pytest.fixture
def listener():
    """A local HTTP server that records the path of every request it gets."""
    hits: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def _walk(obj, seen=None):
    """Every dictionary reachable in the PDF's object graph."""
    seen = seen if seen is not None else set()
    if isinstance(obj, IndirectObject):
        key = (obj.idnum, obj.generation)
        if key in seen:
            return
        seen.add(key)
        obj = obj.get_object()
    if isinstance(obj, DictionaryObject):
        yield obj
        for value in obj.values():
            yield from _walk(value, seen)
    elif isinstance(obj, list):
        for value in obj:
            yield from _walk(value, seen)


def actions(content: bytes) -> list[str]:
    """The kinds of actions and embedded files anywhere in the PDF."""
    reader = PdfReader(io.BytesIO(content))
    found = []
    for d in _walk(reader.trailer):
        if "/S" in d and str(d["/S"]) in ("/URI", "/JavaScript", "/Launch", "/SubmitForm"):
            found.append(f"{d['/S']} {d.get('/URI', d.get('/JS', ''))}")
        if "/JavaScript" in d or "/EmbeddedFiles" in d or "/OpenAction" in d:
            found.append("document-level action or file")
    return found


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_fetcher_refuses_everything_but_static_files_and_data_urls(app, tmp_path, listener):
    base, hits = listener
    static = Path(app.static_folder)
    fetcher = StaticOnlyFetcher(static)
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"
    link = static / "css" / "linked-out.css"
    outside = tmp_path / "outside.css"
    outside.write_text("secret")
    try:
        link.symlink_to(outside)  # a link inside static/ to a file outside it
        for url in (
            f"{base}/img.png",
            f"{base.replace('http', 'https')}/x",
            "file:///etc/passwd",
            (static / "css" / ".." / ".." / "config.py").as_uri(),
            outside.as_uri(),
            link.as_uri(),
            "ftp://127.0.0.1/x",
            "//127.0.0.1/x",
            "file:///etc/passwd#/static/css/app.css",
        ):
            with pytest.raises(ValueError):
                fetcher.fetch(url)
    finally:
        link.unlink(missing_ok=True)
    assert hits == []


def test_html_that_asks_for_outside_resources_fetches_none(app, listener, tmp_path):
    base, hits = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("never embedded")
    html = (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<link rel="stylesheet" href="{base}/style.css">'
        f'<link rel="attachment" href="file:///etc/passwd">'
        f'<link rel="attachment" href="{secret.as_uri()}">'
        f'<style>@import url("{base}/import.css"); body {{ background: url("{base}/bg.png") }}'
        f'@font-face {{ font-family: x; src: url("{base}/font.woff2") }}</style></head>'
        f'<body><img src="{base}/img.png"><img src="file:///etc/passwd">'
        f'<object data="{base}/object"></object><embed src="{base}/embed">'
        f'<iframe src="{base}/frame"></iframe><svg><image href="{base}/svg.png"/></svg>'
        f"<p>보고서</p></body></html>"
    )
    with app.test_request_context():
        content = html_to_pdf(html)
    assert hits == []
    assert b"never embedded" not in content and b"root:" not in content
    assert "document-level action or file" not in actions(content)


PAYLOAD_NAME = '<img src="{base}/campus.png"><script>alert(1)</script>'
PAYLOAD_CERT = '<link rel="attachment" href="file:///etc/passwd">{{{{7*7}}}}'
PAYLOAD_ISSUER = '<a href="javascript:alert(1)">x</a><a href="{base}/click">y</a>'


def test_a_report_with_payloads_in_the_data_renders_them_as_text(app, db, listener):
    base, hits = listener
    world = build_world(db)
    campus = world["small"]
    campus.name = PAYLOAD_NAME.format(base=base)
    certification = factories.CertificationFactory(
        name=PAYLOAD_CERT.format(),
        issuer=PAYLOAD_ISSUER.format(base=base),
        kind=CertificationKind.AI_COMPANY,
    )
    cohort = world["cohorts"][0]
    factories.ExamAttemptFactory(
        certification=certification,
        cohort=cohort,
        trainee=cohort.enrolments[0].trainee,
        sat_on=date(2025, 6, 14),
    )
    db.session.commit()
    with app.test_request_context():
        params = resolve(db.session, year=2025, as_of=AS_OF)
        content, _report = report_services.render(ReportFormat.PDF, params)
    assert hits == []
    text = " ".join(pdf_text(content).split())
    assert "<script>alert(1)</script>" in text
    assert "{{7*7}}" in text
    found = actions(content)
    assert not [a for a in found if "javascript" in a.lower() or base in a or "/Java" in a], found
    assert "document-level action or file" not in found
