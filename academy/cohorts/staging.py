"""An uploaded roster or attendance file between its preview and its commit, and the jobs that
check and write it.

The file waits in the staging store as every staged upload does (academy.staging: tied to the
coordinator who sent it), beside a small JSON record that ties it to the cohort and holds what
the page shows: the phase, the preview, the result. Nothing from the browser is trusted between
the two steps. A file the reader found clean (a roster, or attendance in the long layout) is
also kept as its read rows (`keep_rows`), tied to the file by its SHA-256, so the commit, on
whichever server it runs, skips reading the file again; the database checks run again under
the cohort's lock all the same. Once written, the file and its rows are deleted; the record
keeps only the counts. Records older than STAGING_MINUTES are purged with the files.

Both steps run as jobs on the task queue (academy.jobs), for every size of file: the page polls
the record and the job, whichever server it reaches. A job whose worker died is failed by the
job reaper, and the page says so; its transaction was never committed.
"""

import hashlib
import io
import json
import logging
import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from academy import staging, storage
from academy.exchange.formats import ATTENDANCE, ROSTER
from academy.exchange.reading import ParsedFile, ParsedRow

log = logging.getLogger(__name__)

KINDS = ("roster", "attendance")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


@dataclass
class StagedImport:
    token: str
    kind: str
    cohort_id: int
    user_id: int | None
    filename: str
    locale: str
    uploaded_at: float
    rows_estimate: int
    state: str = "checking"  # checking → checked → writing → done; or failed
    phase: str = "reading"  # reading, checking, writing
    done: int = 0
    total: int = 0
    heartbeat: float = field(default_factory=time.time)
    report: dict | None = None  # the preview: counts, problems, warnings, first rows
    result: dict | None = None  # after the commit: what was written
    error: str | None = None  # why the file as a whole was refused
    job_id: int | None = None  # the job checking or writing it now

    @property
    def running(self) -> bool:
        return self.state in ("checking", "writing")

    @property
    def percent(self) -> int | None:
        if self.phase == "reading" or not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    @property
    def has_data(self) -> bool:
        return staging.exists(self.token)


def _record_name(token: str) -> str:
    return f"cohort-import-{token}.json"


def _purpose(kind: str) -> str:
    return f"cohort_{kind}"


def save(staged: StagedImport) -> None:
    """Whole: a polling request never reads half a record (the store writes atomically)."""
    staged.heartbeat = time.time()
    data = json.dumps(asdict(staged), ensure_ascii=False).encode("utf-8")
    storage.area("staging").put(_record_name(staged.token), data)


ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>]")
ESTIMATE_READ_LIMIT = 64 * 1024 * 1024


def estimate_rows(data: bytes) -> int:
    """Lines of a CSV, or <row> elements in an .xlsx's first sheet, counted while streaming the
    XML (a few milliseconds for 10,000 rows; openpyxl's dimension is often missing)."""
    if data[:4] != b"PK\x03\x04":
        return data.count(b"\n")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = sorted(
                n
                for n in archive.namelist()
                if n.startswith("xl/worksheets/") and n.endswith(".xml")
            )
            if not sheets:
                return 0
            name = "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in sheets else sheets[0]
            count, tail, read = 0, b"", 0
            with archive.open(name) as sheet:
                while read < ESTIMATE_READ_LIMIT and (chunk := sheet.read(1 << 16)):
                    read += len(chunk)
                    count += len(ROW_TAG.findall(tail + chunk))
                    tail = chunk[-8:]
                    # a tag cut at the boundary is counted once: drop matches wholly in the tail
                    count -= len(ROW_TAG.findall(tail))
            return count + len(ROW_TAG.findall(tail))
    except (zipfile.BadZipFile, OSError, RuntimeError):
        return 0  # the parser reports what is wrong with the file


