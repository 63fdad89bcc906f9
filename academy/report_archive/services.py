"""Report downloads: generated from the KPI engine, archived with their parameters, their
data-as-of moment, who asked, when and a SHA-256, and served again byte for byte."""

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from academy import audit, storage
from academy.clock import SEOUL
from academy.extensions import db
from academy.kpi.engine import scope_trainees, year_bounds
from academy.labels import label_for
from academy.models import (
    AccessAction,
    AdvancedTrackSelection,
    ArchivedReport,
    Job,
    JobState,
    ReportFormat,
    Scholarship,
    Trainee,
    User,
)
from academy.progress_reports import excel, pdf
from academy.progress_reports.excel import Won
from academy.progress_reports.progress import build_progress
from academy.progress_reports.scope import ReportParams

MIMETYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PAGE_SIZE = 25


def filename(fmt: ReportFormat, params: ReportParams) -> str:
    scope = params.scope
    parts = ["academy-kpi", str(params.year)]
    if scope.campus_id:
        parts.append(f"campus{scope.campus_id}")
    if scope.tier:
        parts.append(scope.tier.value)
    if scope.kind:
        parts.append(scope.kind.value)
    if scope.is_city:
        parts.append("citywide")
    parts.append(params.as_of.isoformat())
    return "-".join(parts) + f".{fmt.value}"


def render(fmt: ReportFormat, params: ReportParams, personal: bool = False) -> tuple[bytes, object]:
    """The file's bytes and the report it shows."""
    report = build_progress(db.session, params.year, params.as_of, params.scope)
    generated_at = datetime.now(SEOUL).replace(microsecond=0)
    if fmt == ReportFormat.PDF:
        return pdf.render_pdf(report, generated_at), report
    lists = named_lists(params) if personal else None
    return excel.render_xlsx(report, generated_at, lists), report


def generate(
    fmt: ReportFormat,
    params: ReportParams,
    by: User,
    include_personal: bool = False,
    reason: str | None = None,
    ip_address: str | None = None,
    before_store: Callable[[], None] | None = None,
) -> ArchivedReport:
    """Build the report and keep it in the archive; a download with named lists is logged with
    its reason (접속기록).

    The file goes to the report store first and the row second: a store that fails leaves no
    row pointing at a missing file (a row that fails leaves an unlisted file, harmless).
    """
    content, report = render(fmt, params, personal=include_personal)
    if before_store:
        before_store()  # a job checks its time limit here, before anything is kept
    name = filename(fmt, params)
    stored_as = f"{secrets.token_hex(8)}-{name}"
    storage.area("reports").put(stored_as, content)
    row = ArchivedReport(
        format=fmt,
        year=params.year,
        campus_id=params.scope.campus_id,
        tier=params.scope.tier,
        kind=params.scope.kind,
        as_of=params.as_of,
        data_as_of=report.data_as_of,
        includes_personal_data=include_personal,
        reason=reason.strip() if include_personal and reason else None,
        filename=name,
        sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content),
        storage_key=stored_as,
        created_by_id=by.id,
    )
    db.session.add(row)
    db.session.flush()
    if include_personal:
        db.session.add(
            audit.entry(
                AccessAction.EXPORT,
                subject=("archived_report", row.id),
                by=by,
                ip_address=ip_address,
                detail=row.reason,
            )
        )
    db.session.commit()
    return row


def log_download(row: ArchivedReport, by: User, ip_address: str | None) -> None:
    """Downloading a stored report with personal data again is logged too."""
    if not row.includes_personal_data:
        return
    db.session.add(
        audit.entry(
            AccessAction.DOWNLOAD,
            subject=("archived_report", row.id),
            by=by,
            ip_address=ip_address,
            detail=row.reason,
        )
    )
    db.session.commit()


def running_report_job(user: User) -> Job | None:
    """The person's newest report job still queued or running (a dead worker's is failed)."""
    from academy.jobs import services as jobs

    job_id = db.session.scalar(
        sa.select(Job.id)
        .where(
            Job.owner_id == user.id,
            Job.kind == "report",
            Job.state.in_((JobState.QUEUED, JobState.RUNNING)),
        )
        .order_by(Job.id.desc())
        .limit(1)
    )
    if job_id is None:
        return None
    job = jobs.get(job_id)
    return job if job.active else None


def archive_page(page: int):
    query = (
        sa.select(ArchivedReport)
        .options(selectinload(ArchivedReport.campus), selectinload(ArchivedReport.created_by))
        .order_by(ArchivedReport.created_at.desc(), ArchivedReport.id.desc())
    )
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def named_lists(params: ReportParams) -> dict[str, list[list]]:
    """The year's advanced-track selections and scholarships with names: personal data."""
    trainees = None if params.scope.is_city else scope_trainees(params.year, params.scope)
    selections = sa.select(AdvancedTrackSelection).where(AdvancedTrackSelection.year == params.year)
    first, last = year_bounds(params.year)
    scholarships = sa.select(Scholarship).where(Scholarship.awarded_on.between(first, last))
    if trainees is not None:
        selections = selections.where(AdvancedTrackSelection.trainee_id.in_(trainees))
        scholarships = scholarships.where(Scholarship.trainee_id.in_(trainees))
    load = selectinload
    selections = db.session.scalars(
        selections.options(
            load(AdvancedTrackSelection.trainee).selectinload(Trainee.user)
        ).order_by(AdvancedTrackSelection.selected_on)
    ).all()
    scholarships = db.session.scalars(
        scholarships.options(load(Scholarship.trainee).selectinload(Trainee.user)).order_by(
            Scholarship.awarded_on
        )
    ).all()
    return {
        _("Advanced-track selections"): [
            [_("Name"), _("E-mail"), _("Selected on"), _("Programme")],
            *[
                [s.trainee.name, s.trainee.email, s.selected_on, s.programme or ""]
                for s in selections
            ],
        ],
        _("Scholarships"): [
            [_("Name"), _("E-mail"), _("Awarded on"), _("Amount"), _("Reason")],
            *[
                [s.trainee.name, s.trainee.email, s.awarded_on, Won(s.amount), s.reason or ""]
                for s in scholarships
            ],
        ],
    }


def describe_scope(row: ArchivedReport) -> str:
    parts = [row.campus.name] if row.campus else []
    parts += [label_for(v) for v in (row.kind, row.tier) if v is not None]
    return " · ".join(parts) if parts else _("All of Seoul")
