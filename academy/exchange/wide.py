"""Attendance in the wide layout that training portals (HRD-Net) and coordinators' own sheets
use: one row per trainee, one column per session date, a mark in each cell, totals at the end.

    연번 | 성명 | 생년월일 | 03/10(월) | 03/11(화) | … | 출석일수 | 출석률
    1    | 김가람 | 980514 | ○        | 지각      | … | 19      | 95%

The dates may be full (2025-03-10, an Excel date) or without the year (03/10, 3월 10일, or day
numbers under a month row such as "3월" merged across its days); the caller says which year a
month and day fall in (the cohort's). The trainee is named by 이메일, or by 이름 and 생년월일 when
the sheet has no e-mail (the caller matches them to its roster). Columns that are neither an
identity nor a date (totals, rates, 훈련상태) are ignored with a warning.

The result is the long attendance format, one row per trainee and session, each keeping the
sheet's row number and the date column's header, so every problem names the cell to change.
"""

import re
from collections.abc import Callable
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from academy.exchange import cells
from academy.exchange.cells import CellError, is_blank, text
from academy.exchange.formats import Column, Format
from academy.exchange.reading import (
    HEADER_SEARCH_ROWS,
    TOTAL_ROW,
    HeaderMatch,
    ParsedFile,
    ParsedRow,
    Problem,
    Sheet,
    _cell_trouble,
    _column_names,
    _is_resident_number_header,
    _lookup,
    _reading_warnings,
    read_sheets,
)

YearFor = Callable[[int, int], int]  # (month, day) -> year

# Cells that say "no session" or "not recorded": no mark, not a problem.
NO_MARK = {"-", "–", "—", "/", "·", "."}


def _birth_date(value: object) -> date:
    """A date of birth, or the front of a resident number as HRD-Net shows it masked
    (980514-1******): only the date is read from it, never kept as such."""
    masked = re.fullmatch(r"(\d{2})(\d{2})(\d{2})-([1-8])\*{6}", cells.folded(value))
    if masked:
        year, month, day, code = (int(part) for part in masked.groups())
        century = {1: 1900, 2: 1900, 5: 1900, 6: 1900}.get(code, 2000)
        try:
            return date(century + year, month, day)
        except ValueError as error:
            raise CellError(_l("not a date: write it as 2025-03-10")) from error
    return cells.parse_date(value)


IDENTITY = Format(
    name="attendance_wide",
    title=_l("Attendance"),
    key="email",
    duplicates="allow",
    columns=(
        Column(
            "email",
            "이메일",
            cells.parse_email,
            False,
            _l("A trainee on the cohort's roster"),
            "gildong.hong@example.com",
            ("이메일주소", "메일", "e-mail", "로그인 ID"),
        ),
        Column(
            "name",
            "이름",
            cells.parse_name,
            False,
            _l("Full name"),
            "홍길동",
            ("성명", "성함", "교육생명", "훈련생명", "훈련생", "교육생"),
        ),
        Column(
            "birth_date",
            "생년월일",
            _birth_date,
            False,
            _l("Date of birth"),
            "2000-05-17",
            ("생일", "출생일", "주민번호앞자리"),
        ),
    ),
)

_MONTH_DAY = (
    re.compile(r"^(\d{1,2})\s*[-./]\s*(\d{1,2})\.?$"),  # 03/10, 3.10, 3-10
    re.compile(r"^(\d{1,2})\s*월\s*(\d{1,2})\s*일?$"),  # 3월 10일
)
_DAY = re.compile(r"^(\d{1,2})\s*일?$")  # 10, 10일 (under a month row)
_MONTH = re.compile(r"^(?:(\d{4})\s*[-./년]\s*)?(\d{1,2})\s*월?$")  # 3월, 2025-03, 2025년 3월
_WEEKDAY = re.compile(r"\s*\(\s*[월화수목금토일](?:요일)?\s*\)$|\s+[월화수목금토일]$")


