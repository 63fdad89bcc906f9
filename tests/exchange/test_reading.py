import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from flask_babel import force_locale

from academy.exchange import cells
from academy.exchange.formats import ATTENDANCE, OUTCOMES, ROSTER
from academy.exchange.reading import UnreadableFile, parse
from academy.exchange.writing import annotated_workbook, safe_cell, template_workbook

# A roster in the shape coordinators really send (title rows, 연번/비고, a phone that lost its 0,
# dates in several forms, a total row), with invented people.
SAMPLE = Path(__file__).parent / "data" / "roster_as_coordinators_keep_it.xlsx"


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context(), force_locale("en"):
        yield


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_roster_coordinators_really_keep_reads_without_complaint():
    parsed = parse(SAMPLE.read_bytes(), ROSTER)
    assert parsed.header_line == 4
    assert parsed.problems == []
    assert [str(w) for w in parsed.warnings] == [
        "Column “연번” is not part of the format and was ignored.",
        "Column “비고” is not part of the format and was ignored.",
    ]
    values = [row.values for row in parsed.rows]
    assert [v["name"] for v in values] == ["김가람", "이나래", "박다솜", "최라온", "정마루"]
    assert [v["birth_date"] for v in values] == [
        date(1998, 5, 14),
        date(1996, 11, 2),
        date(2000, 7, 7),
        date(1999, 1, 9),
        date(2001, 2, 28),
    ]
    assert [v["phone"] for v in values] == [
        "010-1234-5678",
        "010-2345-6789",
        "010-3456-7890",
        "010-4567-8901",
        None,
    ]
    assert values[2]["email"] == "dasom.park@example.org"
    assert values[1]["email"] == "narae.lee@example.org"
    assert [row.line for row in parsed.rows] == [5, 6, 7, 8, 9]


def test_english_aliases_in_any_order_and_csv_encodings():
    text = "email,birth_date,name\nkim@example.com,2000.01.02,김민수\n"
    for encoding in ("utf-8", "utf-8-sig", "cp949"):
        parsed = parse(text.encode(encoding), ROSTER)
        assert parsed.problems == []
        assert parsed.rows[0].values["name"] == "김민수"
        assert parsed.rows[0].values["birth_date"] == date(2000, 1, 2)


def test_every_problem_is_listed_by_row_and_column():
    data = xlsx(
        [
            ["이름", "생년월일", "이메일", "취약계층"],
            ["김하나", "2000-13-40", "not-an-email", "maybe"],
            ["", "1999-01-01", "b@example.com", "Y"],
            ["박셋", "1999-01-01", "B@Example.com ", "N"],
        ]
    )
    parsed = parse(data, ROSTER)
    found = {(p.line, p.column, str(p.message)) for p in parsed.problems}
    assert found == {
        (
            2,
            "생년월일",
            "no such day in the calendar (the month runs 1–12, the day to the "
            "month's last): write it as 2025-03-10",
        ),
        (2, "이메일", "not a valid e-mail address: it needs exactly one @, as in name@example.com"),
        (2, "취약계층", "neither yes nor no: write Y or N (예/아니오, O/X and ○/× also work)"),
        (3, "이름", "required: fill in this cell"),
        (4, "이메일", "also in row 3 of this file"),
    }


def test_a_file_without_the_header_is_refused_with_the_expected_columns():
    with pytest.raises(UnreadableFile) as refused:
        parse(xlsx([["연번", "비고"], [1, "a@example.com"]]), ROSTER)
    assert "이름, 생년월일, 이메일" in str(refused.value.args[0])


def test_a_header_that_lacks_a_column_is_refused_naming_the_row_and_the_missing_column():
    with pytest.raises(UnreadableFile) as refused:
        parse(xlsx([["명단"], ["성명", "메일"], ["김", "a@example.com"]]), ROSTER)
    message = str(refused.value.args[0])
    assert message.startswith("Row 2 looks like the header (성명, 메일)")
    assert "생년월일 (Date of birth)" in message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-03-10", date(2025, 3, 10)),
        ("2025.03.10", date(2025, 3, 10)),
        ("2025. 3. 10.", date(2025, 3, 10)),
        ("20250310", date(2025, 3, 10)),
        ("2025년 3월 10일", date(2025, 3, 10)),
        (45726, date(2025, 3, 10)),
        (datetime(2025, 3, 10), date(2025, 3, 10)),
        ("2025-03-10 00:00:00", date(2025, 3, 10)),
    ],
)
def test_dates_in_every_form_coordinators_write(raw, expected):
    assert cells.parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Y", True),
        ("예", True),
        ("O", True),
        ("true", True),
        (" n ", False),
        ("아니오", False),
        ("X", False),
        ("FALSE", False),
    ],
)
def test_yes_no_cells(raw, expected):
    assert cells.parse_yes_no(raw) is expected


def test_phone_numbers_are_normalised():
    assert cells.parse_phone(1012345678) == "010-1234-5678"
    assert cells.parse_phone("010 4567 8901") == "010-4567-8901"
    with pytest.raises(cells.CellError):
        cells.parse_phone("02-123-4567")


def test_templates_read_back_as_their_own_format():
    for fmt in (ROSTER, ATTENDANCE, OUTCOMES):
        parsed = parse(template_workbook(fmt), fmt)
        assert parsed.problems == [], fmt.name
        assert len(parsed.rows) == 1


def test_the_error_copy_keeps_every_row_and_marks_the_bad_ones():
    data = xlsx(
        [
            ["명단"],
            [],
            ["이름", "생년월일", "이메일"],
            ["김", "bad", "a@example.com"],
            ["@SUM(A1)", "2000-01-01", "b@example.com"],
        ]
    )
    parsed = parse(data, ROSTER)
    sheet = openpyxl.load_workbook(io.BytesIO(annotated_workbook(parsed))).active
    assert sheet.cell(row=3, column=4).value == "Problems found"
    assert "생년월일: not a date" in sheet.cell(row=4, column=4).value
    assert sheet.cell(row=5, column=4).value is None
    assert sheet.cell(row=5, column=1).value == "'@SUM(A1)"
    assert sheet.cell(row=5, column=1).data_type == "s"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_escaped(value):
    assert safe_cell(value) == "'" + value
    assert safe_cell("홍길동") == "홍길동"


def test_macros_old_xls_and_zip_bombs_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/vbaProject.bin", b"macro")
    with pytest.raises(UnreadableFile, match="macros"):
        parse(buffer.getvalue(), ROSTER)
    with pytest.raises(UnreadableFile, match=".xls"):
        parse(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ROSTER)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (201 * 1024 * 1024))
    with pytest.raises(UnreadableFile, match="too large"):
        parse(bomb.getvalue(), ROSTER)


def test_total_and_blank_rows_are_skipped_but_not_rows_with_data():
    parsed = parse(
        xlsx(
            [
                ["이름", "생년월일", "이메일"],
                ["김", "2000-01-01", "a@example.com"],
                [None],
                ["합계 1명", None, None],
                ["Total", "2000-01-01", "t@example.com"],
            ]
        ),
        ROSTER,
    )
    assert [row.values["email"] for row in parsed.rows] == ["a@example.com", "t@example.com"]
