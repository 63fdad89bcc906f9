from datetime import timedelta
from io import BytesIO
from pathlib import Path

import sqlalchemy as sa
from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms.fields.choices import SelectChoice as Choice

from academy import audit, mail, staging
from academy.accounts.routes import shown_links
from academy.auth.access import get_campus_or_404, role_required
from academy.clock import seoul_today
from academy.errors import return_on_refusal
from academy.exchange.formats import OUTCOMES
from academy.exchange.writing import annotated_workbook, template_workbook
from academy.extensions import db
from academy.jobs import services as jobs
from academy.labels import label_for
from academy.models import (
    AccessAction,
    Cohort,
    ContactChannel,
    ContactResult,
    Enrolment,
    EvidenceKind,
    JobState,
    Role,
    Trainee,
)
from academy.outcomes import bp, import_jobs, importing, matching, services  # noqa: F401
from academy.outcomes.access import (
    get_enrolment_or_404,
    get_evidence_or_404,
    get_outcome_or_404,
)
from academy.outcomes.forms import (
    ContactForm,
    DecisionForm,
    FollowUpFilterForm,
    ImportCommitForm,
    ImportUploadForm,
    OutcomeForm,
    ReminderForm,
)
from academy.outcomes.pages import outcome_form
from academy.outcomes.services import OutcomeRefused, Situation, Window
from academy.parameters import query_int
from academy.uploads import (
    UploadRejected,
    delete_upload,
    send_upload,
    store_upload,
    upload_exists,
)
from academy.web import render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_LINKS_KEY = "shown_reminder_links"
EVIDENCE_PURPOSE = "evidence"
IMPORT_PURPOSE = import_jobs.IMPORT_PURPOSE


def _has_errors(form) -> bool:
    return any(field.errors for field in form)


def _record_url(enrolment) -> str:
    if current_user.role == Role.TRAINEE:
        url = url_for("trainees.me")
    else:
        url = url_for("trainees.show", trainee_id=enrolment.trainee_id)
    return f"{url}#outcome-{enrolment.id}"


# The trainee's outcome ---------------------------------------------------------------------


@bp.route("/enrolments/<int:enrolment_id>/report", methods=["GET", "POST"])
@role_required(Role.TRAINEE, Role.COORDINATOR, Role.ADMIN)
def report(enrolment_id: int):
    """The outcome form: plain questions, only those the chosen answer needs.

    htmx asks for the questions of an answer (GET ?situation=…) when a choice is made; without
    JavaScript, "Continue" posts the choice and the page comes back with its questions.
    """
    enrolment = get_enrolment_or_404(enrolment_id)
    panel = services.outcome_panels([enrolment])[enrolment.id]
    if request.method == "GET":
        data = OutcomeForm.data_for(services.answer_from(panel.current))
        chosen = request.args.get(f"e{enrolment.id}-situation") or request.args.get("situation")
        if chosen in {s.value for s in Situation}:
            data["situation"] = chosen
        form = outcome_form(enrolment, panel, data=data)
        form.adapt()
        return render("outcomes/report.html", "outcomes/_questions.html", panel=panel, form=form)
    form = outcome_form(enrolment, panel, submitted=True)
    if not panel.can_report:
        abort(404)
    if request.form.get("step") == "choose":
        form.adapt()
        return render_template("outcomes/report.html", panel=panel, form=form)
    upload = form.evidence.data or _kept_upload(form)
    if form.validate_on_submit():
        try:
            stored = store_upload(upload) if upload is not None else None
        except UploadRejected as rejected:
            form.evidence.errors.append(str(rejected.args[0]))
        else:
            kind = _evidence_kind(form)
            try:
                services.report_outcome(
                    enrolment, form.answer(), current_user, stored, kind, request.remote_addr
                )
            except OutcomeRefused as refused:
                if stored:
                    delete_upload(stored.stored_name)
                flash(str(refused.args[0]), "danger")
                return redirect(_record_url(enrolment), code=303)
            staging.discard(form.kept_file.data)
            flash(_("Thank you. Your outcome is saved; your coordinator will check it."), "success")
            return redirect(_record_url(enrolment), code=303)
    elif form.evidence.data is not None:
        _keep_upload(form, form.evidence.data)
    return render_template("outcomes/report.html", panel=panel, form=form), 422


