"""Read an uploaded .xlsx or .csv in one of the exchange formats, the way coordinators keep them.

Real files have a title row and notes above the header, extra columns (연번, 비고), blank rows and
a total row (합계) at the end. The reader finds the header, maps Korean headers or English aliases
in any order, warns about unknown columns, and turns every cell into a value or a problem that
names its row and column. Nothing is written here: callers decide after seeing every problem.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import openpyxl
from flask_babel import lazy_gettext as _l
from openpyxl.utils import range_boundaries
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from academy.exchange.cells import (
    INVISIBLE,
    CellError,
    ExcelError,
    FormulaWithoutResult,
    clean,
    describe_character,
    is_blank,
    text,
)
from academy.exchange.formats import Column, Format
from academy.privacy import RESIDENT_NUMBER, mask_resident_numbers

MAX_ROWS = 20_000  # rows that hold something: empty rows, formatted or not, do not count
HEADER_SEARCH_ROWS = 30
# An .xlsx is a zip: refuse archives that unpack into far more than any roster (zip bombs), and
# sheets with more cells than any roster, before a single cell is parsed. Excel writes a cell for
# every formatted empty cell: borders on A1:F25000 are 150,000 cells, well inside the limit.
MAX_XLSX_ENTRIES = 500
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_CELLS = 1_000_000
# Sheet XML compresses well (borders on 25,000 empty rows: about 60 to 1); past this ratio, on
# an entry of more than a few megabytes, the file was made to unpack into something huge.
MAX_COMPRESSION_RATIO = 250
RATIO_CHECKED_FROM_BYTES = 8 * 1024 * 1024
TOTAL_ROW = re.compile(r"^(합\s*계|총\s*계|소\s*계|total|sum)\b", re.IGNORECASE)
# A note under (or inside) the table, alone in its row: "※ 중도탈락자 제외", "* 3/10 기준".
NOTE_ROW = re.compile(r"^(※|\*|☞|▶|주\s*[)）:：]|참고\s*[)）:：]|비고\s*[)）:：])\s*\S")
# What Korean office files put in a cell that has nothing to say: a dash, or the Hangul vowel ㅡ
# typed as one. Read as blank: the cell is then optional, or "required: fill in this cell".
NOTHING = frozenset({"-", "–", "—", "―", "－", "ㅡ", "--"})
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An .xlsx saved with a password is an OLE container holding the encrypted package.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# Excel's largest date (9999-12-31) as a serial: a larger number in a date cell was typed in.
EXCEL_LAST_SERIAL = 2_958_465
# Headers of resident registration number columns: dropped unread, whatever they hold.
RESIDENT_NUMBER_HEADERS = re.compile(
    r"^(주민(등록)?번호|외국인등록번호|rrn|residentregistrationnumber)"
)
_DIGIT_RUN = re.compile(r"\d{6}")
# Remarks (비고) that say a person left or was withdrawn: read, and pointed out.
DROPPED_OUT = re.compile(r"중도\s*(포기|탈락|하차)|수강\s*(포기|취소)|입과\s*취소|퇴소|제적")
CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s/>]")
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")


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
    hidden: bool = False  # hidden in Excel (a filter or by hand): imported, and said so
    # The header a key's problems are reported under, when the row's cell is not in the key's
    # column (the wide attendance layout: a mark and its date are in a date's column).
    columns: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedFile:
    format: Format
    header_line: int
    headers: dict[str, str]  # column key -> header as written in the file
    rows: list[ParsedRow]
    warnings: list[object]
    raw: list[list[object]]  # every row of the sheet, for the annotated error copy
    sheet_name: str | None = None
    layout: str = "long"  # "wide": attendance with a column per session (exchange.wide)

    @property
    def problems(self) -> list[Problem]:
        return [p for row in self.rows for p in row.problems]

    def add_problem(self, row: ParsedRow, key: str | None, message: object, value: str = ""):
        """A problem in the column as the file names it, or by its template header when the
        file lacks the column (a value the row needs that has nowhere to go)."""
        column = None
        if key:
            column = row.columns.get(key) or self.headers.get(key)
            column = column or self.format.column(key).header
        row.problems.append(Problem(row.line, column, message, value))


@dataclass(frozen=True)
class Cleaned:
    """An invisible character taken out of a cell, to say which and where."""

    line: int
    position: int  # 0-based column
    character: str
    at: int  # 1-based character in the cell


@dataclass
class Sheet:
    """One sheet's cells as a person sees them: rows by Excel's numbering (index 0 is row 1),
    text composed and cleaned, resident registration numbers already masked."""

    name: str | None
    rows: list[list[object]]
    hidden: set[int] = field(default_factory=set)  # 1-based rows hidden in Excel
    hidden_columns: frozenset[int] = frozenset()  # 0-based columns hidden in Excel
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    masked: dict[int, set[int]] = field(default_factory=dict)  # line -> 0-based columns
    cleaned: list[Cleaned] = field(default_factory=list)

    def cell(self, line: int, position: int, value: object) -> object:
        """The value a person reads: see Sheet."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            if 10**12 <= abs(value) < 10**13 and RESIDENT_NUMBER.fullmatch(text(value)):
                self.masked.setdefault(line, set()).add(position)
                return mask_resident_numbers(text(value))
            return value
        if not isinstance(value, str) or isinstance(value, ExcelError | FormulaWithoutResult):
            return value
        if value.isascii():
            masked = mask_resident_numbers(value) if _DIGIT_RUN.search(value) else value
        else:
            if len(self.cleaned) < 50:
                invisible = INVISIBLE.search(unicodedata.normalize("NFC", value))
                if invisible:
                    self.cleaned.append(
                        Cleaned(line, position, invisible.group(), invisible.start() + 1)
                    )
            value = clean(value)
            masked = mask_resident_numbers(value)
        if masked != value:
            self.masked.setdefault(line, set()).add(position)
        return masked


