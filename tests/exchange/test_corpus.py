"""The corpus of files as coordinators make them (tests/exchange/corpus.py): each is read the
way a careful coordinator would read it, or refused with a reason in Korean they can act on."""

import io

import openpyxl
import pytest
from flask_babel import force_locale

from academy.exchange.formats import FORMATS
from academy.exchange.reading import UnreadableFile, parse
from academy.exchange.writing import annotated_workbook
from tests.exchange import corpus


@pytest.fixture(autouse=True)
def korean(app):
    with app.test_request_context(), force_locale("ko"):
        yield


def everything_shown(parsed) -> str:
    """Every text a person can be shown about the file: problems, warnings, the error copy."""
    shown = [str(w) for w in parsed.warnings]
    shown += [f"{p.column} {p.message} {p.value}" for p in parsed.problems]
    sheet = openpyxl.load_workbook(io.BytesIO(annotated_workbook(parsed))).active
    shown += [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    return "\n".join(shown)


@pytest.mark.parametrize("make", corpus.CASES, ids=lambda make: make.__name__)
def test_each_file_is_read_as_a_careful_coordinator_would(make):
    case = make()
    fmt = FORMATS[case.kind]
    if case.refused:
        with pytest.raises(UnreadableFile) as refused:
            parse(case.data, fmt)
        message = str(refused.value.args[0])
        assert case.refused in message
        return
    parsed = parse(case.data, fmt)
    assert {(p.line, p.column) for p in parsed.problems} == case.problems
    if case.rows is not None:
        assert len(parsed.rows) == case.rows
    warnings = " ".join(str(w) for w in parsed.warnings)
    for phrase in case.warnings:
        assert phrase in warnings
    assert tuple(row.line for row in parsed.rows if row.hidden) == case.hidden
    by_email = {row.values.get("email"): row.values for row in parsed.rows}
    for email, expected in case.stored.items():
        assert {key: by_email[email].get(key) for key in expected} == expected, email
    shown = everything_shown(parsed)
    for secret in case.never_echoed:
        assert secret not in shown


def test_a_resident_number_column_is_dropped_saying_why_and_every_number_is_masked():
    parsed = parse(corpus.resident_numbers().data, FORMATS["roster"])
    warnings = [str(w) for w in parsed.warnings]
    assert any("주민등록번호" in w and "개인정보 보호법" in w for w in warnings)
    problem = parsed.problems[0]
    assert problem.value == "961102-2******"
    assert "주민등록번호" in str(problem.message)
    # The error copy keeps every row, with the numbers masked.
    sheet = openpyxl.load_workbook(io.BytesIO(annotated_workbook(parsed))).active
    assert sheet["B2"].value == "980514-1******"
    assert sheet["E4"].value == "주민번호 000707-4******"
    assert "2345678" not in everything_shown(parsed)


def test_hidden_rows_are_read_and_named():
    parsed = parse(corpus.hidden_by_filter().data, FORMATS["roster"])
    assert len(parsed.rows) == 6
    assert any("3, 6" in str(w) and "숨겨" in str(w) for w in parsed.warnings)


def test_the_stale_dimension_does_not_drop_rows_and_the_rows_are_counted():
    data = corpus.stale_dimension().data
    assert b'<dimension ref="A1:D6"' in corpus.zipfile.ZipFile(io.BytesIO(data)).read(
        "xl/worksheets/sheet1.xml"
    )
    parsed = parse(data, FORMATS["roster"])
    assert [row.line for row in parsed.rows] == list(range(2, 12))


def test_a_sheet_that_claims_more_rows_than_it_gives_is_refused():
    """The count of <row> elements against the rows read: a row the parser skipped is a refusal,
    never a silent loss (here a row the XML parser cannot see: inside a comment)."""

    def change(xml: str) -> str:
        return xml.replace('<row r="3"', '<!-- <row r="99"/> --><row r="3"', 1)

    data = corpus.rewrite_sheet(corpus.xlsx([corpus.HEADER, *corpus.people(3)]), change)
    with pytest.raises(UnreadableFile) as refused:
        parse(data, FORMATS["roster"])
    assert "5행 가운데 4행만" in str(refused.value.args[0])


def test_twenty_thousand_rows_with_data_is_the_limit_not_twenty_thousand_lines():
    header = ",".join(corpus.HEADER) + "\r\n"
    blank = ",,,\r\n" * 30_000
    row = "김가람,1999-01-01,{n}@example.org,\r\n"
    data = (header + blank + "".join(row.format(n=n) for n in range(20_031))).encode()
    with pytest.raises(UnreadableFile) as refused:
        parse(data, FORMATS["roster"])
    assert "20,000" in str(refused.value.args[0])
    fits = (header + blank + "".join(row.format(n=n) for n in range(20_000))).encode()
    assert len(parse(fits, FORMATS["roster"]).rows) == 20_000


def test_a_roster_with_resident_numbers_instead_of_birth_dates_says_what_to_add():
    data = corpus.xlsx(
        [["이름", "주민등록번호", "이메일"], ["김가람", "980514-1234567", "a@b.org"]]
    )
    with pytest.raises(UnreadableFile) as refused:
        parse(data, FORMATS["roster"])
    message = str(refused.value.args[0])
    assert "주민등록번호" in message and "생년월일 열을 추가" in message
    assert "1234567" not in message


@pytest.mark.parametrize(
    ("typed", "where"),
    [
        ("kim\x07@example.org", "4번째 문자 U+0007"),  # a control character from a pasted cell
        ("김가람@example.org", "1번째 문자 “김” (U+AE40 HANGUL SYLLABLE GIM)"),
        ("kim@@example.org", "@가 꼭 하나"),
    ],
)
def test_an_address_that_cannot_be_read_is_refused_naming_the_character_and_its_place(typed, where):
    data = corpus.csv_bytes([corpus.HEADER, ["김가람", "1998-05-14", typed, ""]])
    problems = parse(data, FORMATS["roster"]).problems
    assert [(p.line, p.column) for p in problems] == [(2, "이메일")]
    assert where in str(problems[0].message)
