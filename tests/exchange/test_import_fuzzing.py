"""The three importers under Hypothesis: whatever the file, a clean answer and all rows or none.

Random bytes, truncated .xlsx/.csv files and well-formed files whose cells hold anything a
spreadsheet can (text, Korean, very long strings, numbers of any size, NaN, dates, booleans,
formulas, blanks) go through the same services the pages, the background jobs and the CLI call.
Each must end in the module's own refusal (UnreadableFile, ImportRefused, ImportRejected) or in a
result whose problems are listed by row; never in another exception. When the import reports any
problem, no row of users, trainees, enrolments, attendance marks, outcomes or the access log has
been written; when it succeeds, exactly the rows its preview announced have been.
"""

import csv
import io
import re
import unicodedata
from datetime import date, datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from hypothesis import event, example, given
from hypothesis import strategies as st

from academy.clock import seoul_today
from academy.cohorts.import_jobs import report_of
from academy.cohorts.imports import ImportRefused, commit_attendance, commit_roster
from academy.exchange.reading import UnreadableFile
from academy.exchange.writing import annotated_workbook
from academy.extensions import db as _db
from academy.models import (
    AccessLog,
    AttendanceMark,
    ClassSession,
    Enrolment,
    EnrolmentStatus,
    OutcomeRecord,
    Role,
    Trainee,
    User,
)
from academy.outcomes.importing import ImportAction, ImportRejected, commit_import
from tests import factories

TABLES = (User, Trainee, Enrolment, AttendanceMark, OutcomeRecord, AccessLog)
CLASS_DAYS = [date(2025, 3, 10), date(2025, 3, 11), date(2025, 3, 12)]

# Cells -----------------------------------------------------------------------------------------

PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc"))
HANGUL = st.text(st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1, max_size=12)
LONG_TEXT = st.builds(
    lambda s, n: s * n, st.text(PRINTABLE, min_size=1, max_size=4), st.integers(60, 3000)
)
FORMULAS = st.sampled_from(["=1+1", "=A1", "=SUM(A1:A9)", "=TODAY()", "=1/0", "@SUM(1)", "-1"])
WORDS = st.sampled_from(
    [
        "Y",
        "N",
        "예",
        "아니오",
        "O",
        "X",
        "ㅇ",
        "합계",
        "합계 5명",
        "total",
        "E1",
        "E2",
        "E5",
        "U",
        "S1",
        "X",
        "취업",
        "창업",
        "제외",
        "출석",
        "지각",
        "공가",
        "present",
        "진학",
        "군입대",
        "2025-03-10",
        "2025.03.11",
        "20250312",
        "2025년 3월 10일",
        "1e999999999",
        "-1e999999999",
        "Infinity",
        "NaN",
        "sNaN",
        "-0",
        "1,000원",
        "99999999999999999999",
        "0x10",
        "이메일",
        "name",
    ]
)
NUMBERS = st.one_of(
    st.integers(-(2**80), 2**80),
    st.integers(0, 200),
    st.floats(allow_nan=True, allow_infinity=True),
)
MOMENTS = st.one_of(
    st.dates(date(1900, 3, 1), date(9999, 12, 31)),
    st.datetimes(datetime(1900, 3, 1), datetime(9999, 12, 31)),
)
ANY_CELL = st.one_of(
    st.none(),
    st.text(PRINTABLE, max_size=40),
    HANGUL,
    LONG_TEXT,
    FORMULAS,
    WORDS,
    NUMBERS,
    MOMENTS,
    st.booleans(),
)
# CSV carries any text, control characters included; an .xlsx cannot hold those.
ANY_CSV_CELL = st.one_of(
    ANY_CELL, st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
)

EMAILS = st.one_of(
    st.sampled_from(
        [
            "kim@example.com",
            "lee@example.com",
            " Kim@Example.com ",
            "new1@example.com",
            "new2@example.com",
            "NEW3@EXAMPLE.COM",
            "staff@example.com",
            "out1@example.com",
            "out2@example.com",
            "waiting@example.com",
        ]
    ),
    st.emails(),
)
YES_NO = st.sampled_from(["Y", "N", "예", "아니오", "O", "X", True, False, None])
ADULT_BIRTHS = st.dates(date(1985, 1, 1), date(2007, 12, 31))
BIRTH_DATES = st.one_of(ADULT_BIRTHS, ADULT_BIRTHS.map(lambda d: d.isoformat()))
PHONES = st.one_of(
    st.none(), st.from_regex(r"010-\d{4}-\d{4}", fullmatch=True), st.just(1012345678)
)
RECENT = st.dates(date(2022, 1, 1), date(2026, 12, 31))

