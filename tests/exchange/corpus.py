"""Files made the way Korean coordinators make them, each with the verdict a careful coordinator
would expect: what is read and stored, or why the file is refused.

Every file is generated here, in memory (no binary kept in the repository without its maker):
openpyxl for workbooks, then, where Excel writes something openpyxl does not (a stale
<dimension>, a huge formatted sheet), the sheet XML is rewritten in the zip. The corpus is used
by tests/exchange/test_corpus.py (reading) and tests/cohorts/test_corpus_imports.py (storing),
and `python -m tests.exchange.corpus DIR` writes the files out to open them in Excel.

People are invented; birth dates keep them 19–39 on 2025-03-10 (tests' cohort start).
"""

import csv
import io
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

import openpyxl
from openpyxl.styles import Border, Side

SAMPLE = Path(__file__).parent / "data" / "roster_as_coordinators_keep_it.xlsx"
HEADER = ["이름", "생년월일", "이메일", "휴대전화"]
FAMILY = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["가람", "나래", "다솜", "라온", "마루", "바다", "사랑", "아라", "자람", "하늘"]


@dataclass
class Case:
    """One file and its verdict.

    refused: a phrase the Korean refusal must contain (the whole file is refused), or None.
    problems: {(row, column header as in the file)} that must be reported, exactly.
    stored: for a clean roster, what each person's record must hold after the import:
    {email: {"name", "birth_date", "phone", "vulnerable", "employed_at_start"}} (a subset).
    warnings: phrases the Korean warnings must contain.
    """

    name: str
    kind: str  # roster, attendance, outcomes
    data: bytes
    refused: str | None = None
    problems: set[tuple[int, str]] = field(default_factory=set)
    stored: dict[str, dict] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    rows: int | None = None  # rows read, when the file is not refused
    hidden: tuple[int, ...] = ()  # rows the preview must show as hidden
    never_echoed: tuple[str, ...] = ()  # text that no output may contain (resident numbers)


