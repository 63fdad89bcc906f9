from io import BytesIO

from flask import abort, redirect, request, send_file, url_for
from flask_login import current_user

from academy.auth.access import role_required
from academy.dashboard.services import all_campuses
from academy.extensions import db
from academy.models import ArchivedReport, ReportFormat, Role
from academy.parameters import page_arg
from academy.reporting.scope import ParameterError, resolve
from academy.reports import bp, services
from academy.reports.forms import ReportForm
from academy.web import render


def _archive(form, status=200):
    page = services.archive_page(page_arg())
    return render(
        "reports/index.html",
        "reports/_archive.html",
        form=form,
        page=page,
        describe_scope=services.describe_scope,
    ), status


@bp.get("/")
@role_required(Role.OFFICIAL, Role.ADMIN)
def index():
    """The archive of downloaded reports, newest first, and a form for a new one."""
    return _archive(ReportForm(campuses=all_campuses()))


@bp.post("/")
@role_required(Role.OFFICIAL)
def create():
    """Generate a report, archive it, and send the official to its download (303)."""
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
    row = services.generate(
        ReportFormat(form.format.data),
        params,
        current_user,
        include_personal=form.include_personal.data,
        reason=form.reason.data,
        ip_address=request.remote_addr,
    )
    return redirect(url_for(".download", report_id=row.id), code=303)


@bp.get("/<int:report_id>/download")
@role_required(Role.OFFICIAL, Role.ADMIN)
def download(report_id: int):
    """The archived file, byte for byte as it was first downloaded."""
    row = db.session.get(ArchivedReport, report_id)
    if row is None:
        abort(404)
    services.log_download(row, current_user, request.remote_addr)
    response = send_file(
        BytesIO(row.content),
        mimetype=services.MIMETYPES[row.format],
        as_attachment=True,
        download_name=row.filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-SHA256"] = row.sha256
    return response