def _evidence_kind(form: OutcomeForm) -> EvidenceKind | None:
    allowed = {choice.value for choice in form.evidence_kinds()}
    return EvidenceKind(form.evidence_kind.data) if form.evidence_kind.data in allowed else None


def _kept_upload(form: OutcomeForm) -> FileStorage | None:
    """The file chosen before the form came back with errors: browsers cannot refill a file
    input, so it waited in the staging folder under a token only this user can use."""
    try:
        kept = staging.load(form.kept_file.data, current_user.id, EVIDENCE_PURPOSE)
    except staging.StagedFileMissing:
        form.kept_file.data = form.kept_name.data = ""
        return None
    return FileStorage(stream=BytesIO(kept.data), filename=kept.filename)


def _keep_upload(form: OutcomeForm, upload: FileStorage) -> None:
    data = upload.read()
    try:  # the same checks as a real upload, so a refused file is refused now
        checked = store_upload(FileStorage(stream=BytesIO(data), filename=upload.filename))
    except UploadRejected as rejected:
        form.evidence.errors.append(str(rejected.args[0]))
        return
    delete_upload(checked.stored_name)
    staging.discard(form.kept_file.data)
    form.kept_file.data = staging.stage(
        data, current_user.id, checked.original_name, EVIDENCE_PURPOSE
    )
    form.kept_name.data = checked.original_name


@bp.get("/evidence/<int:evidence_id>")
@role_required(Role.TRAINEE, Role.COORDINATOR, Role.OFFICIAL, Role.ADMIN)
def evidence(evidence_id: int):
    """An evidence file, as a download, to the trainee, their campus's coordinators and the
    citywide roles; every download is in the access log."""
    item = get_evidence_or_404(evidence_id)
    if not upload_exists(item.stored_name):
        abort(404)
    trainee_id = item.outcome.enrolment.trainee_id
    reason = audit.require_reason(trainee_id) if current_user.role != Role.TRAINEE else None
    audit.record(AccessAction.DOWNLOAD, subject=item, reason=reason, trainee_id=trainee_id)
    return send_upload(item.stored_name, item.original_name, item.content_type)


# Verification ------------------------------------------------------------------------------


@bp.get("/campuses/<int:campus_id>/queue")
@role_required(Role.COORDINATOR, Role.OFFICIAL, Role.ADMIN)
def queue(campus_id: int):
    """Outcomes waiting for the coordinator, by cohort, evidence first. City officials see it
    too: they verify what a campus's only coordinator entered (four eyes, services.verify)."""
    campus = get_campus_or_404(campus_id)
    cohort_id = query_int("cohort")
    queue = services.verification_queue(campus.id, cohort_id)
    shown = [r.enrolment.trainee_id for r in queue.pending + queue.returned]
    audit.record(
        AccessAction.VIEW, subject=campus, detail={"page": "outcome_queue"}, trainee_ids=shown
    )
    return render(
        "outcomes/queue.html",
        "outcomes/_queue.html",
        campus=campus,
        queue=queue,
        cohort_id=cohort_id,
        form=DecisionForm(),
        matches=matching.recent_matches(campus.id, current_user),
    )


def _queue_url(record) -> str:
    campus_id = record.enrolment.cohort.campus_id
    return url_for(".queue", campus_id=campus_id, cohort=query_int("cohort"))


def _back_to_queue(record):
    return redirect(_queue_url(record), code=303)


def _who(record) -> str:
    return f"{record.enrolment.trainee.user.name} · {label_for(record.code)}"


@bp.post("/records/<int:outcome_id>/verify")
@role_required(Role.COORDINATOR, Role.OFFICIAL, Role.ADMIN)
def verify(outcome_id: int):
    record = get_outcome_or_404(outcome_id)
    if not DecisionForm().validate_on_submit():
        flash(_("The request could not be read. Please try again."), "danger")
        return _back_to_queue(record)
    return_on_refusal(_queue_url(record))
    services.verify(record, current_user, request.remote_addr)
    flash(_("Verified: %(who)s.", who=_who(record)), "success")
    return _back_to_queue(record)