def stage(
    data: bytes, kind: str, cohort_id: int, user_id: int | None, filename: str, locale: str
) -> StagedImport:
    token = staging.stage(data, user_id, filename, _purpose(kind))
    staged = StagedImport(
        token=token,
        kind=kind,
        cohort_id=cohort_id,
        user_id=user_id,
        filename=filename[:200],
        locale=locale,
        uploaded_at=time.time(),
        rows_estimate=estimate_rows(data),
    )
    save(staged)
    return staged


def load(token: str) -> StagedImport | None:
    if not TOKEN.match(token or ""):
        return None
    try:
        record = json.loads(storage.area("staging").get(_record_name(token)))
    except (storage.FileMissing, ValueError):
        return None
    return StagedImport(**record)


def read_data(staged: StagedImport) -> bytes:
    """The uploaded file; StagedFileMissing once it is gone (written, refused or expired)."""
    return staging.load(staged.token, staged.user_id, _purpose(staged.kind)).data


def discard_data(staged: StagedImport) -> None:
    """The personal data goes as soon as it is written (or refused for good)."""
    staging.discard(staged.token)
    storage.area("staging").delete(_rows_name(staged.token))


def _rows_name(token: str) -> str:
    return f"cohort-import-{token}.rows.json"


class _NotKept(TypeError):
    """A value the rows' JSON cannot carry exactly: the commit reads the file instead."""


def _encoded(value: object) -> object:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, date) and not isinstance(value, datetime):
        return {"date": value.isoformat()}
    raise _NotKept(type(value).__name__)


def _decoded(value: object) -> object:
    return date.fromisoformat(value["date"]) if isinstance(value, dict) else value


FORMATS = {"roster": ROSTER, "attendance": ATTENDANCE}


def keep_rows(staged: StagedImport, parsed: ParsedFile, data: bytes) -> bool:
    """Keep a file's rows as read, for the commit, when the reader found nothing wrong (a file
    with problems cannot be committed, so there is nothing to save). The wide attendance layout
    is not kept: its rows are matched to the roster by name, which the commit must redo."""
    if parsed.format is not FORMATS.get(staged.kind) or parsed.layout != "long":
        return False
    if parsed.problems:
        return False
    try:
        rows = [
            [row.line, {k: _encoded(v) for k, v in row.values.items()}, row.hidden, row.columns]
            for row in parsed.rows
        ]
    except _NotKept:
        return False
    kept = {
        "digest": hashlib.sha256(data).hexdigest(),
        "header_line": parsed.header_line,
        "headers": parsed.headers,
        "sheet_name": parsed.sheet_name,
        "warnings": [str(w) for w in parsed.warnings],  # in the uploader's language, as shown
        "rows": rows,
    }
    storage.area("staging").put(_rows_name(staged.token), json.dumps(kept).encode("utf-8"))
    return True


def kept_rows(staged: StagedImport, data: bytes) -> ParsedFile | None:
    """The rows `keep_rows` saved for this very file, or None (read the file again)."""
    try:
        kept = json.loads(storage.area("staging").get(_rows_name(staged.token)))
    except (storage.FileMissing, ValueError):
        return None
    if kept.get("digest") != hashlib.sha256(data).hexdigest():
        return None
    rows = [
        ParsedRow(line, {k: _decoded(v) for k, v in values.items()}, hidden=hidden, columns=cols)
        for line, values, hidden, cols in kept["rows"]
    ]
    return ParsedFile(
        FORMATS[staged.kind],
        kept["header_line"],
        kept["headers"],
        rows,
        kept["warnings"],
        [],
        kept["sheet_name"],
    )


def progress_saver(
    staged: StagedImport, report: Callable[[int, int], None]
) -> Callable[[str, int, int], None]:
    """A progress callback: the counts go to the job (its heartbeat carries them to the page);
    the record is written only when the phase changes (reading → checking → writing)."""

    def progress(phase: str, done: int, total: int) -> None:
        if phase != staged.phase:
            staged.phase, staged.done, staged.total = phase, done, total
            save(staged)
        staged.done, staged.total = done, total
        report(done, total)

    return progress
