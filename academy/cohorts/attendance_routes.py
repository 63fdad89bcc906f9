"""The daily attendance sheet: one click marks a trainee, without a page reload (htmx)."""

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from academy import audit
from academy.auth.access import get_cohort_or_404, role_required
from academy.cohorts import bp
from academy.cohorts.access import get_session_or_404
from academy.cohorts.attendance import (
    MarkRefused,
    daily_sheet,
    mark_rest_present,
    record_mark,
    session_for_sheet,
    sessions_of,
)
from academy.cohorts.forms import ConfirmForm, MarkForm
from academy.extensions import db
from academy.models import AccessAction, Enrolment, Mark, Role
from academy.web import render

MARKERS = (Role.COORDINATOR, Role.INSTRUCTOR)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _context(cohort, session, sessions):
    sheet = daily_sheet(cohort, session) if session else None
    index = sessions.index(session) if session else 0
    return dict(
        cohort=cohort,
        sheet=sheet,
        sessions=sessions,
        previous=sessions[index - 1] if session and index > 0 else None,
        following=sessions[index + 1] if session and index + 1 < len(sessions) else None,
        marks=list(Mark),
        can_mark=current_user.role in MARKERS and not cohort.closed_on,
        form=ConfirmForm(),
    )


@bp.get("/<int:cohort_id>/attendance")
@role_required(Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR)
def attendance(cohort_id: int):
    """A day's sheet: today's session by default, any session by its date."""
    cohort = get_cohort_or_404(cohort_id)
    sessions = sessions_of(cohort.id)
    session = session_for_sheet(sessions, _day(request.args.get("day")))
    audit.record(
        AccessAction.VIEW,
        subject=cohort,
        detail={"page": "attendance"},
        trainee_ids=audit.cohort_trainee_ids(cohort.id),
    )
    return render(
        "cohorts/attendance.html", "cohorts/_sheet.html", **_context(cohort, session, sessions)
    )


@bp.post("/<int:cohort_id>/attendance/<int:session_id>/marks/<int:enrolment_id>")
@role_required(*MARKERS)
def mark(cohort_id: int, session_id: int, enrolment_id: int):
    """One click: the trainee's mark for the day. htmx gets the row back; a plain form the sheet."""
    cohort, session = get_session_or_404(cohort_id, session_id)
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.cohort_id != cohort.id:
        abort(404)
    form = MarkForm()
    problem = None
    if not form.validate_on_submit():
        problem = _("Choose one of the marks.")
    else:
        try:
            record_mark(session, enrolment, Mark(form.mark.data), current_user)
        except MarkRefused as refused:
            problem = str(refused.args[0])
    if request.htmx:
        sheet = daily_sheet(cohort, session)
        line = next((line for line in sheet.lines if line.enrolment.id == enrolment.id), None)
        if line is None:
            abort(404)
        return render(
            "cohorts/_sheet_row.html",
            "cohorts/_sheet_row.html",
            cohort=cohort,
            sheet=sheet,
            line=line,
            marks=list(Mark),
            can_mark=True,
            problem=problem,
            oob_count=True,
        ), 422 if problem else 200
    if problem:
        flash(problem, "danger")
    return redirect(
        url_for(".attendance", cohort_id=cohort.id, day=session.held_on.isoformat()), code=303
    )


@bp.post("/<int:cohort_id>/attendance/<int:session_id>/present")
@role_required(*MARKERS)
def mark_all_present(cohort_id: int, session_id: int):
    """Everyone not yet marked that day is marked present."""
    cohort, session = get_session_or_404(cohort_id, session_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        n = mark_rest_present(cohort, session, current_user)
    except MarkRefused as refused:
        notice = ("danger", str(refused.args[0]))
    else:
        notice = ("success", _("%(n)s trainees marked present.", n=n))
    if request.htmx:
        return render(
            "cohorts/_sheet.html",
            "cohorts/_sheet.html",
            notice=notice,
            **_context(cohort, session, sessions_of(cohort.id)),
        )
    flash(notice[1], notice[0])
    return redirect(
        url_for(".attendance", cohort_id=cohort.id, day=session.held_on.isoformat()), code=303
    )