@bp.post("/records/<int:outcome_id>/send-back")
@role_required(Role.COORDINATOR, Role.OFFICIAL, Role.ADMIN)
def send_back(outcome_id: int):
    record = get_outcome_or_404(outcome_id)
    form = DecisionForm()
    if form.validate_on_submit() and form.reason.data:
        return_on_refusal(_queue_url(record))
        services.send_back(record, form.reason.data, current_user, request.remote_addr)
        flash(_("Sent back to the trainee: %(who)s.", who=_who(record)), "success")
        return _back_to_queue(record)
    if not form.reason.errors:
        form.reason.errors.append(_("Say what the trainee should change."))
    campus = record.enrolment.cohort.campus
    cohort_id = query_int("cohort")
    page = render_template(
        "outcomes/queue.html",
        campus=campus,
        queue=services.verification_queue(campus.id, cohort_id),
        cohort_id=cohort_id,
        form=DecisionForm(formdata=None),
        failed=(record.id, form),
        matches=matching.recent_matches(campus.id, current_user),
    )
    return page, 422


# Follow-up ---------------------------------------------------------------------------------


def _follow_up_filters(campus_id: int, args) -> tuple[FollowUpFilterForm, Window, int | None]:
    form = FollowUpFilterForm(args)
    chosen = args.get("cohort", "")
    chosen_id = int(chosen) if chosen.isascii() and chosen.isdigit() and len(chosen) < 16 else None
    cohorts = services.followed_cohorts(campus_id, chosen_id)
    form.cohort.choices = [Choice("", _("All cohorts"))] + [
        Choice(str(c.id), c.code) for c in cohorts
    ]
    form.validate()
    window = Window(form.window.data) if form.window.data and not form.window.errors else None
    cohort_id = int(form.cohort.data) if form.cohort.data and not form.cohort.errors else None
    return form, window or Window.ALL, cohort_id


@bp.get("/campuses/<int:campus_id>/follow-up")
@role_required(Role.COORDINATOR, Role.ADMIN)
def follow_up(campus_id: int):
    """Completers whose outcome is still unknown, the most urgent first."""
    campus = get_campus_or_404(campus_id)
    form, window, cohort_id = _follow_up_filters(campus.id, request.args)
    reminder_job = _reminder_job(request.args.get("reminders", type=int))
    if reminder_job is not None and not reminder_job.active:
        _announce_reminders(reminder_job)
        return redirect(
            url_for(".follow_up", campus_id=campus.id, window=window.value, cohort=cohort_id),
            code=303,
        )
    lines = services.follow_up(campus.id, window, cohort_id=cohort_id)
    audit.record(
        AccessAction.VIEW,
        subject=campus,
        detail={"page": "follow_up"},
        trainee_ids=[line.enrolment.trainee_id for line in lines],
    )
    return render(
        "outcomes/follow_up.html",
        "outcomes/_follow_up.html",
        campus=campus,
        form=form,
        lines=lines,
        window=window,
        cohort_id=cohort_id,
        reminder_form=ReminderForm(formdata=None),
        can_send=mail.can_send(),
        shown_links=shown_links(SHOWN_LINKS_KEY),
        reminder_job=reminder_job,
        early_mark=services.EARLY_MARK_DAYS,
        window_days=services.WINDOW_DAYS,
        follow_up_days=services.FOLLOW_UP_DAYS,
    )