def _header_date(value: object, year_for: YearFor, month: int | None) -> date | None:
    """The session date a column header names, or None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = _WEEKDAY.sub("", cells.folded(value))
    if not raw:
        return None
    try:
        if re.search(r"\d{4}", raw) or (isinstance(value, int | float) and value > 31):
            return cells.parse_date(value)
    except CellError:
        return None
    for pattern in _MONTH_DAY:
        match = pattern.match(raw)
        if match:
            m, d = int(match.group(1)), int(match.group(2))
            return _safe_date(year_for, m, d)
    match = _DAY.match(raw)
    if match and month is not None:
        return _safe_date(year_for, month, int(match.group(1)))
    return None


def _safe_date(year_for: YearFor, month: int, day: int) -> date | None:
    try:
        return date(year_for(month, day), month, day)
    except ValueError:
        return None


def _months_above(row: list[object]) -> list[int | None]:
    """The month each column sits under in a month row ("3월" merged across its days)."""
    months, current = [], None
    for value in row:
        if not is_blank(value):
            match = _MONTH.match(cells.folded(value))
            current = int(match.group(2)) if match and 1 <= int(match.group(2)) <= 12 else None
        months.append(current)
    return months


class NotWide(LookupError):
    """The sheet has no header row with an identity column and session dates."""


def _find(sheet: Sheet, year_for: YearFor):
    names = _column_names(IDENTITY)
    rows = sheet.rows[:HEADER_SEARCH_ROWS]
    for index, row in enumerate(rows):
        upper = rows[index - 1] if index else []
        months = _months_above(upper)
        identity, dates, others, dropped, named = {}, {}, [], [], {}
        for position in range(max(len(row), len(upper))):
            value = row[position] if position < len(row) else None
            if is_blank(value):
                # 성명 merged down over the month and day rows: the name is in the row above.
                above = upper[position] if position < len(upper) else None
                if is_blank(above) or not (
                    _lookup(names, above) or _is_resident_number_header(above)
                ):
                    continue
                value = above
            if _is_resident_number_header(value):
                dropped.append(text(value))
                continue
            column = _lookup(names, value)
            if column is not None and column not in identity.values():
                identity[position] = column
                named[position] = text(value)
                continue
            # A merged month title keeps only its first cell: it runs on to the row's end.
            month = months[min(position, len(months) - 1)] if months else None
            day = _header_date(value, year_for, month)
            if day is not None:
                dates[position] = (day, text(value) if month is None else f"{month}/{text(value)}")
            else:
                others.append(text(value))
        keys = {column.key for column in identity.values()}
        if len(dates) >= 2 and ("email" in keys or "name" in keys):
            return index, identity, dates, others, dropped, named
    raise NotWide


def parse_wide(data: bytes, year_for: YearFor) -> ParsedFile:
    """The wide sheet as long attendance rows: email (or name and birth_date), date, mark."""
    for sheet in read_sheets(data):
        try:
            index, identity, dates, others, dropped, named = _find(sheet, year_for)
            break
        except NotWide:
            continue
    else:
        raise NotWide
    headers = {column.key: named[pos] for pos, column in identity.items()}
    parsed = ParsedFile(IDENTITY, index + 1, headers, [], [], sheet.rows, sheet.name)
    parsed.layout = "wide"
    parsed.warnings.append(
        _l(
            "Read as one row per trainee and one column per session (%(n)s session columns, "
            "%(first)s to %(last)s).",
            n=len(dates),
            first=min(d for d, _ in dates.values()),
            last=max(d for d, _ in dates.values()),
        )
    )
    parsed.warnings += [
        _l("Column “%(name)s” is not part of the format and was ignored.", name=name)
        for name in others
    ]
    for row_index in range(index + 1, len(sheet.rows)):
        row = sheet.rows[row_index]
        line = row_index + 1

        def cell(position: int, row=row) -> object:
            return row[position] if position < len(row) else None

        if all(is_blank(cell(pos)) for pos in (*identity, *dates)):
            continue
        if all(is_blank(cell(pos)) for pos in identity) and any(
            TOTAL_ROW.match(text(v)) for v in row if not is_blank(v)
        ):
            continue
        who: dict[str, object] = {}
        trouble: list[Problem] = []
        for position, column in identity.items():
            raw = cell(position)
            who[column.key] = None
            problem = _cell_trouble(raw)
            if problem is None and not is_blank(raw):
                try:
                    who[column.key] = column.parse(raw)
                except CellError as error:
                    problem = error.args[0]
            if problem is not None:
                trouble.append(Problem(line, headers[column.key], problem, text(raw)))
        first = True
        for position, (day, header) in dates.items():
            raw = cell(position)
            if is_blank(raw) or cells.folded(raw) in NO_MARK:
                continue
            values = {**who, "date": day, "mark": text(raw)}
            parsed_row = ParsedRow(line, values, hidden=line in sheet.hidden)
            parsed_row.columns = {"date": header, "mark": header}
            problem = _cell_trouble(raw)
            if problem is not None:
                parsed_row.values["mark"] = None
                parsed_row.problems.append(Problem(line, header, problem, text(raw)))
            if first:
                parsed_row.problems[:0] = trouble
                first = False
            parsed.rows.append(parsed_row)
    if not parsed.rows:
        raise NotWide
    match = HeaderMatch(index, identity, headers, others, dropped)
    _reading_warnings(parsed, sheet, match, moved=False)
    return parsed