def _plural_rows(lines) -> str:
    lines = sorted(lines)
    shown = ", ".join(str(n) for n in lines[:20])
    return shown + (f" … (+{len(lines) - 20})" if len(lines) > 20 else "")


def read_sheets(data: bytes) -> Iterator[Sheet]:
    """The sheets of an .xlsx (visible ones first) or the one sheet of a CSV, read one at a time."""
    if data[:4] == b"PK\x03\x04":
        return _xlsx_sheets(data)
    if data[:8] == OLE_MAGIC:
        if ENCRYPTED_PACKAGE in data:
            raise UnreadableFile(
                _l(
                    "The file is protected with a password, so it cannot be read. In Excel open "
                    "it, remove the password (File › Info › Protect Workbook › Encrypt with "
                    "Password, clear the box), save it and upload it again."
                )
            )
        raise UnreadableFile(
            _l("This is an old .xls file: save it as .xlsx or .csv and upload again.")
        )
    return iter([_csv_sheet(data)])


def _check_archive(archive: zipfile.ZipFile) -> dict[str, int]:
    """Refuse, before parsing, what would unpack into far more than any roster; return the
    number of <row> elements of each worksheet (what the sheet holds, to count against)."""
    entries = archive.infolist()
    if len(entries) > MAX_XLSX_ENTRIES or (
        sum(e.file_size for e in entries) > MAX_XLSX_UNPACKED_BYTES
    ):
        raise UnreadableFile(_l("The Excel file is too large to read."))
    for entry in entries:
        if entry.file_size > RATIO_CHECKED_FROM_BYTES and (
            entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1)
        ):
            raise UnreadableFile(
                _l(
                    "The Excel file unpacks to %(ratio)s times its size, far more than any list "
                    "of people: it was not read. Copy the data into a new workbook and upload "
                    "that.",
                    ratio=f"{entry.file_size // max(entry.compress_size, 1):,}",
                )
            )
    if any(e.filename.lower().endswith("vbaproject.bin") for e in entries):
        raise UnreadableFile(_l("Files with macros are not accepted: save it as a plain .xlsx."))
    rows, cells = {}, 0
    for entry in entries:
        name = entry.filename
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        count_rows, tail = 0, b""
        try:
            with archive.open(entry) as sheet:
                while chunk := sheet.read(1 << 20):
                    window = tail + chunk
                    cells += len(CELL_TAG.findall(window)) - len(CELL_TAG.findall(tail))
                    count_rows += len(ROW_TAG.findall(window)) - len(ROW_TAG.findall(tail))
                    tail = chunk[-16:]
                    if cells > MAX_CELLS:
                        raise UnreadableFile(
                            _l(
                                "The workbook holds more than %(n)s cells, counting empty cells "
                                "that carry formatting (borders, colours): it was not read. "
                                "Delete the empty formatted rows and columns below and beside "
                                "the list, or copy the list into a new workbook.",
                                n=f"{MAX_CELLS:,}",
                            )
                        )
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as error:
            raise UnreadableFile(_l("The file is damaged or not an Excel file.")) from error
        rows[name] = count_rows
    return rows


