"""The PDF progress report: a Jinja layout from reports/ with print CSS, rendered by WeasyPrint.

Korean text uses the Pretendard GOV fonts the app serves (static/vendor/krds/fonts), embedded in
the PDF, so no CJK font is needed on the machine. WeasyPrint fetches only through
`StaticOnlyFetcher`: the app's own static files and data: URLs, nothing else (its default
fetcher would read any file: URL and follow redirects).
"""

import mimetypes
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from flask import current_app
from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from academy.progress_reports import charts
from academy.progress_reports.progress import ProgressReport

REPORTS_DIR = Path(__file__).resolve().parents[2] / "reports"
PRINT_CSS = REPORTS_DIR / "print.css"


class StaticOnlyFetcher(URLFetcher):
    """Serves data: URLs and files under the static folder; refuses everything else."""

    def __init__(self, static_dir: Path):
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.static_dir = static_dir.resolve()

    def fetch(self, url: str, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if self.static_dir in path.parents and path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, body=path.read_bytes(), headers={"Content-Type": kind}
                )
        raise ValueError(f"the report may only use the app's static files: {url}")


def static_dir() -> Path:
    return Path(current_app.static_folder)


def static_base_url() -> str:
    return static_dir().as_uri() + "/"


def report_environment() -> Environment:
    """The app's Jinja environment (filters, translations, macros) reading reports/ first."""
    env = current_app.extensions.get("report_jinja")
    if env is None:
        env = current_app.jinja_env.overlay(
            loader=ChoiceLoader([FileSystemLoader(REPORTS_DIR), current_app.jinja_loader])
        )
        current_app.extensions["report_jinja"] = env
    return env


def report_html(report: ProgressReport, generated_at: datetime) -> str:
    """The finished HTML of the report, charts included."""
    template = report_environment().get_template("progress.html")
    return template.render(
        report=report,
        charts=charts.report_charts(report),
        generated_at=generated_at,
    )


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint with the print CSS, the app's fonts and the restricted fetcher."""
    fetcher = StaticOnlyFetcher(static_dir())
    fonts = FontConfiguration()
    css = CSS(
        string=PRINT_CSS.read_text(encoding="utf-8"),
        base_url=static_base_url(),
        url_fetcher=fetcher,
        font_config=fonts,
    )
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[css], font_config=fonts)


def render_pdf(report: ProgressReport, generated_at: datetime) -> bytes:
    return html_to_pdf(report_html(report, generated_at))