@bp.post("/campuses/<int:campus_id>/reminders")
@role_required(Role.COORDINATOR, Role.ADMIN)
def remind(campus_id: int):
    """Reminder e-mails to the chosen people (or everyone in the filtered list)."""
    campus = get_campus_or_404(campus_id)
    form = ReminderForm()
    _filters, window, cohort_id = _follow_up_filters(
        campus.id, MultiDict({"window": form.window.data or "", "cohort": form.cohort.data or ""})
    )
    back = redirect(
        url_for(".follow_up", campus_id=campus.id, window=window.value, cohort=cohort_id),
        code=303,
    )
    if not form.validate_on_submit():
        flash(_("The request could not be read. Please try again."), "danger")
        return back
    ids = form.enrolment_ids.data or []
    if form.everyone.data == "1":
        ids = [
            line.enrolment.id for line in services.follow_up(campus.id, window, cohort_id=cohort_id)
        ]
    if not ids:
        flash(_("Choose at least one person to remind."), "warning")
        return back
    params = {"campus_id": campus.id, "enrolment_ids": list(ids), "base_url": request.host_url}
    job, _status = jobs.start_for_request("follow_up_reminders", current_user, params)
    if job is None:
        return back
    if job.active:  # the worker is on it: the list says so until it is done
        return redirect(
            url_for(
                ".follow_up",
                campus_id=campus.id,
                window=window.value,
                cohort=cohort_id,
                reminders=job.id,
            ),
            code=303,
        )
    _announce_reminders(job)
    return back


def _announce_reminders(job) -> None:
    """What a finished reminder job did, as the messages of the next page."""
    if job.state == JobState.FAILED:
        flash(job.message, "danger")
        return
    result = job.result
    if result["sent"]:
        flash(
            ngettext(
                "A reminder was e-mailed to %(num)s person.",
                "Reminders were e-mailed to %(num)s people.",
                result["sent"],
            ),
            "success",
        )
    if result["logged"]:
        flash(
            _(
                "Development mode: no mail server is set, so %(num)s reminders were written to the "
                "log and shown below instead of being e-mailed.",
                num=result["logged"],
            ),
            "warning",
        )
    if result["failed"]:
        flash(
            _(
                "Could not send to %(names)s. Check the address, or try again later.",
                names=", ".join(result["failed"]),
            ),
            "danger",
        )
    if result["shown_links"]:
        session[SHOWN_LINKS_KEY] = [tuple(link) for link in result["shown_links"]]


@bp.route("/enrolments/<int:enrolment_id>/contacts", methods=["GET", "POST"])
@role_required(Role.COORDINATOR, Role.ADMIN)
def contacts(enrolment_id: int):
    """Contact attempts with one completer, and a form to record another."""
    enrolment = get_enrolment_or_404(enrolment_id)
    form = ContactForm(
        on=seoul_today(), channel=ContactChannel.PHONE.value, result=ContactResult.REACHED.value
    )
    if form.validate_on_submit():
        try:
            services.record_contact(
                enrolment,
                ContactChannel(form.channel.data),
                ContactResult(form.result.data),
                form.note.data,
                current_user,
                form.on.data,
                request.remote_addr,
            )
        except OutcomeRefused as refused:
            form.on.errors.append(str(refused.args[0]))
        else:
            flash(_("The contact is recorded."), "success")
            return redirect(url_for(".contacts", enrolment_id=enrolment.id), code=303)
    else:
        audit.record(
            AccessAction.VIEW,
            subject=("trainee", enrolment.trainee_id),
            detail={"page": "contacts"},
        )
    panel = services.outcome_panels([enrolment])[enrolment.id]
    page = render(
        "outcomes/contacts.html",
        "outcomes/_contacts.html",
        enrolment=enrolment,
        panel=panel,
        attempts=services.contacts_of(enrolment),
        form=form,
        window_ends=enrolment.cohort.ends_on + timedelta(days=services.WINDOW_DAYS),
        window_days=services.WINDOW_DAYS,
    )
    return page, 422 if _has_errors(form) else 200


# Import ------------------------------------------------------------------------------------


@bp.route("/campuses/<int:campus_id>/import", methods=["GET", "POST"])
@role_required(Role.COORDINATOR, Role.ADMIN)
def import_outcomes(campus_id: int):
    """Upload an outcome file: it is staged and checked by a job; this page follows the job
    (?job=) and shows every problem by row and column, or a preview of the changes."""
    campus = get_campus_or_404(campus_id)
    form = ImportUploadForm()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None:
            form.file.errors.append(_("Choose a file to upload."))
        else:
            filename = Path(upload.filename or "").name[:200]
            token = staging.stage(upload.read(), current_user.id, filename, IMPORT_PURPOSE)
            params = {"token": token, "campus_id": campus.id}
            job, status = _start_import_job("outcome_check", params)
            if job is not None:
                return redirect(
                    url_for(".import_outcomes", campus_id=campus.id, job=job.id), code=303
                )
            staging.discard(token)
    job = _import_job(request.args.get("job", type=int), campus)
    page = render(
        "outcomes/import.html",
        "outcomes/_import_job.html",
        campus=campus,
        form=form,
        job=job,
        **_preview_of(job),
    )
    return page, 422 if _has_errors(form) else status