class _CellReader(WorkSheetParser):
    """openpyxl's streaming parser, keeping what a person sees and openpyxl would lose: the
    date cells with a number too large to be a date (19980514 typed into a date cell; openpyxl
    makes it #VALUE!), formulas without a saved result (None otherwise), Excel's errors."""

    def __init__(self, src, shared_strings, epoch, date_styles):
        super().__init__(src, shared_strings, data_only=True, epoch=epoch, date_formats=set())
        self.date_styles = date_styles

    def parse_row(self, row):
        # A cell with no value, formula or text inside is empty however it is formatted (borders
        # to row 25,000): skip it unparsed. Cells without their own address keep their place.
        for element in [el for el in row if len(el) == 0 and el.get("r")]:
            row.remove(element)
        return super().parse_row(row)

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        value = cell["value"]
        if cell["data_type"] == "e" and value is not None:
            cell["value"] = ExcelError(value)
        elif value is None and (formula := element.find(FORMULA_TAG)) is not None:
            cell["value"] = FormulaWithoutResult("=" + (formula.text or ""))
        elif (
            cell["data_type"] == "n"
            and isinstance(value, int | float)
            and cell["style_id"] in self.date_styles
            and 0 < value <= EXCEL_LAST_SERIAL
        ):
            cell["value"] = from_excel(value, self.epoch)
        return cell


def _xlsx_sheets(data: bytes) -> Iterator[Sheet]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise UnreadableFile(_l("The file is damaged or not an Excel file.")) from error
    with archive:
        rows_held = _check_archive(archive)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        raise UnreadableFile(_l("The file is damaged or not an Excel file.")) from error
    sheets = [
        ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"
    ]
    sheets += [ws for ws in workbook.worksheets if ws not in sheets]
    return _read_each(workbook, sheets, rows_held)


def _read_each(workbook, sheets, rows_held: dict[str, int]) -> Iterator[Sheet]:
    try:
        for worksheet in sheets:
            yield _read_sheet(workbook, worksheet, rows_held.get(worksheet._worksheet_path))
    finally:
        workbook.close()


def _read_sheet(workbook, worksheet, rows_held: int | None) -> Sheet:
    """Every row the sheet holds, whatever its <dimension> says: a stale dimension (A1:D6 on
    ten rows) made openpyxl's read-only mode drop rows without a word."""
    sheet = Sheet(worksheet.title, [])
    rows_read, with_data = 0, 0
    try:
        with worksheet._get_source() as source:
            parser = _CellReader(
                source, workbook.shared_strings, workbook.epoch, workbook._date_formats
            )
            for line, cells in parser.parse():
                rows_read += 1
                if parser.row_dimensions.get(str(line), {}).get("hidden") in ("1", "true"):
                    sheet.hidden.add(line)
                values = {c["column"]: c["value"] for c in cells if not is_blank(c["value"])}
                if not values:
                    continue
                with_data += 1
                if with_data > MAX_ROWS + HEADER_SEARCH_ROWS:
                    raise UnreadableFile(
                        _l(
                            "The file has more than %(n)s rows with data: split it.",
                            n=f"{MAX_ROWS:,}",
                        )
                    )
                while len(sheet.rows) < line - 1:
                    sheet.rows.append([])
                row = [None] * max(values)
                for column, value in values.items():
                    row[column - 1] = sheet.cell(line, column - 1, value)
                sheet.rows.append(row)
            sheet.hidden_columns = frozenset(
                position
                for attrs in parser.column_dimensions.values()
                if attrs.get("hidden") in ("1", "true")
                for position in range(int(attrs["min"]) - 1, int(attrs.get("max", attrs["min"])))
                if position < 16_384
            )
            if parser.merged_cells is not None:
                for merged in parser.merged_cells.mergeCell:
                    min_col, min_row, max_col, max_row = range_boundaries(merged.ref)
                    sheet.merged.append((min_row, min_col, max_row, max_col))
    except UnreadableFile:
        raise
    except Exception as error:  # a broken sheet: openpyxl and the XML parser raise many kinds
        raise UnreadableFile(_l("The file is damaged or not an Excel file.")) from error
    if rows_held is not None and rows_read != rows_held:
        raise UnreadableFile(
            _l(
                "Only %(read)s of the %(held)s rows of sheet “%(sheet)s” could be read: the file "
                "may be damaged. Save it again in Excel and upload it.",
                read=f"{rows_read:,}",
                held=f"{rows_held:,}",
                sheet=worksheet.title,
            )
        )
    return sheet


