"""Files as coordinators make them, beyond the corpus: merged cells in the data, two columns for
one field, hidden columns, dates the way Korean Excel and Korean Windows write them, the same
person entered twice. Nothing may be read as something else, or lost, without a word."""

from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from academy.cohorts.imports import check_roster, commit_roster
from academy.exchange.formats import FORMATS
from academy.exchange.reading import parse
from academy.models import Enrolment, Trainee, User
from tests import factories
from tests.conftest import count_rows
from tests.exchange.corpus import csv_bytes, workbook_bytes, xlsx

ROSTER, ATTENDANCE = FORMATS["roster"], FORMATS["attendance"]


@pytest.fixture(autouse=True)
def korean(app):
    with app.test_request_context(), force_locale("ko"):
        yield


def warnings_of(parsed) -> str:
    return "\n".join(str(w) for w in parsed.warnings)


def vulnerable_merged_over_three_people() -> bytes:
    """취약계층 "Y" typed once and merged down over the three people it applies to."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2025년 1기 교육생 명단"])
    sheet.merge_cells("A1:E1")
    sheet.append(["이름", "생년월일", "이메일", "취약계층", "재직여부"])
    sheet.append(["김가람", "1995-03-04", "garam@example.org", "Y", "N"])
    sheet.append(["이나래", "1996-04-05", "narae@example.org", None, "N"])
    sheet.append(["박다솜", "1997-05-06", "dasom@example.org", None, "N"])
    sheet.append(["최라온", "1998-06-07", "raon@example.org", "N", "N"])
    sheet.merge_cells("D3:D5")
    return workbook_bytes(workbook)


def test_a_value_merged_down_over_several_rows_is_read_for_each_row_and_said():
    parsed = parse(vulnerable_merged_over_three_people(), ROSTER)
    assert [row.values["vulnerable"] for row in parsed.rows] == [True, True, True, False]
    assert not parsed.problems
    assert "“취약계층” 열의 3–5행은 병합된 한 칸" in warnings_of(parsed)


def test_a_session_date_merged_down_over_everyone_present_is_each_rows_date():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["날짜", "이메일", "출결"])
    sheet.append([date(2025, 3, 10), "garam@example.org", "출석"])
    sheet.append([None, "narae@example.org", "지각"])
    sheet.append([date(2025, 3, 11), "garam@example.org", "출석"])
    sheet.append([None, "narae@example.org", "결석"])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("A4:A5")
    parsed = parse(workbook_bytes(workbook), ATTENDANCE)
    assert not parsed.problems
    assert [row.values["date"] for row in parsed.rows] == [
        date(2025, 3, 10),
        date(2025, 3, 10),
        date(2025, 3, 11),
        date(2025, 3, 11),
    ]


def test_a_note_merged_across_the_table_is_not_spread_into_the_columns():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["연번", "이름", "생년월일", "이메일"])
    sheet.append([1, "김가람", "1995-03-04", "garam@example.org"])
    sheet.append(["※ 중도탈락자는 명단에서 제외함"])
    sheet.merge_cells("A3:D3")
    parsed = parse(workbook_bytes(workbook), ROSTER)
    assert [row.line for row in parsed.rows] == [2]
    assert not parsed.problems


def test_the_mobile_column_is_read_before_a_home_phone_column_that_comes_first():
    data = xlsx(
        [
            ["이름", "생년월일", "이메일", "전화번호", "휴대전화"],
            ["김가람", "1995-03-04", "garam@example.org", "02-123-4567", "010-1234-5678"],
        ]
    )
    parsed = parse(data, ROSTER)
    assert not parsed.problems
    assert parsed.rows[0].values["phone"] == "010-1234-5678"
    assert "“전화번호” 열은 읽지 않았습니다: 같은 항목으로 “휴대전화” 열을 읽습니다" in (
        warnings_of(parsed)
    )


def test_a_hidden_column_gives_way_to_a_visible_one_for_the_same_field_and_is_named():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["이름", "생년월일", "이메일", "휴대전화", "연락처"])
    sheet.append(["김가람", "1995-03-04", "garam@example.org", "010-1111-1111", "010-2222-3333"])
    sheet.column_dimensions["D"].hidden = True  # last year's numbers, hidden by the coordinator
    parsed = parse(workbook_bytes(workbook), ROSTER)
    assert parsed.rows[0].values["phone"] == "010-2222-3333"
    assert "“휴대전화” 열은 읽지 않았습니다: 같은 항목으로 “연락처” 열을 읽습니다" in (
        warnings_of(parsed)
    )


def test_a_hidden_column_that_is_read_is_said_to_be_hidden():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["이름", "생년월일", "이메일", "휴대전화"])
    sheet.append(["김가람", "1995-03-04", "garam@example.org", "010-1111-1111"])
    sheet.column_dimensions["D"].hidden = True
    parsed = parse(workbook_bytes(workbook), ROSTER)
    assert parsed.rows[0].values["phone"] == "010-1111-1111"
    assert "“휴대전화” 열은 Excel에서 숨겨져 있지만 다른 열처럼 읽습니다" in warnings_of(parsed)


# Dates of a datetime column saved as CSV by Korean Windows and Excel, and Excel's Korean long
# date: read as their day, as the same cells in an .xlsx are.
@pytest.mark.parametrize(
    "written",
    [
        "1995-03-04 오전 12:00:00",
        "1995-03-04 오후 3:15:00",
        "1995-03-04 13:45",
        "1995-03-04T00:00:00",
        "1995년 3월 4일 토요일",
        "1995-03-04 (토)",
    ],
)
def test_a_date_with_its_time_or_weekday_as_korean_windows_writes_it_is_its_day(written):
    data = csv_bytes(
        [["이름", "생년월일", "이메일"], ["김가람", written, "garam@example.org"]], "cp949"
    )
    parsed = parse(data, ROSTER)
    assert not parsed.problems
    assert parsed.rows[0].values["birth_date"] == date(1995, 3, 4)


@pytest.mark.parametrize("written", ["2025-03-11(월)", "2025년 3월 10일 화요일"])
def test_a_date_whose_weekday_disagrees_is_refused_naming_the_day_it_is(written):
    data = xlsx(
        [
            ["이메일", "날짜", "출결"],
            ["garam@example.org", "2025-03-10", "출석"],
            ["garam@example.org", written, "출석"],
        ]
    )
    parsed = parse(data, ATTENDANCE)
    [problem] = parsed.problems
    assert (problem.line, problem.column, problem.value) == (3, "날짜", written)
    assert "요일인데 옆에 적힌 요일과 다릅니다" in str(problem.message)


@pytest.fixture
def cohort(db):
    cohort = factories.CohortFactory(
        starts_on=date(2025, 3, 10), ends_on=date(2025, 7, 25), capacity=100
    )
    db.session.commit()
    return cohort


def test_merged_vulnerable_marks_are_stored_for_every_person_under_them(db, cohort):
    check = commit_roster(cohort, vulnerable_merged_over_three_people(), by=None)
    assert check.written
    stored = dict(
        db.session.execute(
            sa.select(User.email, Trainee.vulnerable).join(Trainee, Trainee.user_id == User.id)
        ).all()
    )
    assert stored == {
        "garam@example.org": True,
        "narae@example.org": True,
        "dasom@example.org": True,
        "raon@example.org": False,
    }


def test_one_person_under_two_e_mails_is_pointed_out_before_two_accounts_are_made(db, cohort):
    data = xlsx(
        [
            ["이름", "생년월일", "이메일"],
            ["김가람", "1995-03-04", "garam.kim@example.org"],
            ["이나래", "1996-04-05", "narae@example.org"],
            ["김 가람", "1995-03-04", "garamkim@example.org"],
        ]
    )
    check = check_roster(cohort, data)
    assert check.ok  # two people may share a name and a birth date: said, not refused
    warnings = warnings_of(check.parsed)
    assert "2, 4행은 이름과 생년월일(김가람, 1995-03-04)이 같은데 이메일" in warnings
    assert "garam.kim@example.org, garamkim@example.org" in warnings
    assert count_rows(Enrolment) == 0


def test_a_note_under_the_table_in_a_read_column_is_left_out_and_named():
    data = csv_bytes(
        [
            ["이름", "생년월일", "이메일", "휴대전화"],
            ["김가람", "1995-03-04", "garam@example.org", "010-1234-5678"],
            ["이나래", "1996-04-05", "narae@example.org", ""],
            ["", "", "", ""],
            ["※ 중도탈락자(3/15)는 명단에서 제외함", "", "", ""],
        ],
        "cp949",
    )
    parsed = parse(data, ROSTER)
    assert not parsed.problems
    assert [row.line for row in parsed.rows] == [2, 3]
    assert "5행은 메모(※, * 등으로 시작)만 있어 가져오지 않았습니다" in warnings_of(parsed)


def test_a_dash_in_a_cell_means_nothing_there():
    data = xlsx(
        [
            ["성명", "생년월일", "사업장명", "사업자등록번호", "자격취득일", "자격상실일"],
            ["김가람", "1995-03-04", "(주)예시", "220-81-62517", "2025-09-01", "-"],
            ["이나래", "1996-04-05", "(주)예시", "220-81-62517", "ㅡ", "―"],
        ]
    )
    parsed = parse(data, FORMATS["insurance_match"])
    assert parsed.rows[0].values["lost_on"] is None
    assert not parsed.rows[0].problems
    [required] = parsed.problems
    assert (required.line, str(required.message)) == (3, "필수 항목입니다: 이 칸을 채워 주세요")
