"""The two steps of an import as jobs on a staged file: check (the preview), then commit.

Both call the same services as `flask roster import` and `flask attendance import`; what the
page shows is kept in the staged record as plain data, in the uploader's language (the job runs
in it). A commit is never retried: the queue delivers it once, and a failed one is started again
only by the coordinator, after the page shows what happened.
"""

from flask_babel import gettext as _

from academy.cohorts import staging
from academy.cohorts.imports import (
    AttendanceCheck,
    ImportRefused,
    RosterCheck,
    check_attendance,
    check_roster,
    commit_attendance,
    commit_roster,
    read_attendance,
)
from academy.exchange.formats import ROSTER
from academy.exchange.reading import UnreadableFile, parse
from academy.exchange.writing import annotated_workbook
from academy.extensions import db
from academy.jobs.services import JobContext, JobFailed, handler
from academy.labels import label_for
from academy.models import Cohort, User

PREVIEW_LINES = 200
LISTED_PROBLEMS = 1000


def _check(kind: str):
    return check_roster if kind == "roster" else check_attendance


def _commit(kind: str):
    return commit_roster if kind == "roster" else commit_attendance


def _shown(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value


def roster_line(line) -> dict:
    """A roster row as the preview shows it: every field that will be stored, and what the
    import does with it (plain data: the staged record is JSON)."""
    values = line.row.values
    return {
        "line": line.line,
        "name": values.get("name") or "",
        "email": values.get("email") or "",
        "birth_date": _shown(values.get("birth_date")) or "",
        "phone": values.get("phone") or "",
        "vulnerable": values.get("vulnerable"),
        "employed_at_start": values.get("employed_at_start"),
        "action": line.action,
        "place": line.place or "",
        "position": line.waitlist_position,
        "hidden": line.row.hidden,
        "changes": [
            {"field": key, "recorded": _shown(old), "file": _shown(new)}
            for key, (old, new) in line.changes.items()
        ],
    }


def report_of(check: RosterCheck | AttendanceCheck) -> dict:
    problems = check.problems
    report = {
        "rows": len(check.lines),
        "problem_count": len(problems),
        "problem_rows": len({p.line for p in problems}),
        "problems": [
            {"line": p.line, "column": p.column or "", "value": p.value, "message": str(p.message)}
            for p in problems[:LISTED_PROBLEMS]
        ],
        "warnings": [str(w) for w in check.parsed.warnings],
    }
    if isinstance(check, RosterCheck):
        report["counts"] = {
            "new": check.count("new"),
            "existing": check.count("existing"),
            "on_roster": check.count("on_roster"),
            "seat": check.count(place="seat"),
            "waitlist": check.count(place="waitlist"),
            "free_seats": check.free_seats,
        }
        report["counts"]["changed"] = len(check.changed)
        report["lines"] = [roster_line(line) for line in check.lines[:PREVIEW_LINES]]
        # Every correction is listed, not only those among the first rows: each is a choice.
        report["changes"] = [roster_line(line) for line in check.changed]
    else:
        report["counts"] = {
            action: check.count(action) for action in ("new", "changed", "unchanged")
        }
        report["lines"] = [
            {
                "line": line.line,
                "email": line.row.values.get("email") or "",
                "date": line.row.values["date"].isoformat() if line.row.values.get("date") else "",
                "mark": label_for(line.mark) if line.mark else (line.row.values.get("mark") or ""),
                "action": line.action,
                "hidden": line.row.hidden,
            }
            for line in check.lines[:PREVIEW_LINES]
        ]
    return report


IMPORT_TIME_LIMIT = 20 * 60


@handler("cohort_import", time_limit=IMPORT_TIME_LIMIT)
def run_import_step(job: JobContext) -> dict:
    """The "check" or "commit" step of the staged file named by the job's token."""
    staged = staging.load(job.params["token"])
    if staged is None:
        raise JobFailed(_("The file is no longer waiting to be imported: upload it again."))
    step = check_job if job.params["step"] == "check" else commit_job
    step(staged, job.progress)
    return {"token_prefix": staged.token[:8], "state": staged.state}


def check_job(staged: staging.StagedImport, report=lambda done, total: None) -> None:
    cohort = db.session.get(Cohort, staged.cohort_id)
    staged.state = "checking"
    progress = staging.progress_saver(staged, report)
    data = staging.read_data(staged)
    try:
        # Read once: the commit takes the rows the preview read (staging.keep_rows).
        progress("reading", 0, 0)
        if staged.kind == "roster":
            parsed = parse(data, ROSTER)
        else:
            parsed = read_attendance(cohort, data)
        staging.keep_rows(staged, parsed, data)
        check = _check(staged.kind)(cohort, parsed, progress)
    except (UnreadableFile, ImportRefused) as refused:
        staged.state, staged.error = "failed", str(refused.args[0])
        staging.discard_data(staged)
        staging.save(staged)
        return
    finally:
        db.session.rollback()  # the check only reads
    staged.report = report_of(check)
    staged.state = "checked"
    staging.save(staged)


def commit_job(staged: staging.StagedImport, report=lambda done, total: None) -> None:
    cohort = db.session.get(Cohort, staged.cohort_id)
    user = db.session.get(User, staged.user_id) if staged.user_id else None
    staged.state = "writing"
    progress = staging.progress_saver(staged, report)
    # The coordinator's choice on the preview: correct known trainees' records from the file.
    options = {"apply_changes": True} if (staged.report or {}).get("apply_changes") else {}
    data = staging.read_data(staged)
    source = staging.kept_rows(staged, data)
    try:
        check = _commit(staged.kind)(cohort, source or data, user, progress, **options)
    except (UnreadableFile, ImportRefused) as refused:
        staged.state, staged.error = "failed", str(refused.args[0])
        staging.discard_data(staged)
        staging.save(staged)
        return
    staged.report = report_of(check)
    if check.written:
        staged.state = "done"
        staged.result = dict(staged.report["counts"])
        staged.result["corrected"] = len(check.changed) if options else 0
        staged.report["lines"] = []  # only the counts stay once the file is gone
        staging.discard_data(staged)
    else:  # the roster changed since the preview: show what is wrong now
        staged.state = "checked"
    staging.save(staged)


def error_copy(staged: staging.StagedImport) -> bytes:
    """The uploaded file with a column naming each row's problems."""
    cohort = db.session.get(Cohort, staged.cohort_id)
    try:
        check = _check(staged.kind)(cohort, staging.read_data(staged))
    finally:
        db.session.rollback()
    return annotated_workbook(check.parsed)