def _decode(data: bytes) -> str:
    """UTF-16 (Excel's "Unicode text"), UTF-8 (with or without BOM) or CP949, whichever it is."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encodings = ("utf-16",)
    elif len(data) >= 4 and data[1:200:2].count(0) > len(data[1:200:2]) * 0.6:
        encodings = ("utf-16-le",)  # UTF-16 without its byte-order mark
    elif len(data) >= 4 and data[0:200:2].count(0) > len(data[0:200:2]) * 0.6:
        encodings = ("utf-16-be",)
    else:
        encodings = ("utf-8-sig", "cp949")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        _l(
            "The file is not text in a known encoding (UTF-8, CP949 or Excel's Unicode text) and "
            "not an Excel file: in Excel choose Save As › Excel Workbook (.xlsx) and upload that."
        )
    )


def _csv_sheet(data: bytes) -> Sheet:
    decoded = _decode(data)
    if "\x00" in decoded:
        raise UnreadableFile(_l("The file is damaged or not a CSV file."))
    try:
        dialect = csv.Sniffer().sniff(decoded[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    sheet = Sheet(None, [])
    with_data = 0
    try:
        for line, row in enumerate(csv.reader(io.StringIO(decoded, newline=""), dialect), 1):
            if all(is_blank(value) for value in row):
                sheet.rows.append([])
                continue
            with_data += 1
            if with_data > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise UnreadableFile(
                    _l("The file has more than %(n)s rows with data: split it.", n=f"{MAX_ROWS:,}")
                )
            sheet.rows.append(
                [sheet.cell(line, position, value) for position, value in enumerate(row)]
            )
    except csv.Error as error:
        raise UnreadableFile(_l("The file is damaged or not a CSV file.")) from error
    while sheet.rows and not sheet.rows[-1]:
        sheet.rows.pop()
    return sheet


def _header_forms(value: object) -> list[str]:
    """The ways a header cell may name a column: as written, and without its hints in brackets
    ("생년월일\n(YYYY-MM-DD)", "이메일 (로그인 ID)"); full-width, decomposed and spaced-out letters
    read as plain."""
    raw = unicodedata.normalize("NFKC", clean(text(value))).lower()

    def squeeze(part: str) -> str:
        return re.sub(r"[\s*※_\-.·:]", "", part).removesuffix("(필수)")

    forms = [squeeze(raw), squeeze(re.sub(r"\(.*?\)|\[.*?\]|<.*?>", "", raw))]
    return [form for i, form in enumerate(forms) if form and form not in forms[:i]]


@dataclass
class HeaderMatch:
    index: int  # 0-based row of the (last) header row
    mapping: dict[int, Column]
    headers: dict[str, str]
    unknown: list[str]
    dropped: list[str]  # resident registration number columns
    # (header not read, header read instead) for two columns naming the same field
    shadowed: list[tuple[str, str]] = field(default_factory=list)


def _column_names(fmt: Format) -> dict[str, Column]:
    names = {}
    for column in fmt.columns:
        for name in (column.header, column.key, *column.aliases):
            for form in _header_forms(name):
                names.setdefault(form, column)
    return names


def _lookup(names: dict[str, Column], value: object) -> Column | None:
    for form in _header_forms(value):
        if form in names:
            return names[form]
    return None


def _is_resident_number_header(value: object) -> bool:
    return any(RESIDENT_NUMBER_HEADERS.match(form) for form in _header_forms(value))


def _name_rank(column: Column, value: object) -> int:
    """How closely a header names its column: 0 for the format's own header, more for each
    alias further down the list (휴대전화 before 연락처, which may be a home number)."""
    forms = set(_header_forms(value))
    names = (column.header, column.key, *column.aliases)
    return next(
        (rank for rank, name in enumerate(names) if forms & set(_header_forms(name))),
        len(names),
    )


def _match_rows(
    rows: list[list[object]], names, top: int, bottom: int, hidden: frozenset[int] = frozenset()
) -> HeaderMatch:
    """The columns named in row `bottom`, or, for a header written over two rows (a group
    title merged above, or a header merged down), in row `top` above it. Two columns that name
    the same field (전화번호 and 휴대전화): the one named more closely is read, the first of
    equals, a column visible in Excel before a hidden one; the other is named in a warning."""
    mapping: dict[int, Column] = {}
    ranks: dict[int, tuple[bool, int]] = {}
    headers, unknown, dropped = {}, [], []
    passed_over: list[tuple[int, str]] = []
    upper = rows[top] if top != bottom else []
    lower = rows[bottom]
    for position in range(max(len(upper), len(lower))):
        candidates = [
            row[position]
            for row in (lower, upper)
            if position < len(row) and not is_blank(row[position])
        ]
        if not candidates:
            continue
        if len(candidates) == 2:
            candidates.append(text(candidates[1]) + text(candidates[0]))
        if any(_is_resident_number_header(c) for c in candidates):
            dropped.append(text(candidates[0]))
            continue
        rival = None
        for candidate in candidates:
            column = _lookup(names, candidate)
            if column is None:
                continue
            rank = (position in hidden, _name_rank(column, candidate))
            holder = next((p for p, c in mapping.items() if c == column), None)
            if holder is not None and rank >= ranks[holder]:
                rival = rival or (holder, candidate)
                continue
            if holder is not None:
                passed_over.append((holder, headers[column.key]))
                del mapping[holder], ranks[holder]
            mapping[position], ranks[position] = column, rank
            headers[column.key] = text(candidate)
            break
        else:
            if rival is not None:
                passed_over.append((position, text(rival[1])))
            else:
                unknown.append(text(candidates[0]))
    shadowed = [
        (header, headers[column.key])
        for position, header in sorted(passed_over)
        for column in [_lookup(names, header)]
        if column is not None
    ]
    return HeaderMatch(bottom, mapping, headers, unknown, dropped, shadowed)


def _find_header(
    rows: list[list[object]], fmt: Format, hidden: frozenset[int] = frozenset()
) -> HeaderMatch:
    """The header row (or rows): the first that names every required column. Raises
    MissingHeader with the closest candidate, so the refusal can say what is missing."""
    names = _column_names(fmt)
    required = {c.key for c in fmt.columns if c.required}
    best: HeaderMatch | None = None
    searched = rows[:HEADER_SEARCH_ROWS]
    for index in range(len(searched)):
        single = _match_rows(searched, names, index, index, hidden)
        if required <= set(single.headers):
            return single
        if best is None or len(single.headers) > len(best.headers):
            best = single
        if index + 1 < len(searched):
            following = _match_rows(searched, names, index + 1, index + 1, hidden)
            if required <= set(following.headers):
                continue  # the next row is the header by itself
            double = _match_rows(searched, names, index, index + 1, hidden)
            if required <= set(double.headers):
                return double
    raise MissingHeader(best)


class MissingHeader(LookupError):
    """No header row names every required column; args[0] is the closest row, if any."""


def _missing_header_message(fmt: Format, best: "HeaderMatch | None", sheets: int) -> object:
    where = _l("in the first %(n)s rows", n=HEADER_SEARCH_ROWS)
    if sheets > 1:
        where = _l("in the first %(n)s rows of any sheet", n=HEADER_SEARCH_ROWS)
    if best is not None and best.headers:
        missing = [c for c in fmt.columns if c.required and c.key not in best.headers]
        if best.dropped and any(c.key == "birth_date" for c in missing):
            return _l(
                "Row %(line)s has a resident registration number column (%(dropped)s) but no "
                "생년월일: the law forbids keeping those numbers, so the date of birth is not read "
                "from them. Add a 생년월일 column (e.g. 1995-03-10) and delete the other.",
                line=best.index + 1,
                dropped=", ".join(best.dropped),
            )
        return _l(
            "Row %(line)s looks like the header (%(found)s) but has no column for %(missing)s: "
            "add it with that header (the template shows every column).",
            line=best.index + 1,
            found=", ".join(best.headers.values()),
            missing=", ".join(f"{c.header} ({c.description})" for c in missing),
        )
    expected = ", ".join(c.header for c in fmt.columns if c.required)
    return _l(
        "No header row with the required columns (%(columns)s) was found %(where)s. Download "
        "the template to see the format.",
        columns=expected,
        where=where,
    )


def _locate(data: bytes, fmt: Format) -> tuple[Sheet, HeaderMatch, bool]:
    """The first sheet with the format's header, and whether it was not the first sheet."""
    best, count, first = None, 0, True
    for sheet in read_sheets(data):
        count += 1
        try:
            return sheet, _find_header(sheet.rows, fmt, sheet.hidden_columns), not first
        except MissingHeader as missing:
            candidate = missing.args[0]
            if candidate is not None and (
                best is None or len(candidate.headers) > len(best.headers)
            ):
                best = candidate
        first = False
    raise UnreadableFile(_missing_header_message(fmt, best, count))