def _start_import_job(kind: str, params: dict):
    return jobs.start_for_request(kind, current_user, params)


def _preview_of(job) -> dict:
    """A finished check's preview: its rows with their enrolments (names are read now, not
    kept in the job), and the form that commits the checked file."""
    if job is None or job.kind != "outcome_check" or job.state != JobState.DONE:
        return {}
    preview = job.result or {}
    ids = [row["enrolment_id"] for row in preview.get("rows", [])]
    enrolments = {
        e.id: e
        for e in db.session.scalars(
            sa.select(Enrolment)
            .join(Enrolment.cohort)
            .where(Enrolment.id.in_(ids), Cohort.campus_id == job.params["campus_id"])
            .options(
                selectinload(Enrolment.trainee).selectinload(Trainee.user),
                selectinload(Enrolment.cohort),
            )
        )
    }
    token = job.params["token"]
    return {
        "preview": preview,
        "enrolments": enrolments,
        "token": token,
        "commit_form": ImportCommitForm(formdata=None, token=token),
    }


def _reminder_job(job_id: int | None):
    if not job_id:
        return None
    job = jobs.owned_or_none(job_id, current_user)
    return job if job is not None and job.kind == "follow_up_reminders" else None


def _import_job(job_id: int | None, campus):
    """The person's own outcome check or commit named in ?job=, for this campus."""
    if not job_id:
        return None
    job = jobs.owned_or_none(job_id, current_user)
    if job is None or job.kind not in ("outcome_check", "outcome_import"):
        return None
    return job if (job.params or {}).get("campus_id") == campus.id else None


@bp.post("/campuses/<int:campus_id>/import/commit")
@role_required(Role.COORDINATOR, Role.ADMIN)
def import_commit(campus_id: int):
    """Write the previewed file, all or nothing; checked again, as the data may have moved."""
    campus = get_campus_or_404(campus_id)
    form = ImportCommitForm()
    again = redirect(url_for(".import_outcomes", campus_id=campus.id), code=303)
    try:
        if not form.validate_on_submit():
            raise staging.StagedFileMissing(None)
        staging.load(form.token.data, current_user.id, IMPORT_PURPOSE)  # still there, theirs
    except staging.StagedFileMissing:
        flash(_("The file is no longer waiting to be imported: upload it again."), "warning")
        return again
    params = {"token": form.token.data, "campus_id": campus.id, "ip_address": request.remote_addr}
    job, _status = _start_import_job("outcome_import", params)
    if job is None:
        return again
    return redirect(url_for(".import_outcomes", campus_id=campus.id, job=job.id), code=303)


@bp.get("/campuses/<int:campus_id>/import/<token>/problems.xlsx")
@role_required(Role.COORDINATOR, Role.ADMIN)
def import_problems(campus_id: int, token: str):
    """The uploaded file with a column that names each row's problems, to fix it in Excel."""
    campus = get_campus_or_404(campus_id)
    try:
        staged = staging.load(token, current_user.id, IMPORT_PURPOSE)
    except staging.StagedFileMissing:
        abort(404)
    plan = importing.plan_import(staged.data, campus.id, by=current_user)
    stem = Path(staged.filename).stem or "outcomes"
    return send_file(
        BytesIO(annotated_workbook(plan.parsed)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"{stem}-problems.xlsx",
    )


@bp.get("/import/template.xlsx")
@role_required(Role.COORDINATOR, Role.ADMIN, Role.OFFICIAL)
def import_template():
    """An empty outcome file: Korean headers, an example row and a guide sheet."""
    return send_file(
        BytesIO(template_workbook(OUTCOMES)),
        mimetype=XLSX,
        as_attachment=True,
        download_name="outcomes-template.xlsx",
    )