ROSTER_COLUMNS = {
    "이름": HANGUL,
    "생년월일": BIRTH_DATES,
    "이메일": EMAILS,
    "휴대전화": PHONES,
    "취약계층": YES_NO,
    "재직여부": YES_NO,
}
ATTENDANCE_COLUMNS = {
    "이메일": EMAILS,
    "날짜": st.one_of(st.sampled_from(CLASS_DAYS), RECENT),
    "출결": st.sampled_from(
        ["출석", "지각", "조퇴", "결석", "공가", "present", "early-leave", "?"]
    ),
}
OUTCOME_COLUMNS = {
    "이메일": EMAILS,
    "결과": st.sampled_from(["E1", "E2", "E3", "E4", "E5", "E6", "S1", "S2", "X", "U", "창업"]),
    "시작일": RECENT,
    "기관명": st.one_of(HANGUL, st.text(PRINTABLE, min_size=140, max_size=160)),
    "고용보험": YES_NO,
    "주당근로시간": st.integers(0, 200),
    "계약기간(개월)": st.one_of(st.none(), st.integers(-2, 60)),
    "분야일치": YES_NO,
    "월기본급": st.integers(-1, 10_000_000),
    "제외사유": st.sampled_from(["진학", "군입대", "질병", "이민", "여행", None]),
    "검증": YES_NO,
}


OUTCOME_CSV = (
    "이메일,결과,시작일,기관명,고용보험,{}\r\nout1@example.com,E2,2025-09-01,주식회사 예시,Y,{}\r\n"
)


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def encode(sheet: list[list[object]], kind: str) -> bytes:
    if kind == "xlsx":
        workbook = openpyxl.Workbook()
        for row in sheet:
            workbook.active.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    text = io.StringIO()
    csv.writer(text).writerows([[csv_cell(v) for v in row] for row in sheet])
    if kind == "csv-cp949":
        try:
            return text.getvalue().encode("cp949")
        except UnicodeEncodeError:
            pass
    return text.getvalue().encode("utf-8-sig" if kind == "csv-bom" else "utf-8")


@st.composite
def sheets(draw, columns: dict, csv_cells: bool, clean: bool) -> list[list[object]]:
    """A sheet in the format: maybe a title row, the header (shuffled, maybe an unknown column),
    then rows whose every cell is a plausible value (clean), or either that or anything at all."""
    any_cell = ANY_CSV_CELL if csv_cells else ANY_CELL
    header = draw(st.permutations(list(columns)))
    if draw(st.booleans()):
        header = header + ["비고"]
    sheet: list[list[object]] = []
    if draw(st.booleans()):
        sheet.append(["2025년 명단", None, None])
    sheet.append(header)
    for _ in range(draw(st.integers(1, 2 if clean else 6))):
        plausible = (
            (lambda name: columns[name])
            if clean
            else (lambda name: st.one_of(columns[name], any_cell))
        )
        sheet.append(
            [draw(plausible(name)) if name in columns else draw(any_cell) for name in header]
        )
    return sheet