def _reading_warnings(parsed: "ParsedFile", sheet: Sheet, match: HeaderMatch, moved: bool) -> None:
    warnings = parsed.warnings
    if moved:
        warnings.append(
            _l(
                "The list was read from the sheet “%(sheet)s”: the sheets before it "
                "have no header row.",
                sheet=sheet.name,
            )
        )
    for name in match.dropped:
        warnings.append(
            _l(
                "Column “%(name)s” was dropped: the law (개인정보 보호법) forbids keeping resident "
                "registration numbers, so they are neither read nor kept, and are shown back "
                "masked (950310-1******). The date of birth is enough: delete the column.",
                name=name,
            )
        )
    mapped = set(match.mapping)
    masked_lines = [
        line
        for line, positions in sheet.masked.items()
        if line > parsed.header_line and positions & mapped
    ]
    if masked_lines:
        warnings.append(
            _l(
                "Rows %(rows)s hold resident registration numbers: they are masked "
                "(950310-1******) wherever they are shown and never kept. Write the date of birth "
                "instead.",
                rows=_plural_rows(masked_lines),
            )
        )
    notes = [c for c in sheet.cleaned if c.line > parsed.header_line and c.position in mapped]
    if notes:
        where = "; ".join(
            f"{note.line}, {parsed.headers[match.mapping[note.position].key]}: "
            f"{describe_character(note.character)} @ {note.at}"
            for note in notes[:5]
        )
        warnings.append(
            _l(
                "Invisible characters were removed before reading (row, column: character @ "
                "place in the cell): %(where)s.",
                where=where,
            )
        )
    remarked = sorted(
        {
            row.line
            for row in parsed.rows
            if any(
                DROPPED_OUT.search(text(value))
                for position, value in enumerate(sheet.rows[row.line - 1])
                if position not in mapped and isinstance(value, str)
            )
        }
    )
    if remarked:
        warnings.append(
            _l(
                "Rows %(rows)s have a remark such as 중도포기 or 취소 in a column that is not "
                "read: they are imported like the others. Delete any that should not be.",
                rows=_plural_rows(remarked),
            )
        )
    for position in sorted(sheet.hidden_columns & mapped):
        warnings.append(
            _l(
                "Column “%(name)s” is hidden in Excel and is read like the others: check it in "
                "the preview.",
                name=parsed.headers[match.mapping[position].key],
            )
        )
    hidden = sorted({row.line for row in parsed.rows if row.hidden})
    if hidden:
        warnings.append(
            _l(
                "Rows %(rows)s are hidden in Excel (by a filter or by hand) and are imported like "
                "the others: check them in the preview, and delete any that should not be "
                "imported.",
                rows=_plural_rows(hidden),
            )
        )


