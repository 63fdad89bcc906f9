"""The dashboard, the PDF, the Excel workbook, the JSON endpoint and the CLI show the same figures
for the same scope: they all read one ProgressReport from the KPI engine."""

import io
import json
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from academy.formatting import number, percent
from academy.models import Role
from tests.kpi.people import AS_OF, build_world

RATES = (
    "employment_rate",
    "employment_rate_incl_pending",
    "employment_rate_90d",
    "quality_rate",
    "quality_rate_incl_pending",
    "knowledge_rate",
    "completion_rate",
)
COUNTS = (
    "enrolled",
    "completers",
    "excluded",
    "employed_at_start",
    "denominator",
    "employed",
    "employed_incl_pending",
    "quality_employed",
    "quality_employed_incl_pending",
    "unknown",
)
SUMMARY_ROWS = {  # Korean row titles of the workbook's summary sheet → JSON key
    "employment_rate": 1,
    "quality_rate": 4,
}


def scopes(world):
    return {
        "city": ({}, {}),
        "tier": ({"tier": "small"}, {"tier": "small"}),
        "campus": ({"campus": world["large"].name}, {"campus": str(world["large"].id)}),
    }


def page_figures(html: str) -> dict[str, str]:
    return {
        key: value.strip() for key, value in re.findall(r'data-kpi="([a-z_0-9]+)">([^<]*)<', html)
    }


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def download(client, fmt, page_args):
    data = {"format": fmt, "year": "2025", "as_of": AS_OF.isoformat(), **page_args}
    created = client.post("/reports/", data=data)
    assert created.status_code == 303, created.get_data(as_text=True)[:800]
    job = client.get(created.headers["Location"].replace("/reports/?job=", "/reports/jobs/"))
    assert job.status_code == 303  # the job is done: its page sends the browser to the file
    response = client.get(job.headers["Location"])
    assert response.status_code == 200
    return response.data


@pytest.mark.parametrize("scope", ["city", "tier", "campus"])
def test_every_output_shows_the_same_figures(app, client, runner, login_as, db, scope):
    world = build_world(db)
    cli_args, page_args = scopes(world)[scope]
    login_as(Role.OFFICIAL)

    api = client.get(
        "/api/v1/kpi", query_string={"year": 2025, "as_of": AS_OF.isoformat(), **cli_args}
    )
    assert api.status_code == 200
    figures = api.get_json()

    options = [f"--{k}={v}" for k, v in cli_args.items()]
    result = runner.invoke(
        args=["kpi", "--year", "2025", "--as-of", AS_OF.isoformat(), *options, "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == figures

    html = client.get(
        "/dashboard/", query_string={"year": 2025, "as_of": AS_OF.isoformat(), **page_args}
    ).get_data(as_text=True)
    shown = page_figures(html)
    for key in RATES:
        assert shown[key] == percent(figures[key]), key
    for key in (
        "enrolled",
        "completers",
        "excluded",
        "employed_at_start",
        "denominator",
        "employed",
        "employed_incl_pending",
        "quality_employed",
        "quality_employed_incl_pending",
        "unknown",
    ):
        assert shown[key] == number(figures[key]), key

    text = pdf_text(download(client, "pdf", page_args))
    for key in ("employment_rate", "quality_rate", "knowledge_rate", "completion_rate"):
        assert percent(figures[key]) in text, key
    assert f"{number(figures['employed'])}/{number(figures['denominator'])}" in text
    assert f"{number(figures['quality_employed'])}/{number(figures['denominator'])}" in text

    workbook = load_workbook(io.BytesIO(download(client, "xlsx", page_args)))
    summary = {
        row[0]: row[1:]
        for row in workbook.worksheets[0].iter_rows(values_only=True)
        if row and row[0]
    }
    values = list(summary.values())
    # The rate rows follow the trainees row, in the order of the PDF's headline table.
    start = next(i for i, v in enumerate(values) if v and v[0] == figures["enrolled"])
    rates = [v[0] for v in values[start + 1 : start + 9]]
    assert rates == pytest.approx(
        [
            figures[k]
            for k in (
                "completion_rate",
                "employment_rate",
                "employment_rate_incl_pending",
                "employment_rate_90d",
                "quality_rate",
                "quality_rate_incl_pending",
                "knowledge_rate",
                "insurance_confirmed_share",
            )
        ]
    )
    counts = [v[0] for v in values[start + 9 :] if isinstance(v[0], int)]
    assert counts[:6] == [
        figures["enrolled"],
        figures["completers"],
        counts[2],
        figures["excluded"],
        figures["employed_at_start"],
        figures["denominator"],
    ]


def test_the_json_has_exactly_the_documented_keys(client, login_as, db):
    build_world(db)
    login_as(Role.OFFICIAL)
    figures = client.get(f"/api/v1/kpi?year=2025&as_of={AS_OF.isoformat()}").get_json()
    assert list(figures) == [
        "year",
        "as_of",
        "scope",
        "enrolled",
        "completers",
        "completion_rate",
        "excluded",
        "employed_at_start",
        "denominator",
        "employed",
        "employed_incl_pending",
        "quality_employed",
        "quality_employed_incl_pending",
        "unknown",
        "cancelled",
        "non_completers",
        "non_completers_employed",
        "non_completers_employed_incl_pending",
        "employed_insurance_match",
        "insurance_confirmed_share",
        "employment_rate",
        "employment_rate_incl_pending",
        "employment_rate_90d",
        "quality_rate",
        "quality_rate_incl_pending",
        "knowledge_rate",
        "maturity",
    ]
    assert all(0 <= figures[k] <= 1 for k in RATES)
    assert figures["maturity"] == "in_window"  # one cohort ended under 180 days before
    assert figures["year"] == 2025 and figures["as_of"] == "2026-03-01"


def test_a_rate_over_nobody_is_null(client, login_as, db):
    build_world(db)
    login_as(Role.OFFICIAL)
    figures = client.get("/api/v1/kpi?year=2029").get_json()
    assert figures["enrolled"] == 0
    assert figures["employment_rate"] is None and figures["completion_rate"] is None
    assert figures["maturity"] is None


@pytest.mark.parametrize(("campus", "small"), [("small", True), ("large", False)])
def test_the_pdf_and_the_workbook_flag_headline_rates_over_fewer_than_ten(
    client, login_as, db, campus, small
):
    """domain.md: "a rate over fewer than 10 people is shown with its counts and flagged", in
    the PDF's and the workbook's headline as on the dashboard. By hand (build_world): 종로's
    cohort has 10 on its roster, one withdrew: 9 completers, denominator 9, every headline rate
    but completion (9/10) is over fewer than 10. 강남 has 18 enrolled and a denominator of 16."""
    world = build_world(db)
    login_as(Role.OFFICIAL)
    page_args = {"campus": str(world[campus].id)}

    text = pdf_text(download(client, "pdf", page_args))
    headline = text[text.index("핵심 지표") : text.index("분모와 인원 구성")]
    assert ("10명 미만" in headline) == small

    workbook = load_workbook(io.BytesIO(download(client, "xlsx", page_args)))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    flag = rows[0].index("10명 미만")
    rates = {row[0]: (row[3], row[flag]) for row in rows if isinstance(row[1], float)}
    assert rates, rows
    for denominator, flagged in rates.values():
        assert flagged == ("예" if denominator < 10 else "아니요")
    assert any(flagged == "예" for _, flagged in rates.values()) == small
