"""Outcome work as jobs: an outcome file's commit (every row or nothing), and follow-up
reminder e-mails.

The check (the preview) stays in the request: an outcome file has one row per trainee of one
campus, a few hundred rows, and reads only. The commit writes and may meet a large campus on a
busy server, so it runs on the queue like the roster's, and is never retried.
"""

from contextlib import nullcontext

from flask import has_request_context
from flask_babel import gettext as _

from academy.extensions import db
from academy.jobs.services import JobContext, JobFailed, handler
from academy.models import User
from academy.outcomes import importing, staging

IMPORT_PURPOSE = "outcome_import"


@handler("outcome_import", time_limit=20 * 60)
def commit_outcomes(job: JobContext) -> dict:
    p = job.params
    try:
        staged = staging.load(p["token"], job.owner_id, IMPORT_PURPOSE)
    except staging.StagedFileMissing:
        gone = _("The file is no longer waiting to be imported: upload it again.")
        raise JobFailed(gone) from None
    by = db.session.get(User, job.owner_id) if job.owner_id else None
    job.progress(0, 1)
    try:
        plan = importing.commit_import(staged.data, by, p["campus_id"], staged.filename,
                                       p.get("ip_address"))  # fmt: skip
    except importing.ImportRejected:
        changed = _("The file no longer passes the check (the data changed since the preview). "
                    "Nothing was saved: upload it again to see why.")  # fmt: skip
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
            result = services.send_reminders(p["campus_id"], p["enrolment_ids"], by,
                                             p.get("ip_address"))  # fmt: skip
        except mail.MailNotConfigured as error:
            raise JobFailed(str(error.args[0])) from None
    return {
        "sent": len(result.sent),
        "logged": len(result.logged),
        "failed": [user.name for user, _error in result.failed],
        "shown_links": [list(link) for link in result.shown_links],
    }
