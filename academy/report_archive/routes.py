from io import BytesIO

from flask import abort, flash, redirect, request, send_file, url_for
from flask_login import current_user

from academy import storage
from academy.auth.access import role_required
from academy.dashboard.services import all_campuses
from academy.extensions import db
from academy.jobs import services as jobs
from academy.models import ArchivedReport, JobState, Role
from academy.parameters import page_arg
from academy.progress_reports.scope import ParameterError, resolve
from academy.report_archive import bp, services
from academy.report_archive.forms import ReportForm
from academy.web import render


def _shown_job():
    """The report job the page follows: the one named in ?job= (the official's own), else one
    still queued or running. While it runs, the form's button stays disabled."""
    if current_user.role != Role.OFFICIAL:
        return None
    job_id = request.args.get("job", type=int)
    if job_id:
        job = jobs.owned_or_none(job_id, current_user)
        if job is not None and job.kind == "report":
            return job
    return services.running_report_job(current_user)


def _archive(form, status=200):
    page = services.archive_page(page_arg())
    return render(
        "reports/index.html",
        "reports/_archive.html",
        form=form,
        page=page,
        describe_scope=services.describe_scope,
        job=_shown_job(),
    ), status


@bp.get("/")
@role_required(Role.OFFICIAL, Role.ADMIN)
def index():
    """The archive of downloaded reports, newest first, and a form for a new one."""
    return _archive(ReportForm(campuses=all_campuses()))


@bp.post("/")
@role_required(Role.OFFICIAL)
def create():
    """Ask the worker for a report; the page follows its progress and the archive gets it."""
    form = ReportForm(campuses=all_campuses())
    if not form.validate_on_submit():
        return _archive(form, 422)
    try:
        params = resolve(
            db.session,
            year=form.year.data,
            campus=int(form.campus.data) if form.campus.data else None,
            tier=form.tier.data or None,
            kind=form.kind.data or None,
            as_of=form.as_of.data,
        )
    except ParameterError as error:
        form.year.errors = [*form.year.errors, str(error)]
        return _archive(form, 422)
    job_params = {
        "format": form.format.data,
        "year": params.year,
        "campus": params.scope.campus_id,
        "tier": params.scope.tier.value if params.scope.tier else None,
        "kind": params.scope.kind.value if params.scope.kind else None,
        "as_of": params.as_of.isoformat(),
        "include_personal": bool(form.include_personal.data),
        "reason": form.reason.data if form.include_personal.data else None,
        "ip_address": request.remote_addr,
    }
    try:
        job = jobs.start("report", current_user, job_params, locale=jobs.request_locale())
    except jobs.JobLimitReached as limit:
        form.format.errors = [
            *form.format.errors,
            jobs.limit_message(limit.args[0]),
        ]
        return _archive(form, 429)
    except jobs.QueueUnavailable:
        flash(jobs.unavailable_message(), "danger")
        return _archive(form, 503)
    return redirect(url_for(".index", job=job.id), code=303)


def _job_response(job):
    return render(
        "reports/job.html",
        "reports/_job.html",
        job=job,
        page=services.archive_page(1),
        describe_scope=services.describe_scope,
    )


@bp.get("/jobs/<int:job_id>")
@role_required(Role.OFFICIAL)
def job(job_id: int):
    """How far a report has got; polled every second while it runs. Only its owner sees it.

    Without JavaScript a finished job sends the browser to the file (303)."""
    job = jobs.owned_or_none(job_id, current_user)
    if job is None or job.kind != "report":
        abort(404)
    if job.state == JobState.DONE and not request.htmx:
        return redirect(url_for(".download", report_id=job.result["report_id"]), code=303)
    return _job_response(job)


@bp.get("/<int:report_id>/download")
@role_required(Role.OFFICIAL, Role.ADMIN)
def download(report_id: int):
    """The archived file, byte for byte as it was first downloaded."""
    row = db.session.get(ArchivedReport, report_id)
    if row is None:
        abort(404)
    mimetype = services.MIMETYPES[row.format]
    try:
        if row.storage_key:
            response = storage.send("reports", row.storage_key, mimetype, row.filename)
        else:  # archived before the report store: the bytes are in the row
            response = send_file(
                BytesIO(row.content),
                mimetype=mimetype,
                as_attachment=True,
                download_name=row.filename,
                max_age=0,
            )
            response.headers["Cache-Control"] = "no-store"
    except storage.FileMissing:
        abort(404)
    except storage.StorageUnavailable:
        abort(503)
    services.log_download(row, current_user, request.remote_addr)
    response.headers["X-Content-SHA256"] = row.sha256
    return response
