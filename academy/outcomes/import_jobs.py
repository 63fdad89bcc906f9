"""Outcome work as jobs: an outcome file's check (the preview) and its commit (every row or
nothing), and follow-up reminder e-mails.

Both steps of an import run on the queue like the roster's (academy.cohorts.import_jobs): a
large campus's file, or a slow server, never holds a web request. The check's result is the
preview as plain data in the uploader's language; it names people by enrolment id only, so no
name or e-mail sits in the job table. Neither step is retried: the queue delivers a job once.
"""

from collections.abc import Callable
from contextlib import nullcontext

from flask import has_request_context
from flask_babel import gettext as _

from academy import staging
from academy.exchange.reading import UnreadableFile
from academy.extensions import db
from academy.jobs.services import JobContext, JobFailed, handler
from academy.labels import label_for
from academy.models import User
from academy.outcomes import importing

IMPORT_PURPOSE = "outcome_import"
LISTED = 1000  # rows and problems kept in the preview; the counts cover the whole file


def _gone() -> JobFailed:
    return JobFailed(_("The file is no longer waiting to be imported: upload it again."))


def cell_text(value: object) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def problem_lines(problems) -> list[dict]:
    """The first LISTED problems as the preview lists them (outcomes/_problems.html), in the
    words of the language the check ran in."""
    return [
        {
            "line": p.line,
            "column": p.column or "",
            "message": str(p.message),
            "value": cell_text(p.value),
        }
        for p in problems[:LISTED]
    ]


def preview_of(plan: importing.ImportPlan, filename: str) -> dict:
    """The preview page's content as JSON-safe data, labels already in the job's language."""
    problems = plan.problems
    rows = []
    for item in plan.rows[:LISTED]:
        if item.enrolment is None or item.fields is None or item.action is None:
            continue
        current = item.current
        rows.append(
            {
                "line": item.row.line,
                "enrolment_id": item.enrolment.id,
                "now_code": current.code.value if current else "U",
                "now_label": str(label_for(current.verification)) if current else "",
                "code": item.fields["code"].value,
                "code_label": str(label_for(item.fields["code"])),
                "employer": item.fields.get("employer") or "",
                "verified": item.verified,
                "action": item.action.value,
                "notes": [str(note) for note in item.notes],
            }
        )
    counts = plan.counts
    return {
        "file": filename,
        "warnings": [str(warning) for warning in plan.parsed.warnings],
        "problem_count": len(problems),
        "problems": problem_lines(problems),
        "counts": {action.value: counts[action] for action in importing.ImportAction},
        "rows": rows,
    }


def staged_for(job: JobContext, purpose: str, gone: Callable[[], JobFailed]) -> staging.StagedFile:
    """The job's staged file; the job fails with `gone()` when it expired or was never the
    owner's."""
    try:
        return staging.load(job.params["token"], job.owner_id, purpose)
    except staging.StagedFileMissing:
        raise gone() from None


def check_staged(
    job: JobContext,
    purpose: str,
    gone: Callable[[], JobFailed],
    preview: Callable[[staging.StagedFile], dict],
) -> dict:
    """Read and check the staged file with `preview`; writes nothing. An unreadable file fails
    the job with the reader's message and is dropped (there is nothing to correct it from)."""
    staged = staged_for(job, purpose, gone)
    try:
        return preview(staged)
    except UnreadableFile as unreadable:
        staging.discard(job.params["token"])
        raise JobFailed(str(unreadable.args[0])) from None
    finally:
        db.session.rollback()  # the check only reads


@handler("outcome_check", time_limit=10 * 60)
def check_outcomes(job: JobContext) -> dict:
    def preview(staged: staging.StagedFile) -> dict:
        by = db.session.get(User, job.owner_id) if job.owner_id else None
        plan = importing.plan_import(staged.data, job.params["campus_id"], job.progress, by)
        return preview_of(plan, staged.filename)

    return check_staged(job, IMPORT_PURPOSE, _gone, preview)


@handler("outcome_import", time_limit=20 * 60)
def commit_outcomes(job: JobContext) -> dict:
    p = job.params
    staged = staged_for(job, IMPORT_PURPOSE, _gone)
    by = db.session.get(User, job.owner_id) if job.owner_id else None
    job.progress(0, 1)
    try:
        plan = importing.commit_import(
            staged.data, by, p["campus_id"], staged.filename, p.get("ip_address")
        )
    except importing.ImportRejected:
        changed = _(
            "The file no longer passes the check (the data changed since the preview). "
            "Nothing was saved: upload it again to see why."
        )
        raise JobFailed(changed) from None
    staging.discard(p["token"])
    counts = plan.counts
    job.progress(1, 1)
    return {
        "file": staged.filename,
        "new": counts[importing.ImportAction.NEW],
        "verified": counts[importing.ImportAction.VERIFY],
        "same": counts[importing.ImportAction.UNCHANGED],
    }


@handler("follow_up_reminders", time_limit=10 * 60)
def send_reminders(job: JobContext) -> dict:
    """Reminder e-mails to the chosen completers, sent by the worker: a slow mail server holds
    a worker thread, not a web request. Links in them need the site's address: PUBLIC_BASE_URL,
    or the address of the request that asked (carried in the job)."""
    from flask import current_app

    from academy import mail
    from academy.outcomes import services

    p = job.params
    by = db.session.get(User, job.owner_id)
    context = (
        nullcontext()
        if current_app.config.get("PUBLIC_BASE_URL") or has_request_context()
        else current_app.test_request_context(base_url=p["base_url"])
    )
    with context:
        try:
            result = services.send_reminders(p["campus_id"], p["enrolment_ids"], by)
        except mail.MailNotConfigured as error:
            raise JobFailed(str(error.args[0])) from None
    return {
        "sent": len(result.sent),
        "logged": len(result.logged),
        "failed": [user.name for user, _error in result.failed],
        "shown_links": [list(link) for link in result.shown_links],
    }
