"""Employment-insurance matches on the web: upload → preview (a job) → apply (a job), and the kept
match files as evidence downloads. A coordinator matches within their campus, an official or an
administrator citywide (academy.outcomes.matching)."""

from pathlib import Path

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from academy import audit, staging, storage
from academy.auth.access import role_required
from academy.extensions import db
from academy.jobs import services as jobs
from academy.models import (
    AccessAction,
    Campus,
    Cohort,
    Enrolment,
    InsuranceMatch,
    JobState,
    Role,
    Trainee,
)
from academy.outcomes import bp, match_jobs, matching
from academy.outcomes.forms import MatchApplyForm, MatchUploadForm
from academy.web import render

MATCH_ROLES = (Role.COORDINATOR, Role.OFFICIAL, Role.ADMIN)
PURPOSE = match_jobs.MATCH_PURPOSE
KINDS = ("insurance_match_check", "insurance_match_apply")


def _scope() -> int | None:
    """The campus a match is made within: the coordinator's own; None (citywide) otherwise."""
    return current_user.campus_id if current_user.role == Role.COORDINATOR else None


def _start(kind: str, params: dict):
    return jobs.start_for_request(kind, current_user, params)


def _own_job(job_id: int | None):
    if not job_id:
        return None
    job = jobs.owned_or_none(job_id, current_user)
    if job is None or job.kind not in KINDS:
        return None
    return job if (job.params or {}).get("campus_id") == _scope() else None


def _preview(job) -> dict:
    """A finished check's preview with its enrolments (names read now, within the scope) and
    the form that applies it."""
    if job is None or job.kind != "insurance_match_check" or job.state != JobState.DONE:
        return {}
    preview = job.result or {}
    ids = [row["enrolment_id"] for row in preview.get("rows", []) if row.get("enrolment_id")]
    query = (
        sa.select(Enrolment)
        .join(Enrolment.cohort)
        .where(Enrolment.id.in_(ids))
        .options(
            selectinload(Enrolment.trainee).selectinload(Trainee.user),
            selectinload(Enrolment.cohort),
        )
    )
    if _scope() is not None:
        query = query.where(Cohort.campus_id == _scope())
    enrolments = {e.id: e for e in db.session.scalars(query)}
    audit.record(
        AccessAction.VIEW,
        subject="insurance_match",
        detail={"page": "match_preview"},
        trainee_ids=[e.trainee_id for e in enrolments.values()],
    )
    form = MatchApplyForm(formdata=None, token=job.params["token"])
    form.take.choices = _conflict_lines(preview)
    return {"preview": preview, "enrolments": enrolments, "apply_form": form}


def _conflict_lines(preview: dict) -> list[tuple[int, str]]:
    return [
        (row["line"], str(row["line"]))
        for row in preview.get("rows", [])
        if row["action"] == matching.MatchAction.CONFLICT.value
    ]


def _campus():
    scope = _scope()
    return db.session.get(Campus, scope) if scope is not None else None


@bp.route("/match", methods=["GET", "POST"])
@role_required(*MATCH_ROLES)
def match():
    """Upload a match: it is staged and checked by a job; this page follows the job (?job=) and
    shows every problem by row and column, or what each row would do."""
    form = MatchUploadForm()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None:
            form.file.errors.append(_("Choose a file to upload."))
        else:
            filename = Path(upload.filename or "").name[:200]
            token = staging.stage(upload.read(), current_user.id, filename, PURPOSE)
            job, status = _start("insurance_match_check", {"token": token, "campus_id": _scope()})
            if job is not None:
                return redirect(url_for(".match", job=job.id), code=303)
            staging.discard(token)
    elif request.method == "POST":
        status = 422
    job = _own_job(request.args.get("job", type=int))
    page = render(
        "outcomes/match.html",
        "outcomes/_match_job.html",
        campus=_campus(),
        form=form,
        job=job,
        **_preview(job),
    )
    return page, 422 if form.file.errors else status


@bp.post("/match/apply")
@role_required(*MATCH_ROLES)
def match_apply():
    """Apply the previewed match, all or nothing; checked again, as the data may have moved."""
    again = redirect(url_for(".match"), code=303)
    form = MatchApplyForm()
    check = _check_job_for(form.token.data)
    form.take.choices = _conflict_lines((check.result or {}) if check else {})
    try:
        if check is None or not form.validate_on_submit():
            raise staging.StagedFileMissing(None)
        staging.load(form.token.data, current_user.id, PURPOSE)
    except staging.StagedFileMissing:
        flash(_("The file is no longer waiting to be applied: upload it again."), "warning")
        return again
    params = {
        "token": form.token.data,
        "campus_id": _scope(),
        "take": list(form.take.data or []),
        "ip_address": request.remote_addr,
    }
    job, _status = _start("insurance_match_apply", params)
    if job is None:
        return again
    return redirect(url_for(".match", job=job.id), code=303)


def _check_job_for(token: str | None):
    """The person's finished check of this staged file (its conflicts are the choices)."""
    if not token:
        return None
    from academy.models import Job

    candidates = db.session.scalars(
        sa.select(Job)
        .where(
            Job.owner_id == current_user.id,
            Job.kind == "insurance_match_check",
            Job.state == JobState.DONE,
        )
        .order_by(Job.id.desc())
        .limit(20)
    )
    for job in candidates:
        if (job.params or {}).get("token") == token and job.params.get("campus_id") == _scope():
            return job
    return None


@bp.get("/matches/<int:match_id>/file")
@role_required(*MATCH_ROLES)
def match_file(match_id: int):
    """The kept match file, the evidence of the outcomes it verified; every download is in the
    access log."""
    item = db.session.get(InsuranceMatch, match_id)
    if item is None or item.stored_name is None or not matching.can_download(current_user, item):
        abort(404)
    reason = audit.require_reason()
    audit.record(AccessAction.DOWNLOAD, subject=item, reason=reason)
    try:
        return storage.send(
            "uploads", item.stored_name, matching.content_type(item), item.original_name
        )
    except storage.FileMissing:
        abort(404)
