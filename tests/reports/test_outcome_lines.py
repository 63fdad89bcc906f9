"""Issue 15 across every output: the dashboard, the PDF, the Excel workbook, the JSON endpoint and
the CLI agree on a hand-built world (job histories, non-completers' jobs, cancellations), use the
glossary's words, and all refuse an as-of date after today."""

import io
import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from academy.clock import seoul_today
from academy.formatting import number
from academy.models import ArchivedReport, EnrolmentStatus, OutcomeCode, Role, Verification
from tests.kpi.people import AS_OF, make_cohort, person
from tests.kpi.test_outcome_truth import history_cohort
from tests.reports.test_consistency import download, page_figures, pdf_text

E1 = OutcomeCode.E1

# Worked out by hand (cohorts ending 2025-06-30, as of 2026-03-01, all final):
# the history cohort: 6 completers, 5 employed, 4 in quality jobs (tests/kpi/test_outcome_truth);
# the non-completers' cohort: 3 completers employed in quality jobs, a withdrawn person with a
#   verified job, one not completed with a self-reported job, one not completed without outcome;
# the cancellations' cohort: 7 completers without outcome (unknown), 1 withdrew, 2 cancelled.
EXPECTED = {
    "enrolled": 6 + 6 + 8,
    "completers": 6 + 3 + 7,
    "denominator": 16,
    "employed": 5 + 3,
    "employed_incl_pending": 8,
    "quality_employed": 4 + 3,
    "unknown": 7,
    "cancelled": 2,
    "non_completers": 3 + 1,
    "non_completers_employed": 1,
    "non_completers_employed_incl_pending": 2,
}
KOREAN_ROWS = {  # the row titles of the PDF's and the workbook's count tables
    "enrolled": "등록 인원",
    "cancelled": "시작 전 또는 초기 유예 기간 내 취소",
    "non_completers": "미수료자 (중도 탈락 또는 출석 기준 미달)",
    "non_completers_employed": "미수료자 취업 (180일 이내, 확인 완료)",
    "non_completers_employed_incl_pending": "미수료자 취업 (180일 이내, 확인 대기 포함)",
}


def build(db):
    history_cohort(db)
    n = make_cohort(db)
    for _ in range(3):
        person(n, E1)
    person(n, E1, status=EnrolmentStatus.WITHDRAWN)
    person(n, E1, status=EnrolmentStatus.NOT_COMPLETED, verification=Verification.SELF_REPORTED)
    person(n, status=EnrolmentStatus.NOT_COMPLETED)
    c = make_cohort(db)
    for _ in range(7):
        person(c)
    person(c, status=EnrolmentStatus.WITHDRAWN)
    for _ in range(2):
        e = person(c)
        e.status, e.left_on = EnrolmentStatus.CANCELLED, c.starts_on - timedelta(days=3)
    db.session.commit()


def test_every_output_shows_the_new_lines_with_the_same_figures(client, runner, login_as, db):
    build(db)
    login_as(Role.OFFICIAL)
    query = {"year": 2025, "as_of": AS_OF.isoformat()}

    figures = client.get("/api/v1/kpi", query_string=query).get_json()
    assert {k: figures[k] for k in EXPECTED} == EXPECTED
    assert figures["completion_rate"] == pytest.approx(16 / 20)
    assert figures["employment_rate"] == pytest.approx(8 / 16)
    assert figures["quality_rate"] == pytest.approx(7 / 16)
    assert figures["maturity"] == "final"

    cli = runner.invoke(args=["kpi", "--year", "2025", "--as-of", AS_OF.isoformat(), "--json"])
    assert cli.exit_code == 0 and json.loads(cli.output) == figures

    html = client.get("/dashboard/", query_string=query).get_data(as_text=True)
    shown = page_figures(html)
    for key, value in EXPECTED.items():
        if key in shown:
            assert shown[key] == number(value), key
    assert {"cancelled", "non_completers", "non_completers_employed"} <= set(shown)
    assert "수강 중" not in html and "등록 인원" in html

    text = " ".join(pdf_text(download(client, "pdf", {})).split())
    for key, title in KOREAN_ROWS.items():
        assert re.search(re.escape(title) + r"\s*" + number(EXPECTED[key]) + r"\b", text), key
    assert "수강 중" not in text

    workbook = load_workbook(io.BytesIO(download(client, "xlsx", {})))
    rows = {r[0]: r[1] for r in workbook.worksheets[0].iter_rows(values_only=True) if r and r[0]}
    for key, title in KOREAN_ROWS.items():
        assert rows[title] == EXPECTED[key], key


def test_an_as_of_date_after_today_is_refused_everywhere(client, runner, login_as, db, tmp_path):
    build(db)
    login_as(Role.OFFICIAL)
    today, tomorrow = seoul_today(), seoul_today() + timedelta(days=1)

    api = client.get("/api/v1/kpi", query_string={"year": 2025, "as_of": tomorrow.isoformat()})
    assert api.status_code == 400 and tomorrow.isoformat() in api.get_json()["error"]
    assert client.get("/api/v1/kpi", query_string={"as_of": today.isoformat()}).status_code == 200

    cli = runner.invoke(args=["kpi", "--as-of", tomorrow.isoformat(), "--json"])
    assert cli.exit_code == 1 and "아직 오지 않은 날" in cli.output
    output = tmp_path / "report.pdf"
    written = runner.invoke(
        args=["report", "pdf", "--as-of", tomorrow.isoformat(), "-o", str(output)]
    )
    assert written.exit_code == 1 and not output.exists()

    page = client.get("/dashboard/", query_string={"year": 2025, "as_of": tomorrow.isoformat()})
    body = page.get_data(as_text=True)
    assert "아직 오지 않은 날" in body
    # the figures shown are today's, never the future day's
    assert f'value="{today.isoformat()}"' in body and f'value="{tomorrow.isoformat()}"' not in body

    created = client.post(
        "/reports/", data={"format": "pdf", "year": "2025", "as_of": tomorrow.isoformat()}
    )
    assert created.status_code == 422 and "아직 오지 않은 날" in created.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ArchivedReport.id))) == 0


def test_the_methodology_page_states_each_rule_and_prints_the_glossary(client, login_as, db):
    login_as(Role.OFFICIAL)
    page = client.get("/dashboard/methodology").get_data(as_text=True)
    for rule in (
        "취업 이력",
        "미수료자의 취업 결과",
        "등록 취소",
        "오늘 이후의 날짜는",
        "성과지표 용어집",
        "중도 탈락",
        "재직자",
        "결과 미확인",
    ):
        assert rule in page, rule
