"""A report is rendered by the worker, not in the request: the citywide PDF takes tens of
seconds on a loaded machine, and a request that long would hold a web worker and invite a second
click. The official sees progress; the file lands in the archive."""

from flask_babel import gettext as _

from academy import storage
from academy.extensions import db
from academy.jobs.services import JobContext, JobFailed, handler
from academy.models import ReportFormat, User
from academy.progress_reports.scope import resolve
from academy.report_archive import services

REPORT_TIME_LIMIT = 15 * 60


@handler("report", time_limit=REPORT_TIME_LIMIT)
def generate_report(job: JobContext) -> dict:
    p = job.params
    params = resolve(
        db.session,
        year=p.get("year"),
        campus=p.get("campus"),
        tier=p.get("tier"),
        kind=p.get("kind"),
        as_of=p.get("as_of"),
    )
    owner = db.session.get(User, job.owner_id)
    job.progress(1, 3)
    try:
        row = services.generate(
            ReportFormat(p["format"]),
            params,
            owner,
            include_personal=bool(p.get("include_personal")),
            reason=p.get("reason"),
            ip_address=p.get("ip_address"),
            before_store=lambda: job.progress(2, 3),
        )
    except storage.StorageUnavailable:
        raise JobFailed(
            _(
                "File storage is not answering, so the report was not kept. Try "
                "again in a few minutes."
            )
        ) from None
    job.progress(3, 3)
    return {"report_id": row.id}