@st.composite
def files(draw, columns: dict) -> bytes:
    """Random bytes, a valid file cut short, a well-formed file with fuzzed cells, or one with
    plausible cells only (which often imports, so the written side is checked too)."""
    shape = draw(st.sampled_from(["bytes", "zip-bytes", "truncated", "cells", "clean"]))
    if shape == "bytes":
        return draw(st.binary(max_size=3000))
    if shape == "zip-bytes":
        return b"PK\x03\x04" + draw(st.binary(max_size=3000))
    kind = draw(st.sampled_from(["xlsx", "csv", "csv-bom", "csv-cp949"]))
    data = encode(draw(sheets(columns, csv_cells=kind != "xlsx", clean=shape == "clean")), kind)
    if shape == "truncated":
        # A share of the length, not a length: an .xlsx carries its creation time, so its size
        # may differ by a byte when Hypothesis replays the example.
        return data[: len(data) * draw(st.integers(0, 999)) // 1000]
    return data


# The world the files meet ----------------------------------------------------------------------


@pytest.fixture
def world(app, db):
    """A cohort with three past class days, two people on its roster and one seat left; a staff
    account; two completers of an earlier cohort whose outcomes can be imported."""
    with app.test_request_context(), force_locale("ko"):
        campus = factories.CampusFactory()
        cohort = factories.CohortFactory(
            campus=campus, starts_on=CLASS_DAYS[0], ends_on=date(2025, 7, 25), capacity=3
        )
        db.session.add_all([ClassSession(cohort=cohort, held_on=day) for day in CLASS_DAYS])
        for email in ("kim@example.com", "lee@example.com"):
            factories.EnrolmentFactory(cohort=cohort, trainee__user__email=email)
        factories.EnrolmentFactory(
            cohort=cohort,
            trainee__user__email="waiting@example.com",
            status=EnrolmentStatus.WAITLISTED,
            waitlist_position=1,
        )
        factories.UserFactory(email="staff@example.com", role=Role.COORDINATOR, campus=campus)
        ended = seoul_today() - timedelta(days=120)
        earlier = factories.CohortFactory(
            campus=campus, starts_on=ended - timedelta(weeks=20), ends_on=ended
        )
        for email in ("out1@example.com", "out2@example.com"):
            factories.EnrolmentFactory(
                cohort=earlier, trainee__user__email=email, status=EnrolmentStatus.COMPLETED
            )
        db.session.commit()
        yield cohort


def counts() -> dict:
    return {
        table.__name__: _db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in TABLES
    }


def readable(messages) -> None:
    """Every message renders in both languages (a lazy string fails only when rendered)."""
    for locale in ("ko", "en"):
        with force_locale(locale):
            assert all(str(message) for message in messages)


def error_copy_opens(parsed) -> None:
    openpyxl.load_workbook(io.BytesIO(annotated_workbook(parsed)))


# Properties ------------------------------------------------------------------------------------


@given(data=files(ROSTER_COLUMNS))
# A control character from a CSV once broke the error copy (.xlsx cannot hold it).
@example(data="이름,생년월일,이메일\r\n가,2000-01-01,\x08\r\n".encode())
def test_a_roster_file_is_imported_whole_or_not_at_all(world, data):
    _db.session.rollback()
    before = counts()
    try:
        check = commit_roster(world, data, by=None)
    except (UnreadableFile, ImportRefused) as refused:
        event("unreadable")
        readable([refused.args[0]])
        assert counts() == before
        return
    report = report_of(check)  # what the preview page and the background job keep
    readable([p.message for p in check.problems] + check.parsed.warnings)
    after = counts()
    event("written" if check.written else "problems listed, nothing written")
    if check.written:
        assert report["problem_count"] == 0
        assert after["Enrolment"] - before["Enrolment"] == check.count(place="seat") + check.count(
            place="waitlist"
        )
        assert after["User"] - before["User"] == check.count("new")
        assert after["Trainee"] - before["Trainee"] == check.count("new")
    else:
        assert check.problems
        assert after == before
        error_copy_opens(check.parsed)


@given(data=files(ATTENDANCE_COLUMNS))
def test_an_attendance_file_is_imported_whole_or_not_at_all(world, data):
    _db.session.rollback()
    before = counts()
    try:
        check = commit_attendance(world, data, by=None)
    except (UnreadableFile, ImportRefused) as refused:
        event("unreadable")
        readable([refused.args[0]])
        assert counts() == before
        return
    report_of(check)
    readable([p.message for p in check.problems] + check.parsed.warnings)
    after = counts()
    event("written" if check.written else "problems listed, nothing written")
    if check.written:
        assert after["AttendanceMark"] - before["AttendanceMark"] == check.count("new")
    else:
        assert check.problems
        assert after == before
        error_copy_opens(check.parsed)


@given(data=files(OUTCOME_COLUMNS), campus_scope=st.booleans())
# Found by fuzzing: "Infinity" raised OverflowError, "1e999999999" spent minutes building a
# billion-digit integer, and 99999999999 months overflowed PostgreSQL's integer at commit.
@example(data=OUTCOME_CSV.format("주당근로시간", "Infinity").encode(), campus_scope=False)
@example(data=OUTCOME_CSV.format("월기본급", "1e999999999").encode(), campus_scope=False)
@example(data=OUTCOME_CSV.format("계약기간(개월)", "99999999999").encode(), campus_scope=True)
def test_an_outcome_file_is_imported_whole_or_not_at_all(world, data, campus_scope):
    _db.session.rollback()
    before = counts()
    try:
        plan = commit_import(data, by=None, campus_id=world.campus_id if campus_scope else None)
    except UnreadableFile as unreadable:
        event("unreadable")
        readable([unreadable.args[0]])
        assert counts() == before
        return
    except ImportRejected as rejected:
        event("problems listed, nothing written")
        assert rejected.plan.problems
        readable([p.message for p in rejected.plan.problems] + rejected.plan.parsed.warnings)
        assert counts() == before
        error_copy_opens(rejected.plan.parsed)
        return
    after = counts()
    event("written")
    assert after["OutcomeRecord"] - before["OutcomeRecord"] == plan.counts[ImportAction.NEW]


# Text as keyboards and operating systems really write it (issue 16) ---------------------------

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u3164"]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def typed(draw, values):
    """A value as some keyboard or system would have written it: decomposed on a Mac (NFD),
    in full-width letters and digits, with an invisible character or a no-break space."""
    value = draw(values)
    if not isinstance(value, str) or not value:
        return value
    how = draw(st.sampled_from(["as is", "nfd", "full width", "invisible", "nbsp"]))
    if how == "nfd":
        return unicodedata.normalize("NFD", value)
    if how == "full width":
        return full_width(value)
    at = draw(st.integers(0, len(value)))
    if how == "invisible":
        return value[:at] + draw(st.sampled_from(INVISIBLE)) + value[at:]
    return value[:at] + "\u00a0" + value[at:] if at in (0, len(value)) else value


TYPED_ROSTER_COLUMNS = {
    "이름": typed(HANGUL),
    "생년월일": typed(ADULT_BIRTHS.map(lambda d: d.isoformat())),
    "이메일": typed(st.from_regex(r"[a-z]{1,8}[0-9]{0,3}@example\.org", fullmatch=True)),
    "휴대전화": typed(st.from_regex(r"010-\d{4}-\d{4}", fullmatch=True)),
    "취약계층": typed(st.sampled_from(["Y", "N", "○", "×", "예", "아니오"])),
}


@given(
    sheet=sheets(TYPED_ROSTER_COLUMNS, csv_cells=False, clean=True),
    kind=st.sampled_from(["xlsx", "csv", "csv-bom"]),
)
def test_a_roster_as_any_keyboard_types_it_is_stored_as_people_read_it(world, sheet, kind):
    """Whatever NFD, full-width or invisible characters the cells carry, what is stored is the
    composed name, a plain lower-case ASCII login and a 010-0000-0000 phone: never the bytes."""
    _db.session.rollback()
    try:
        check = commit_roster(world, encode(sheet, kind), by=None)
    except (UnreadableFile, ImportRefused):
        return
    if not check.written:
        event("problems listed")
        return
    event("written")
    new = [line.row.values["email"] for line in check.lines if line.action == "new"]
    for user in _db.session.scalars(sa.select(User).where(User.email.in_(new))):
        assert user.email.isascii() and user.email == user.email.lower().strip()
        assert user.name == unicodedata.normalize("NFC", user.name)
        assert not any(c in user.name for c in INVISIBLE + ["\u00a0"])
        phone = user.trainee.phone
        assert phone is None or re.fullmatch(r"010-\d{4}-\d{4}", phone)


MARK_CELLS = st.sampled_from(
    [
        "출석",
        "지각",
        "조퇴",
        "결석",
        "공가",
        "출",
        "결",
        "○",
        "△",
        "▲",
        "×",
        "O",
        "X",
        "-",
        None,
        "?",
        "#N/A",
        "=A1",
    ]
)
DATE_HEADERS = st.sampled_from(
    [*CLASS_DAYS, "03/10", "3/11(화)", "3월 12일", "2025-03-10", "03/13", "02/30"]
)


@st.composite
def wide_sheets(draw) -> bytes:
    """A sheet in the wide layout: identity columns, date columns, totals; rows of marks."""
    identity = draw(
        st.sampled_from([["성명", "생년월일"], ["이메일"], ["성명"], ["이름", "이메일"]])
    )
    dates = draw(st.lists(DATE_HEADERS, min_size=2, max_size=4, unique_by=str))
    header = [*identity, *dates, "출석일수"]
    people = {"성명": HANGUL, "이름": HANGUL, "생년월일": BIRTH_DATES, "이메일": EMAILS}
    rows = [header]
    for _ in range(draw(st.integers(1, 4))):
        rows.append(
            [draw(people[name]) for name in identity]
            + [draw(MARK_CELLS) for _ in dates]
            + [draw(st.integers(0, 9))]
        )
    return encode(rows, draw(st.sampled_from(["xlsx", "csv"])))


@given(data=wide_sheets())
def test_a_wide_attendance_sheet_is_imported_whole_or_not_at_all(world, data):
    _db.session.rollback()
    before = counts()
    try:
        check = commit_attendance(world, data, by=None)
    except (UnreadableFile, ImportRefused) as refused:
        event("unreadable")
        readable([refused.args[0]])
        assert counts() == before
        return
    report_of(check)
    readable([p.message for p in check.problems] + check.parsed.warnings)
    after = counts()
    event("written" if check.written else "problems listed, nothing written")
    if check.written:
        assert after["AttendanceMark"] - before["AttendanceMark"] == check.count("new")
    else:
        assert check.problems and after == before
        error_copy_opens(check.parsed)
