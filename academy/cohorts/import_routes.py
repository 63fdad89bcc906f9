"""Roster and attendance files: upload → preview with every problem → error copy → commit.

The upload is staged server-side (academy.cohorts.staging) under a token tied to the uploader and
the cohort; each step re-reads that file. The page of a staged file shows whatever its job has
reached (progress, the preview, the result), and polls while a large file is being worked on.
"""

import io
import posixpath

from flask import abort, flash, redirect, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from academy.auth.access import get_cohort_or_404, role_required
from academy.cohorts import bp, import_jobs, staging
from academy.cohorts.access import get_staged_or_404, job_of
from academy.cohorts.forms import CommitImportForm, UploadForm
from academy.exchange.formats import FORMATS
from academy.exchange.writing import template_workbook
from academy.jobs import services as jobs
from academy.models import JobState, Role
from academy.web import render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAMES = {"roster": "명단_양식.xlsx", "attendance": "출결_양식.xlsx"}
UPLOADERS = {"roster": (Role.COORDINATOR,), "attendance": (Role.COORDINATOR, Role.INSTRUCTOR)}


@bp.get("/templates/<kind>.xlsx")
@role_required(Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR)
def template(kind: str):
    """An empty file in the format, with Korean headers, an example row and a guide sheet."""
    if kind not in staging.KINDS:
        abort(404)
    return send_file(
        io.BytesIO(template_workbook(FORMATS[kind])),
        mimetype=XLSX,
        as_attachment=True,
        download_name=TEMPLATE_NAMES[kind],
    )


def _start(staged: staging.StagedImport, step: str) -> int | None:
    """Queue the check or the commit of a staged file: None once queued, or the status to answer
    with (429, 503; the reason flashed) when it could not start. The file stays staged."""
    params = {"token": staged.token, "step": step}
    job, status = jobs.start_for_request("cohort_import", current_user, params, staged.locale)
    return None if job is not None else status


def _upload(cohort_id: int, kind: str):
    cohort = get_cohort_or_404(cohort_id)
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        # The name is only shown and reused for the error copy: files are stored under tokens.
        name = posixpath.basename((upload.filename or "").replace("\\", "/")) or kind
        staged = staging.stage(
            upload.read(), kind, cohort.id, current_user.id, name, str(get_locale())
        )
        refused = _start(staged, "check")
        if refused is None:
            return redirect(
                url_for(".staged_import", cohort_id=cohort.id, token=staged.token), code=303
            )
        staging.discard_data(staged)
        return render(
            "cohorts/import_upload.html",
            "cohorts/import_upload.html",
            cohort=cohort,
            kind=kind,
            form=form,
            fmt=FORMATS[kind],
        ), refused
    status = 422 if request.method == "POST" else 200
    return render(
        "cohorts/import_upload.html",
        "cohorts/import_upload.html",
        cohort=cohort,
        kind=kind,
        form=form,
        fmt=FORMATS[kind],
    ), status


@bp.route("/<int:cohort_id>/roster/import", methods=["GET", "POST"])
@role_required(*UPLOADERS["roster"])
def import_roster(cohort_id: int):
    """Upload a roster (명단) in Excel or CSV; the next page previews it."""
    return _upload(cohort_id, "roster")


@bp.route("/<int:cohort_id>/attendance/import", methods=["GET", "POST"])
@role_required(*UPLOADERS["attendance"])
def import_attendance(cohort_id: int):
    """Upload attendance (출결), e.g. an HRD-Net export; the next page previews it."""
    return _upload(cohort_id, "attendance")


@bp.get("/<int:cohort_id>/imports/<token>")
@role_required(Role.COORDINATOR, Role.INSTRUCTOR)
def staged_import(cohort_id: int, token: str):
    """The staged file as far as its job has got: progress, the preview, or the result."""
    cohort, staged = get_staged_or_404(cohort_id, token)
    job = job_of(staged)
    if job is not None and job.state == JobState.RUNNING:
        staged.done, staged.total = job.progress_done, job.progress_total
    # The job ended without finishing the record: its worker died, or it failed on the way.
    stopped = staged.running and job is not None and job.state == JobState.FAILED
    return render(
        "cohorts/import.html",
        "cohorts/_import_status.html",
        cohort=cohort,
        staged=staged,
        job=job,
        stopped=stopped,
        form=CommitImportForm(),
        upload_form=UploadForm(),
        fmt=FORMATS[staged.kind],
    )


@bp.post("/<int:cohort_id>/imports/<token>/commit")
@role_required(Role.COORDINATOR, Role.INSTRUCTOR)
def commit_import(cohort_id: int, token: str):
    """Write the whole file, or nothing: the file is checked again first."""
    cohort, staged = get_staged_or_404(cohort_id, token)
    form = CommitImportForm()
    if not form.validate_on_submit():
        abort(400)
    if staged.state != "checked" or not staged.has_data or staged.report["problem_count"]:
        flash(_("This file cannot be imported as it is: upload a corrected file."), "warning")
        return redirect(url_for(".staged_import", cohort_id=cohort.id, token=token), code=303)
    staged.report["apply_changes"] = staged.kind == "roster" and bool(form.apply_changes.data)
    # Marked before the job starts, so the next page shows progress and no second commit button.
    previous = (staged.state, staged.phase, staged.done, staged.total)
    staged.state, staged.phase, staged.done, staged.total = "writing", "reading", 0, 0
    staging.save(staged)
    if _start(staged, "commit") is not None:
        staged.state, staged.phase, staged.done, staged.total = previous
        staging.save(staged)
    return redirect(url_for(".staged_import", cohort_id=cohort.id, token=token), code=303)


@bp.get("/<int:cohort_id>/imports/<token>/errors.xlsx")
@role_required(Role.COORDINATOR, Role.INSTRUCTOR)
def import_errors(cohort_id: int, token: str):
    """The uploaded file with a column naming every row's problems, to correct and send again."""
    cohort, staged = get_staged_or_404(cohort_id, token)
    if not staged.has_data:
        abort(404)
    stem = (staged.filename.rsplit(".", 1)[0] or staged.kind)[:80]
    return send_file(
        io.BytesIO(import_jobs.error_copy(staged)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=_("%(name)s_problems.xlsx", name=stem),
    )
