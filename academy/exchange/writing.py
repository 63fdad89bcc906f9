"""Excel files we hand out: format templates and the copy of an upload with its problems marked.

Text that starts like a formula (= + - @, tab, carriage return) is written with a leading
apostrophe, so a name or remark can never run as a formula in the reader's Excel.
"""

import io
from datetime import date, datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from academy.exchange.formats import Format
from academy.exchange.reading import ParsedFile

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="ECF2FE")
ERROR_FILL = PatternFill("solid", fgColor="FDEFEC")


def safe_cell(value: object) -> object:
    """A value that Excel shows as written, never evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_row(sheet, values, header: bool = False) -> None:
    sheet.append([safe_cell(v) for v in values])
    if header:
        for cell in sheet[sheet.max_row]:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL


def template_workbook(fmt: Format) -> bytes:
    """An empty file in the format: Korean headers, one example row, and a guide sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(fmt.title)[:31]
    _write_row(sheet, [c.header for c in fmt.columns], header=True)
    _write_row(sheet, [c.example for c in fmt.columns])
    for index, column in enumerate(fmt.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.example) + 4)
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("Guide"))
    _write_row(guide, [_("Header"), _("English alias"), _("Required"), _("Content")], header=True)
    for column in fmt.columns:
        _write_row(
            guide,
            [
                column.header,
                column.key,
                _("Yes") if column.required else _("No"),
                str(column.description),
            ],
        )
    for letter, width in zip("ABCD", (16, 20, 10, 70), strict=True):
        guide.column_dimensions[letter].width = width
    return _save(workbook)


def _plain(value: object) -> object:
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    if isinstance(value, str):
        # A CSV may hold control characters that an .xlsx cannot; show where they were.
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if isinstance(value, date | datetime | int | float | str) or value is None:
        return value
    return str(value)


def annotated_workbook(parsed: ParsedFile) -> bytes:
    """The uploaded rows as they were, with an error column on each row that has problems."""
    by_line: dict[int, list[str]] = {}
    for problem in parsed.problems:
        where = f"{problem.column}: " if problem.column else ""
        by_line.setdefault(problem.line, []).append(_plain(f"{where}{problem.message}"))
    width = max((len(row) for row in parsed.raw), default=0)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Problems")
    error_header = _("Problems found")
    for number, row in enumerate(parsed.raw, start=1):
        padded = [_plain(v) for v in row] + [None] * (width - len(row))
        if number == parsed.header_line:
            _write_row(sheet, padded + [error_header], header=True)
            continue
        messages = by_line.get(number)
        _write_row(sheet, padded + ["; ".join(messages) if messages else None])
        if messages:
            error_cell = sheet.cell(row=number, column=width + 1)
            error_cell.fill = ERROR_FILL
            error_cell.alignment = Alignment(wrap_text=True)
    sheet.column_dimensions[get_column_letter(width + 1)].width = 60
    return _save(workbook)