def person(i: int) -> tuple[str, date, str, str]:
    """The i-th invented trainee: name, birth date, e-mail, phone."""
    name = FAMILY[i % len(FAMILY)] + GIVEN[(i // len(FAMILY)) % len(GIVEN)]
    born = date(1995 + i % 9, 1 + i % 12, 1 + i % 28)
    return name, born, f"trainee{i:03d}@example.org", f"010-{2000 + i:04d}-{7000 + i:04d}"


def people(n: int, first: int = 0) -> list[list[object]]:
    return [list(person(i)) for i in range(first, first + n)]


def stored_of(rows, **extra) -> dict[str, dict]:
    return {
        row[2]: {"name": row[0], "birth_date": row[1], "phone": row[3], **extra} for row in rows
    }


def workbook_bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx(rows, title: str = "명단") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    return workbook_bytes(workbook)


def rewrite_sheet(data: bytes, change, member: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The same workbook with one sheet's XML changed by `change(xml: str) -> str`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == member:
                content = change(content.decode("utf-8")).encode("utf-8")
            target.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def csv_bytes(rows, encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


# The roster cases ---------------------------------------------------------------------------


def stale_dimension() -> Case:
    """Ten trainees, a <dimension> that says A1:D6: read-only openpyxl stopped at row 6."""
    rows = people(10)
    data = rewrite_sheet(
        xlsx([HEADER, *rows]),
        lambda xml: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:D6"', xml),
    )
    return Case("stale_dimension", "roster", data, rows=10, stored=stored_of(rows))


def mac_decomposed_text() -> Case:
    """Saved on a Mac: headers and names in decomposed Hangul (NFD)."""
    rows = people(3, 20)
    nfd = [[unicodedata.normalize("NFD", row[0]), *row[1:]] for row in rows]
    header = [unicodedata.normalize("NFD", h) for h in HEADER]
    return Case(
        "mac_decomposed_text", "roster", xlsx([header, *nfd]), rows=3, stored=stored_of(rows)
    )


def full_width_and_invisible() -> Case:
    """A Korean keyboard's full-width digits and letters, a zero-width space and NBSPs."""
    header = [*HEADER, "취약계층", "재직여부"]
    rows = [
        [
            "홍길동\u00a0",
            "２０００－０７－３１",
            "ｈｏｎｇ＠ｅｘａｍｐｌｅ．ｏｒｇ",
            "010-８９４７-9947",
            "○",
            "×",
        ],
        ["김\u200b철수", "1999.1.9", "chulsoo\u200b@example.org", "+82 10-1111-2222", "Ｙ", "N"],
        [
            "이영희",
            "95.03.10",
            "\u00a0younghee@example.org\u00a0",
            "010\u00a02222\u00a03333",
            "해당",
            "비해당",
        ],
    ]
    stored = {
        "hong@example.org": {
            "name": "홍길동",
            "birth_date": date(2000, 7, 31),
            "phone": "010-8947-9947",
            "vulnerable": True,
            "employed_at_start": False,
        },
        "chulsoo@example.org": {
            "name": "김철수",
            "birth_date": date(1999, 1, 9),
            "phone": "010-1111-2222",
            "vulnerable": True,
        },
        "younghee@example.org": {
            "name": "이영희",
            "birth_date": date(1995, 3, 10),
            "phone": "010-2222-3333",
            "vulnerable": True,
            "employed_at_start": False,
        },
    }
    return Case(
        "full_width_and_invisible",
        "roster",
        csv_bytes([header, *rows]),
        rows=3,
        stored=stored,
        warnings=("U+200B ZERO WIDTH SPACE",),
    )


def hidden_by_filter() -> Case:
    """An autofilter on 비고 hides the trainees marked 중도포기: they are read, and said so."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([*HEADER, "비고"])
    rows = people(6, 40)
    for i, row in enumerate(rows):
        sheet.append([*row, "중도포기" if i in (1, 4) else None])
    sheet.auto_filter.ref = f"A1:E{len(rows) + 1}"
    sheet.auto_filter.add_filter_column(4, ["(빈 셀)"], blank=True)
    for line in (3, 6):
        sheet.row_dimensions[line].hidden = True
    return Case(
        "hidden_by_filter",
        "roster",
        workbook_bytes(workbook),
        rows=6,
        hidden=(3, 6),
        stored=stored_of(rows),
        warnings=("3, 6행은 Excel에서", "3, 6행에 중도포기"),
    )


def formatted_empty_rows(first: int, last: int, columns: str = "ABCDEF") -> str:
    """Rows of empty cells that carry a style (a border), as Excel writes them."""
    return "".join(
        f'<row r="{n}" spans="1:{len(columns)}">'
        + "".join(f'<c r="{letter}{n}" s="1"/>' for letter in columns)
        + "</row>"
        for n in range(first, last + 1)
    )


def with_formatted_rows(data: bytes, first: int, last: int) -> bytes:
    """The workbook with borders on every cell of A{first}:F{last} (style 1: a thin border)."""

    def change(xml: str) -> str:
        return xml.replace("</sheetData>", formatted_empty_rows(first, last) + "</sheetData>")

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    thin = Side(style="thin")
    workbook.active["A1"].border = Border(left=thin, right=thin, top=thin, bottom=thin)
    return rewrite_sheet(workbook_bytes(workbook), change)


@cache
def borders_to_row_25000() -> Case:
    """Thirty trainees on a sheet whose borders run to F25000 (25,000 rows Excel writes)."""
    rows = people(30, 60)
    data = with_formatted_rows(xlsx([HEADER, *rows]), len(rows) + 2, 25_000)
    return Case("borders_to_row_25000", "roster", data, rows=30, stored=stored_of(rows))


def csv_with_trailing_blank_lines() -> Case:
    rows = people(30, 100)
    data = csv_bytes([HEADER, *rows]) + b",,,\r\n" * 24_970
    return Case("csv_with_trailing_blank_lines", "roster", data, rows=30, stored=stored_of(rows))


def excel_unicode_text() -> Case:
    """Excel's "유니코드 텍스트": UTF-16 with its byte-order mark, tab-separated."""
    rows = people(4, 140)
    text = "\r\n".join("\t".join(str(v) for v in row) for row in [HEADER, *rows]) + "\r\n"
    data = b"\xff\xfe" + text.encode("utf-16-le")
    return Case("excel_unicode_text", "roster", data, rows=4, stored=stored_of(rows))


def password_protected() -> Case:
    import msoffcrypto.format.ooxml

    plain = io.BytesIO(xlsx([HEADER, *people(2)]))
    encrypted = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("1234", encrypted)
    return Case("password_protected", "roster", encrypted.getvalue(), refused="암호")


def old_xls() -> Case:
    return Case(
        "old_xls", "roster", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, refused=".xls"
    )


def date_cells_as_coordinators_type_them() -> Case:
    """19980514 typed into a cell formatted as a date (Excel shows #####; openpyxl made it
    #VALUE!), a real Excel date, and a date with its weekday."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["김가람", 19980514, "garam@example.org", None])
    sheet.append(["이나래", datetime(1996, 11, 2), "narae@example.org", None])
    sheet.append(["박다솜", "2000-07-07(금)", "dasom@example.org", None])
    for line in (2, 3):
        sheet.cell(row=line, column=2).number_format = "yyyy-mm-dd"
    stored = {
        "garam@example.org": {"birth_date": date(1998, 5, 14)},
        "narae@example.org": {"birth_date": date(1996, 11, 2)},
        "dasom@example.org": {"birth_date": date(2000, 7, 7)},
    }
    return Case("date_cells", "roster", workbook_bytes(workbook), rows=3, stored=stored)


def formulas_and_errors() -> Case:
    """Names made by a formula never calculated (saved by a program that does not compute), and
    an e-mail cell showing #N/A from a failed lookup: each named for what it is."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([*HEADER, "성", "명"])
    sheet.append(["=E2&F2", "1999-01-01", "a@example.org", None, "김", "가람"])
    sheet.append(["이나래", "1999-01-01", "#N/A", None, "이", "나래"])
    return Case(
        "formulas_and_errors",
        "roster",
        workbook_bytes(workbook),
        problems={(2, "이름"), (3, "이메일")},
    )


def two_row_header() -> Case:
    """The header over two rows: 이름 and 생년월일 merged down, 연락처 merged across its two
    sub-headers, under a title and a note."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2025년 AI 기초과정 4기 명단"])
    sheet.append(["이름", "생년월일", "연락처", None, "비고"])
    sheet.append([None, None, "휴대전화", "이메일", None])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("C2:D2")
    sheet.merge_cells("E2:E3")
    rows = people(3, 160)
    for name, born, email, phone in rows:
        sheet.append([name, born, phone, email, None])
    return Case(
        "two_row_header", "roster", workbook_bytes(workbook), rows=3, stored=stored_of(rows)
    )


def data_on_the_second_sheet() -> Case:
    workbook = openpyxl.Workbook()
    workbook.active.title = "작성 안내"
    workbook.active.append(["이 파일에 교육생 명단을 적어 주세요."])
    sheet = workbook.create_sheet("명단")
    rows = people(3, 180)
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    return Case(
        "data_on_the_second_sheet",
        "roster",
        workbook_bytes(workbook),
        rows=3,
        stored=stored_of(rows),
        warnings=("명단",),
    )


def headers_with_hints() -> Case:
    header = [
        "성명",
        "생년월일\n(YYYY-MM-DD)",
        "이메일 (로그인 ID)",
        "휴대폰 번호",
        "취약계층 여부(Y/N)",
    ]
    rows = people(2, 200)
    return Case(
        "headers_with_hints",
        "roster",
        xlsx([header, *[[*r, "N"] for r in rows]]),
        rows=2,
        stored=stored_of(rows, vulnerable=False),
    )


def resident_numbers() -> Case:
    """A 주민등록번호 column (dropped), one in 생년월일 (refused at that cell), one in 비고."""
    header = ["이름", "주민등록번호", "생년월일", "이메일", "비고"]
    rows = [
        ["김가람", "980514-1234567", "1998-05-14", "garam@example.org", None],
        ["이나래", "961102-2345678", "961102-2345678", "narae@example.org", None],
        ["박다솜", "0007074123456", "2000-07-07", "dasom@example.org", "주민번호 000707-4123456"],
    ]
    return Case(
        "resident_numbers",
        "roster",
        xlsx([header, *rows]),
        problems={(3, "생년월일")},
        warnings=("주민등록번호", "950310-1******"),
        never_echoed=("1234567", "2345678", "4123456"),
    )


def too_many_cells() -> Case:
    """Under every byte limit, but 1.2 million (empty, formatted) cells once unpacked."""
    data = with_formatted_rows(xlsx([HEADER, *people(1)]), 3, 200_002)
    return Case("too_many_cells", "roster", data, refused="1,000,000")


def compression_bomb() -> Case:
    def change(xml: str) -> str:
        return xml.replace("</worksheet>", " " * (60 * 1024 * 1024) + "</worksheet>")

    return Case(
        "compression_bomb",
        "roster",
        rewrite_sheet(xlsx([HEADER, *people(1)]), change),
        refused="배",
    )


def yes_no_marks() -> Case:
    header = [*HEADER, "취약계층", "재직여부"]
    marks = [("○", "×"), ("◯", "✕"), ("예", "아니오"), ("O", "X"), ("V", "비해당")]
    rows = people(len(marks), 220)
    data = xlsx([header, *[[*row, yes, no] for row, (yes, no) in zip(rows, marks, strict=True)]])
    stored = {row[2]: {"vulnerable": True, "employed_at_start": False} for row in rows}
    return Case("yes_no_marks", "roster", data, rows=len(marks), stored=stored)


def the_sample() -> Case:
    return Case(
        "coordinator_sample",
        "roster",
        SAMPLE.read_bytes(),
        rows=5,
        stored={
            "garam.kim@example.org": {
                "name": "김가람",
                "birth_date": date(1998, 5, 14),
                "phone": "010-1234-5678",
            },
            "narae.lee@example.org": {"name": "이나래", "phone": "010-2345-6789"},
            "maru.jung@example.org": {"phone": None},
        },
    )


def outcomes_as_typed() -> Case:
    """Pay as 280만원, hours as 40시간, a start date in full-width digits."""
    header = ["이메일", "결과", "시작일", "기관명", "고용보험", "주당근로시간", "월기본급"]
    row = [
        "kim@example.org",
        "E1",
        "２０２５．０９．０１",
        "주식회사 예시",
        "○",
        "40시간",
        "280만원",
    ]
    stored = {
        "kim@example.org": {
            "start_date": date(2025, 9, 1),
            "insured": True,
            "weekly_hours": 40,
            "monthly_pay": 2_800_000,
        }
    }
    return Case("outcomes_as_typed", "outcomes", xlsx([header, row]), rows=1, stored=stored)


# Attendance in the wide layout of training portals ---------------------------------------------
# The cohort these sheets are for: sessions on 10–12 March 2025, and these trainees enrolled
# (two of them share a name and a birth date, as happens).
SESSIONS = (date(2025, 3, 10), date(2025, 3, 11), date(2025, 3, 12))
WIDE_ROSTER = (
    ("김가람", date(1998, 5, 14), "garam@example.org"),
    ("이나래", date(1996, 11, 2), "narae@example.org"),
    ("박다솜", date(2000, 7, 7), "dasom@example.org"),
    ("최하늘", date(1999, 1, 9), "haneul1@example.org"),
    ("최하늘", date(1999, 1, 9), "haneul2@example.org"),
)


@dataclass
class WideCase:
    name: str
    data: bytes
    marks: dict[tuple[str, date], str] = field(default_factory=dict)  # (email, day) -> mark
    problems: set[tuple[int, str]] = field(default_factory=set)


def wide_by_name_and_birth_date() -> WideCase:
    """An HRD-Net style export: 성명 and a masked resident number's front for the birth date,
    dates without the year and with the weekday, symbols and words, totals at the end."""
    data = xlsx(
        [
            ["훈련생 출결 현황"],
            [
                "연번",
                "성명",
                "생년월일",
                "03/10(월)",
                "03/11(화)",
                "03/12(수)",
                "출석일수",
                "출석률",
            ],
            [1, "김가람", "980514-1******", "○", "지각", "×", 1, "66%"],
            [2, "이나래", "1996-11-02", "출석", "-", "공가", 1, "50%"],
            [3, "박다솜", "000707", "△", "▲", "결", 0, "0%"],
            [None, "합계", None, None, None, None, 2, None],
        ]
    )
    marks = {
        ("garam@example.org", SESSIONS[0]): "present",
        ("garam@example.org", SESSIONS[1]): "late",
        ("garam@example.org", SESSIONS[2]): "absent",
        ("narae@example.org", SESSIONS[0]): "present",
        ("narae@example.org", SESSIONS[2]): "excused",
        ("dasom@example.org", SESSIONS[0]): "late",
        ("dasom@example.org", SESSIONS[1]): "early_leave",
        ("dasom@example.org", SESSIONS[2]): "absent",
    }
    return WideCase("wide_by_name_and_birth_date", data, marks)


def wide_by_email_with_excel_dates() -> WideCase:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["이름", "이메일", *(datetime(d.year, d.month, d.day) for d in SESSIONS), "합계"])
    sheet.append(["최하늘", "haneul1@example.org", "출석", "출석", "조퇴", 3])
    sheet.append(["최하늘", "HANEUL2@example.org", "present", "absent", None, 1])
    for cell in sheet[1][2:5]:
        cell.number_format = "m/d"
    marks = {
        ("haneul1@example.org", SESSIONS[0]): "present",
        ("haneul1@example.org", SESSIONS[1]): "present",
        ("haneul1@example.org", SESSIONS[2]): "early_leave",
        ("haneul2@example.org", SESSIONS[0]): "present",
        ("haneul2@example.org", SESSIONS[1]): "absent",
    }
    return WideCase("wide_by_email_with_excel_dates", workbook_bytes(workbook), marks)


def wide_under_a_month_row() -> WideCase:
    """Day numbers under a month merged across them."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["성명", "생년월일", "3월", None, None])
    sheet.append([None, None, 10, 11, 12])
    sheet.merge_cells("C1:E1")
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:B2")
    sheet.append(["김가람", date(1998, 5, 14), "O", "O", "X"])
    marks = {
        ("garam@example.org", SESSIONS[0]): "present",
        ("garam@example.org", SESSIONS[1]): "present",
        ("garam@example.org", SESSIONS[2]): "absent",
    }
    return WideCase("wide_under_a_month_row", workbook_bytes(workbook), marks)


def wide_with_people_it_cannot_tell_apart() -> WideCase:
    """Two 최하늘 born the same day and no e-mail: refused at that row, as is a name not on the
    roster and a mark that is not one."""
    data = xlsx(
        [
            ["성명", "생년월일", "3/10", "3/11"],
            ["최하늘", "1999-01-09", "출석", "출석"],
            ["홍길동", "1999-01-09", "출석", "출석"],
            ["김가람", "1998-05-14", "출석", "놀이"],
        ]
    )
    return WideCase(
        "wide_with_people_it_cannot_tell_apart",
        data,
        problems={(2, "성명"), (3, "성명"), (4, "3/11")},
    )


WIDE_CASES = (
    wide_by_name_and_birth_date,
    wide_by_email_with_excel_dates,
    wide_under_a_month_row,
    wide_with_people_it_cannot_tell_apart,
)


CASES = (
    the_sample,
    stale_dimension,
    mac_decomposed_text,
    full_width_and_invisible,
    hidden_by_filter,
    borders_to_row_25000,
    csv_with_trailing_blank_lines,
    excel_unicode_text,
    password_protected,
    old_xls,
    date_cells_as_coordinators_type_them,
    formulas_and_errors,
    two_row_header,
    data_on_the_second_sheet,
    headers_with_hints,
    resident_numbers,
    too_many_cells,
    compression_bomb,
    yes_no_marks,
    outcomes_as_typed,
)


def main(folder: str) -> None:
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for make in CASES + WIDE_CASES:
        case = make()
        suffix = ".csv" if not case.data.startswith((b"PK", b"\xd0\xcf")) else ".xlsx"
        (target / f"{case.name}{suffix}").write_bytes(case.data)
        print(case.name, len(case.data))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "corpus")
