"""Read an uploaded .xlsx or .csv in one of the exchange formats, the way coordinators keep them.

Real files have a title row and notes above the header, extra columns (연번, 비고), blank rows and
a total row (합계) at the end. The reader finds the header, maps Korean headers or English aliases
in any order, warns about unknown columns, and turns every cell into a value or a problem that
names its row and column. Nothing is written here: callers decide after seeing every problem.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

import openpyxl
from flask_babel import lazy_gettext as _l

from academy.exchange.cells import CellError, is_blank, text
from academy.exchange.formats import Column, Format

MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 30
# An .xlsx is a zip: refuse archives that unpack into far more than any roster (zip bombs).
MAX_XLSX_ENTRIES = 500
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
TOTAL_ROW = re.compile(r"^(합\s*계|총\s*계|소\s*계|total|sum)\b", re.IGNORECASE)


class UnreadableFile(ValueError):
    """The file as a whole cannot be read; args[0] is a translatable message."""


@dataclass(frozen=True)
class Problem:
    line: int  # the row number the user sees in Excel (1-based)
    column: str | None  # the header as written in the file
    message: object  # translatable
    value: str = ""


@dataclass
class ParsedRow:
    line: int
    values: dict[str, object]
    problems: list[Problem] = field(default_factory=list)
    replaced_by: int | None = None  # the later row for the same person (duplicates="replace")


@dataclass
class ParsedFile:
    format: Format
    header_line: int
    headers: dict[str, str]  # column key -> header as written in the file
    rows: list[ParsedRow]
    warnings: list[object]
    raw: list[list[object]]  # every row of the sheet, for the annotated error copy

    @property
    def problems(self) -> list[Problem]:
        return [p for row in self.rows for p in row.problems]

    def add_problem(self, row: ParsedRow, key: str | None, message: object, value: str = ""):
        """A problem in the column as the file names it, or by its template header when the
        file lacks the column (a value the row needs that has nowhere to go)."""
        column = (self.headers.get(key) or self.format.column(key).header) if key else None
        row.problems.append(Problem(row.line, column, message, value))


def _normalise_header(value: object) -> str:
    return re.sub(r"[\s*※_]", "", text(value)).lower().removesuffix("(필수)")


def sheet_rows(data: bytes) -> list[list[object]]:
    """The cells of the first sheet (xlsx) or of the CSV, row by row, blank rows included."""
    if data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile(
            _l("This is an old .xls file: save it as .xlsx or .csv and upload again.")
        )
    return _csv_rows(data)


def _xlsx_rows(data: bytes) -> list[list[object]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except zipfile.BadZipFile as error:
        raise UnreadableFile(_l("The file is damaged or not an Excel file.")) from error
    if (
        len(entries) > MAX_XLSX_ENTRIES
        or sum(e.file_size for e in entries) > MAX_XLSX_UNPACKED_BYTES
    ):
        raise UnreadableFile(_l("The Excel file is too large to read."))
    if any(e.filename.lower().endswith("vbaproject.bin") for e in entries):
        raise UnreadableFile(_l("Files with macros are not accepted: save it as a plain .xlsx."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        raise UnreadableFile(_l("The file is damaged or not an Excel file.")) from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise UnreadableFile(
                    _l("The file has more than %(n)s rows: split it.", n=f"{MAX_ROWS:,}")
                )
        # read_only mode starts at the first used row; keep Excel's row numbers right.
        first = sheet.min_row or 1
        return [[] for _ in range(first - 1)] + rows
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> list[list[object]]:
    """UTF-8 (with or without BOM) or CP949, whichever decodes."""
    for encoding in ("utf-8-sig", "cp949"):
        try:
            decoded = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(_l("The file is neither UTF-8 nor CP949 text, nor an Excel file."))
    if "\x00" in decoded:
        raise UnreadableFile(_l("The file is damaged or not a CSV file."))
    try:
        dialect = csv.Sniffer().sniff(decoded[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(decoded, newline=""), dialect))
    if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise UnreadableFile(_l("The file has more than %(n)s rows: split it.", n=f"{MAX_ROWS:,}"))
    return rows


def _find_header(rows: list[list[object]], fmt: Format) -> tuple[int, dict[int, Column], list]:
    names = {}
    for column in fmt.columns:
        names[_normalise_header(column.header)] = column
        names[_normalise_header(column.key)] = column
    required = {c.key for c in fmt.columns if c.required}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping = {}
        unknown = []
        for position, cell in enumerate(row):
            if is_blank(cell):
                continue
            column = names.get(_normalise_header(cell))
            if column is not None and column not in mapping.values():
                mapping[position] = column
            else:
                unknown.append(text(cell))
        if required <= {c.key for c in mapping.values()}:
            return index, mapping, unknown
    expected = ", ".join(c.header for c in fmt.columns if c.required)
    raise UnreadableFile(
        _l("No header row with the required columns (%(columns)s) was found in the first %(n)s "
           "rows. Download the template to see the format.", columns=expected,
           n=HEADER_SEARCH_ROWS)
    )  # fmt: skip


def parse(data: bytes, fmt: Format) -> ParsedFile:
    """Every row of the file as values, with every problem by row and column."""
    if not data:
        raise UnreadableFile(_l("The file is empty."))
    rows = sheet_rows(data)
    header_index, mapping, unknown = _find_header(rows, fmt)
    headers = {column.key: text(rows[header_index][pos]) for pos, column in mapping.items()}
    warnings = [
        _l("Column “%(name)s” is not part of the format and was ignored.", name=name)
        for name in unknown
    ]
    parsed = ParsedFile(fmt, header_index + 1, headers, [], warnings, rows)
    seen: dict[object, ParsedRow] = {}
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        cells = {column.key: (row[pos] if pos < len(row) else None)
                 for pos, column in mapping.items()}  # fmt: skip
        if all(is_blank(value) for value in cells.values()):
            continue  # blank rows, and rows with only a serial number or a remark
        if is_blank(cells.get(fmt.key)) and any(
            TOTAL_ROW.match(text(value)) for value in row if not is_blank(value)
        ):
            continue  # the total row (합계 5명) at the end
        line = ParsedRow(index + 1, {})
        for key, raw in cells.items():
            column = fmt.column(key)
            if is_blank(raw):
                line.values[key] = None
                if column.required:
                    parsed.add_problem(line, key, _l("required"))
                continue
            try:
                line.values[key] = column.parse(raw)
            except CellError as error:
                line.values[key] = None
                parsed.add_problem(line, key, error.args[0], text(raw))
        identity = line.values.get(fmt.key)
        if identity is not None and fmt.duplicates != "allow":
            earlier = seen.get(identity)
            if earlier is None:
                seen[identity] = line
            elif fmt.duplicates == "replace":
                earlier.replaced_by = line.line
                parsed.warnings.append(
                    _l("Row %(line)s replaces row %(earlier)s for %(key)s.", line=line.line,
                       earlier=earlier.line, key=text(identity))
                )  # fmt: skip
                seen[identity] = line
            else:
                parsed.add_problem(
                    line, fmt.key, _l("also in row %(line)s of this file", line=earlier.line),
                    text(identity),
                )  # fmt: skip
        parsed.rows.append(line)
    if not parsed.rows:
        raise UnreadableFile(_l("The file has a header but no rows of data."))
    return parsed
