"""An uploaded roster or attendance file between its preview and its commit, and the job that
checks or writes it.

The file is kept under STAGING_FOLDER (never in the cookie session), under a name the
server makes, beside a small JSON record that ties it to the coordinator and the cohort and holds
the job's state and progress. The commit parses the file again: nothing from the browser is
trusted between the two steps. Once written, the file itself is deleted; the record keeps only
the counts. Records older than STAGING_MINUTES are purged on the next upload.

Large files (over IMPORT_BACKGROUND_ROWS rows) are checked and written in a background thread
while the page polls the record for progress: simple, needs no broker, and survives several
worker processes because the state lives in the file, not in memory. A job whose heartbeat stops
(the process died) is reported as stopped; its transaction was never committed.
"""

import io
import json
import logging
import os
import re
import secrets
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import force_locale

from academy.privacy import write_private

log = logging.getLogger(__name__)

KINDS = ("roster", "attendance")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
STALE_SECONDS = 120
# Threads still running, by token: tests join them; nothing else reads this.
RUNNING: dict[str, threading.Thread] = {}


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

    @property
    def running(self) -> bool:
        return self.state in ("checking", "writing")

    @property
    def stalled(self) -> bool:
        """Running by its record, but no sign of life for STALE_SECONDS: the process died.

        A parse of one large sheet reports no progress for minutes; the job's pulse (a file
        touched every few seconds while its thread lives) tells it from a dead one, so the page
        never says a job stopped while it runs (issue 13, item 4)."""
        if not self.running:
            return False
        try:
            pulse = _pulse_path(self.token).stat().st_mtime
        except OSError:
            pulse = 0.0
        return time.time() - max(self.heartbeat, pulse) > STALE_SECONDS

    @property
    def percent(self) -> int | None:
        if self.phase == "reading" or not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    @property
    def has_data(self) -> bool:
        return _data_path(self.token).exists()


def folder() -> Path:
    path = Path(current_app.config["STAGING_FOLDER"]) / "cohort-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _record_path(token: str) -> Path:
    return folder() / f"{token}.json"


def _pulse_path(token: str) -> Path:
    return _record_path(token).with_suffix(".pulse")


def _data_path(token: str) -> Path:
    return folder() / f"{token}.upload"


def save(staged: StagedImport) -> None:
    """Atomically: a polling request never reads half a record."""
    staged.heartbeat = time.time()
    tmp = _record_path(staged.token).with_suffix(f".{threading.get_ident()}.tmp")
    write_private(tmp, json.dumps(asdict(staged), ensure_ascii=False).encode("utf-8"))
    os.replace(tmp, _record_path(staged.token))


ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>]")
ESTIMATE_READ_LIMIT = 64 * 1024 * 1024


def estimate_rows(data: bytes) -> int:
    """Lines of a CSV, or <row> elements in an .xlsx's first sheet, counted while streaming the
    XML (a few milliseconds for 10,000 rows; openpyxl's dimension is often missing)."""
    if data[:4] != b"PK\x03\x04":
        return data.count(b"\n")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = sorted(n for n in archive.namelist()
                            if n.startswith("xl/worksheets/") and n.endswith(".xml"))  # fmt: skip
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


def stage(data: bytes, kind: str, cohort_id: int, user_id: int | None, filename: str,
          locale: str) -> StagedImport:  # fmt: skip
    purge_expired()
    token = secrets.token_urlsafe(32)
    write_private(_data_path(token), data)
    staged = StagedImport(token=token, kind=kind, cohort_id=cohort_id, user_id=user_id,
                          filename=filename[:200], locale=locale, uploaded_at=time.time(),
                          rows_estimate=estimate_rows(data))  # fmt: skip
    save(staged)
    return staged


def load(token: str) -> StagedImport | None:
    if not TOKEN.match(token or ""):
        return None
    try:
        record = json.loads(_record_path(token).read_text())
    except (OSError, ValueError):
        return None
    return StagedImport(**record)


def read_data(staged: StagedImport) -> bytes:
    return _data_path(staged.token).read_bytes()


def discard_data(staged: StagedImport) -> None:
    """The personal data goes as soon as it is written (or refused for good)."""
    _data_path(staged.token).unlink(missing_ok=True)


def purge_expired() -> None:
    limit = time.time() - 60 * current_app.config["STAGING_MINUTES"]
    for path in folder().glob("*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def run(staged: StagedImport, work: Callable[[StagedImport], None]) -> None:
    """Run `work` now, or in a background thread for a large file.

    The thread gets its own app context (so its own database session) and the uploader's locale,
    so the problems it records read in their language.
    """
    if staged.rows_estimate <= current_app.config["IMPORT_BACKGROUND_ROWS"]:
        _guarded(staged, work)
        return
    app = current_app._get_current_object()

    def target() -> None:
        with app.app_context(), force_locale(staged.locale):
            try:
                _guarded(staged, work)
            finally:
                from academy.extensions import db

                db.session.remove()
                RUNNING.pop(staged.token, None)

    thread = threading.Thread(target=target, name=f"import-{staged.token[:8]}", daemon=True)
    RUNNING[staged.token] = thread
    thread.start()
    threading.Thread(target=_keep_pulse, args=(_pulse_path(staged.token), thread),
                     name=f"pulse-{staged.token[:8]}", daemon=True).start()  # fmt: skip


PULSE_SECONDS = 5


def _keep_pulse(path: Path, job: threading.Thread) -> None:
    """Touch the job's pulse file while its thread lives; remove it when the thread ends."""
    try:
        while job.is_alive():
            path.touch(mode=0o600)
            os.utime(path)
            job.join(PULSE_SECONDS)
    except OSError:
        log.warning("import %s…: its pulse could not be written", path.stem[:8])
    finally:
        path.unlink(missing_ok=True)


def _guarded(staged: StagedImport, work: Callable[[StagedImport], None]) -> None:
    try:
        work(staged)
    except Exception:
        # The token opens the staged file: the log names the import by its first characters only.
        log.exception("import %s… failed", staged.token[:8])
        staged.state = "failed"
        save(staged)


def progress_saver(staged: StagedImport, every_seconds: float = 0.5
                   ) -> Callable[[str, int, int], None]:  # fmt: skip
    """A progress callback that writes the record at most twice a second."""
    last = [0.0]

    def progress(phase: str, done: int, total: int) -> None:
        staged.phase, staged.done, staged.total = phase, done, total
        now = time.time()
        if now - last[0] >= every_seconds or (total and done >= total):
            last[0] = now
            save(staged)

    return progress
