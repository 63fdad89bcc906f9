"""A corpus of XSS, htmx and template-injection payloads stored in every free-text column renders
inert on every page and htmx fragment each role can reach; Excel cells never start like a formula.

The payloads go straight into the database (every String/Text column that holds what people
type, listed in FREE_TEXT), after the objects behind every URL of the access-policy table exist.
"""

import io
import re
from datetime import date
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask import url_for
from markupsafe import escape
from openpyxl import load_workbook

from academy.extensions import db
from academy.models import AdvancedTrackSelection, ReportFormat, Role, Scholarship
from academy.progress_reports.scope import resolve
from academy.report_archive import services as report_services
from tests import factories
from tests.privacy.walk import reachable_urls
from tests.test_access import sign_in, url_args

# Each bundle is short enough for most columns and combines several payloads.
BUNDLES = [
    '<script>alert(1)</script>"><img src=x onerror=alert(1)>',
    '<div hx-get="/logout" hx-trigger="load">x</div>\' hx-on::load="alert(1)',
    "javascript:alert(1)</textarea><svg onload=alert(1)>{{7*7}}",
    '=HYPERLINK("http://x","y")<a href="javascript:alert(1)">',
    "=cmd|' /C calc'!A0<iframe src=//x></iframe>",
]
RAW_MARKERS = [
    "<script>alert",
    "<img src=x",
    "<div hx-get",
    'hx-on::load="alert',
    "<svg onload",
    "</textarea><svg",
    '<a href="javascript',
    "<iframe src=//x",
]

# table -> columns people type into (names, titles, notes, reasons, file names as sent).
FREE_TEXT = {
    "alliance_member": ["name"],
    "campus": ["name", "partner_company", "industry"],
    "certification": ["name", "issuer"],
    "fund_donation": ["donor", "description"],
    "subsidy_programme": ["name"],
    "classroom": ["name"],
    "course": ["name", "field", "partner_company"],
    "host_organisation": ["name"],
    "user": ["name"],
    "archived_report": ["reason"],
    "cohort": ["code"],
    "instructor": ["specialty"],
    "internship_opening": ["title"],
    "kpi_setting_change": ["reason"],
    "advanced_track_selection": ["programme"],
    "career_period": ["employer", "role_title", "evidence_name"],
    "enrolment": ["completion_override_reason"],
    "exam_attempt": ["evidence_name"],
    "scholarship": ["reason"],
    "contact_attempt": ["note"],
    "outcome_record": ["employer", "returned_reason"],
    "subsidy_claim": ["receipt_name", "decision_reason"],
    "outcome_evidence": ["original_name"],
}


def store_payload(bundle: str) -> None:
    """Every free-text column of every row becomes the bundle, with the row id after it
    (unique names stay unique) and cut to the column's length."""
    tables = db.metadata.tables
    for table_name, columns in FREE_TEXT.items():
        table = tables[table_name]
        for name in columns:
            column = table.c[name]
            limit = getattr(column.type, "length", None) or 500
            for (row_id,) in db.session.execute(sa.select(table.c.id)).all():
                suffix = f" #{row_id}"
                value = bundle[: limit - len(suffix)] + suffix
                row = table.update().where(table.c.id == row_id)
                try:
                    with db.session.begin_nested():
                        db.session.execute(row.values({name: value}))
                except sa.exc.IntegrityError:  # a CHECK ties the column to a state: only if set
                    with db.session.begin_nested():
                        db.session.execute(row.where(column.is_not(None)).values({name: value}))
    db.session.commit()


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "hx-get", "hx-post"}
# Downloads of personal data ask why (the access log); the walk gives a reason everywhere.
REASON = {"reason": "other", "reason_other": "XSS 점검"}


class Markup(HTMLParser):
    """Collects what would be live in a browser: tags and their attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {k for k, _ in attrs}
        if tag == "script" and "nonce" not in names and "src" not in names:
            self.live.append("inline <script> without a nonce")
        if tag in ("iframe", "object", "embed"):
            self.live.append(f"<{tag}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.live.append("<img src=x>")
        for key, value in attrs:
            if key.startswith("on") or key.startswith("hx-on"):
                self.live.append(f"{tag} {key}")
            if key in ("hx-get", "hx-post") and value == "/logout":
                self.live.append(f"{tag} {key}=/logout")
            if key == "hx-trigger" and value == "load":
                self.live.append(f"{tag} hx-trigger=load")
            if key in URL_ATTRIBUTES and re.sub(r"\s", "", value or "").lower().startswith(
                "javascript:"
            ):
                self.live.append(f"{tag} {key}=javascript:")


def inert(html: str) -> list[str]:
    parser = Markup()
    parser.feed(html)
    return parser.live + [m for m in RAW_MARKERS if m in html]


@pytest.fixture
def world(db):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus)
    enrolment = factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()
    return {"campus": campus, "cohort": cohort, "enrolment": enrolment}


@pytest.mark.parametrize("bundle", range(len(BUNDLES)))
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_payloads_render_inert_on_every_page_and_fragment(
    app, client, login_as, world, role, bundle
):
    urls = reachable_urls(app, role, world, sign_in(login_as, role, world)).values()
    store_payload(BUNDLES[bundle])
    escaped_seen = 0
    for url in urls:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers, query_string=REASON)
            # 303: a page that moved on (a closed cohort's edit form); its target is walked too.
            assert response.status_code in (200, 303), (url, response.status_code)
            if response.mimetype != "text/html":
                continue
            html = response.get_data(as_text=True)
            assert not inert(html), (url, headers, inert(html))
            escaped_seen += str(escape(BUNDLES[bundle][:20])) in html
    assert escaped_seen, "the payload was shown (escaped) on some page"


def _cells(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    return [c for sheet in workbook for row in sheet.iter_rows() for c in row]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def assert_no_formula(content: bytes) -> list[str]:
    cells = _cells(content)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(FORMULA_STARTS)], texts
    return texts


@pytest.mark.parametrize(
    "payload",
    [
        '=HYPERLINK("http://x","y")',
        "=cmd|' /C calc'!A0",
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
    ],
)
def test_excel_exports_escape_formula_text(app, client, login_as, world, db, payload):
    """The subsidy ledger (official), the report workbook with its named lists."""
    from tests.kpi.people import AS_OF, build_world

    build_world(db)
    official = sign_in(login_as, Role.OFFICIAL, world)
    with app.test_request_context():
        ledger_url = url_for(
            "subsidies.ledger_export", **url_args("subsidies.ledger_export", world, official)
        )
    scholar = world["enrolment"].trainee
    db.session.add(
        Scholarship(trainee=scholar, amount=500_000, awarded_on=date(2025, 7, 1), reason="x")
    )
    db.session.add(
        AdvancedTrackSelection(
            year=2025, trainee=scholar, selected_on=date(2025, 8, 1), programme="x"
        )
    )
    db.session.commit()
    store_payload(payload)
    response = client.get(ledger_url, query_string=REASON)
    assert response.status_code == 200
    texts = assert_no_formula(response.data)
    assert any(t.startswith("'") and payload.lstrip("\t\r")[:2] in t for t in texts), texts
    with app.test_request_context():
        params = resolve(db.session, year=2025, as_of=AS_OF)
        content, _report = report_services.render(ReportFormat.XLSX, params, personal=True)
    texts = assert_no_formula(content)
    assert any(t.startswith("'") and payload.lstrip("\t\r")[:2] in t for t in texts)