def _spread_merged(sheet: Sheet, match: HeaderMatch) -> list[object]:
    """A cell merged down over several rows below the header holds its value for each of them
    (취약계층 "Y" merged over three people, a session date merged over everyone present):
    Excel keeps the value in the first cell only, and the others read blank. Merges across one
    row (a note over the table's width) are left as they are."""
    warnings = []
    header_line = match.index + 1
    for first_line, first_col, last_line, last_col in sorted(sheet.merged):
        if last_line == first_line or first_line <= header_line:
            continue
        positions = [p for p in range(first_col - 1, last_col) if p in match.mapping]
        if not positions:
            continue
        top = sheet.rows[first_line - 1] if first_line <= len(sheet.rows) else []
        value = top[first_col - 1] if first_col - 1 < len(top) else None
        if is_blank(value):
            continue
        for line in range(first_line, min(last_line, len(sheet.rows)) + 1):
            row = sheet.rows[line - 1]
            if len(row) < last_col:
                row.extend([None] * (last_col - len(row)))
            for position in range(first_col - 1, last_col):
                row[position] = value
        for position in positions:
            warnings.append(
                _l(
                    "Rows %(first)s–%(last)s of column “%(column)s” are one merged cell: its "
                    "value “%(value)s” was read for each of those rows.",
                    first=first_line,
                    last=last_line,
                    column=match.headers[match.mapping[position].key],
                    value=text(value),
                )
            )
    return warnings


def _cell_trouble(raw: object) -> object | None:
    """Why a cell that is not blank holds no value to read, or None."""
    if isinstance(raw, ExcelError):
        return _l(
            "the cell shows Excel's error %(value)s, not a value: correct the formula or "
            "type the value",
            value=str(raw),
        )
    if isinstance(raw, FormulaWithoutResult):
        return _l(
            "a formula whose result is not saved in the file: open the file in Excel, "
            "save it and upload it again (or paste the column as values)"
        )
    return None


def parse(data: bytes, fmt: Format) -> ParsedFile:
    """Every row of the file as values, with every problem by row and column."""
    if not data:
        raise UnreadableFile(_l("The file is empty."))
    sheet, match, moved = _locate(data, fmt)
    rows, header_index, mapping = sheet.rows, match.index, match.mapping
    warnings = [
        _l("Column “%(name)s” is not part of the format and was ignored.", name=name)
        for name in match.unknown
    ]
    warnings += [
        _l(
            "Column “%(name)s” was not read: column “%(used)s” is read for the same field. "
            "Delete or rename the one that should not be read.",
            name=name,
            used=used,
        )
        for name, used in match.shadowed
    ]
    warnings += _spread_merged(sheet, match)
    parsed = ParsedFile(fmt, header_index + 1, match.headers, [], warnings, rows, sheet.name)
    seen: dict[object, ParsedRow] = {}
    notes: list[int] = []
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        cells = {
            column.key: (row[pos] if pos < len(row) else None) for pos, column in mapping.items()
        }
        cells = {k: (None if text(v) in NOTHING else v) for k, v in cells.items()}
        if all(is_blank(value) for value in cells.values()):
            continue  # blank rows, and rows with only a serial number or a remark
        filled = [value for value in row if not is_blank(value)]
        if len(filled) == 1 and NOTE_ROW.match(text(filled[0])):
            notes.append(index + 1)
            continue
        if is_blank(cells.get(fmt.key)) and any(
            TOTAL_ROW.match(text(value)) for value in row if not is_blank(value)
        ):
            continue  # the total row (합계 5명) at the end
        line = ParsedRow(index + 1, {}, hidden=index + 1 in sheet.hidden)
        for key, raw in cells.items():
            column = fmt.column(key)
            trouble = _cell_trouble(raw)
            if trouble is not None:
                line.values[key] = None
                parsed.add_problem(line, key, trouble, text(raw))
                continue
            if is_blank(raw):
                line.values[key] = None
                if column.required:
                    parsed.add_problem(line, key, _l("required: fill in this cell"))
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
                    _l(
                        "Row %(line)s replaces row %(earlier)s for %(key)s.",
                        line=line.line,
                        earlier=earlier.line,
                        key=text(identity),
                    )
                )
                seen[identity] = line
            else:
                parsed.add_problem(
                    line,
                    fmt.key,
                    _l("also in row %(line)s of this file", line=earlier.line),
                    text(identity),
                )
        parsed.rows.append(line)
    if not parsed.rows:
        raise UnreadableFile(_l("The file has a header but no rows of data."))
    if notes:
        parsed.warnings.append(
            _l(
                "Rows %(rows)s hold only a note (starting with ※, * or the like) and were not "
                "imported.",
                rows=_plural_rows(notes),
            )
        )
    _reading_warnings(parsed, sheet, match, moved)
    return parsed
