from collections.abc import Callable

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from academy import audit
from academy.accounts.routes import shown_links
from academy.auth.access import get_cohort_or_404, own_campus_id, role_required
from academy.clock import seoul_today
from academy.errors import return_on_refusal
from academy.extensions import db
from academy.instructors import bp, services
from academy.instructors.access import (
    get_assignment_or_404,
    get_career_or_404,
    get_instructor_or_404,
    get_own_career_or_404,
)
from academy.instructors.forms import AssignmentForm, CareerForm, ConfirmForm, ListFilterForm
from academy.models import AccessAction, AssignmentRole, Campus, Instructor, Role
from academy.parameters import page_arg, year_arg
from academy.uploads import CONTENT_TYPES, UploadRejected, send_upload
from academy.web import render
from academy.years import CohortYears

STAFF = (Role.COORDINATOR, Role.ADMIN)
INVITATION_LINKS_KEY = (
    "shown_instructor_links"  # development: academy.instructors.invitation_routes
)


def _own_instructor() -> Instructor:
    if current_user.instructor is None:
        abort(404)
    return current_user.instructor


def _cohorts_taught(
    instructor_id: int, link: Callable[..., str], campus_id: int | None = None
) -> dict:
    """The instructor's cohorts the page lists (academy.years.CohortYears) and the links; with
    `campus_id`, only that campus's."""
    years = CohortYears.choose(year_arg(), link)
    return dict(
        assignments=services.assignments_of(
            instructor_id, years.year, ending_from=years.ending_from, campus_id=campus_id
        ),
        years=years,
    )


def _render_me(form: CareerForm):
    instructor = services.instructor_with_history(_own_instructor().id)
    today = seoul_today()
    return render(
        "instructors/me.html",
        "instructors/_careers.html",
        instructor=instructor,
        experience=services.counted_experience(instructor.careers, today),
        **_cohorts_taught(instructor.id, lambda **year: url_for(".me", **year)),
        today=today,
        form=form,
        own=True,
        confirm=ConfirmForm(),
    )


@bp.get("/me")
@role_required(Role.INSTRUCTOR)
def me():
    """The instructor's cohorts and career history: the instructor's home page."""
    return _render_me(CareerForm())


@bp.post("/me/careers")
@role_required(Role.INSTRUCTOR)
def add_career():
    """An instructor records a career period with its evidence file."""
    instructor = _own_instructor()
    form = CareerForm()
    if form.validate_on_submit():
        try:
            services.add_career(instructor, form.data, form.evidence.data)
        except UploadRejected as rejected:
            form.evidence.errors = [str(rejected)]
        else:
            flash(_("Career period added. Your campus coordinator will verify it."), "success")
            # Its own fragment, or the browser keeps the form's #add-career past the message.
            return redirect(url_for(".me", _anchor="main"), code=303)
    return _render_me(form), 422


@bp.post("/me/careers/<int:career_id>/delete")
@role_required(Role.INSTRUCTOR)
def delete_career(career_id: int):
    period = get_own_career_or_404(career_id)
    if ConfirmForm().validate_on_submit():
        return_on_refusal(url_for(".me"))
        services.delete_career(period)
        flash(_("Career period deleted."), "success")
    return redirect(url_for(".me"), code=303)


@bp.get("/")
@role_required(Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR)
def index():
    """Instructors with their verified experience today and who qualifies; a coordinator sees
    their campus, officials every campus."""
    campuses = []
    campus_id = own_campus_id()
    if campus_id is None:
        campuses = db.session.scalars(db.select(Campus).order_by(Campus.kind, Campus.name)).all()
    form = ListFilterForm(request.args, campuses=campuses)
    if campus_id is None and form.validate() and form.campus.data:
        campus_id = form.campus.data
    today = seoul_today()
    page, rows = services.instructors_page(
        campus_id, page_arg(), current_app.config["PAGE_SIZE"], today
    )
    return render(
        "instructors/index.html",
        "instructors/_list.html",
        form=form,
        page=page,
        rows=rows,
        today=today,
        citywide=current_user.role != Role.COORDINATOR,
        filters={"campus": campus_id or ""} if current_user.role != Role.COORDINATOR else {},
    )


@bp.get("/<int:instructor_id>")
@role_required(Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR)
def show(instructor_id: int):
    """One instructor's career periods, to verify against the evidence, and their cohorts."""
    instructor = services.instructor_with_history(get_instructor_or_404(instructor_id).id)
    today = seoul_today()
    return render(
        "instructors/show.html",
        "instructors/_careers.html",
        instructor=instructor,
        experience=services.counted_experience(instructor.careers, today),
        **_cohorts_taught(
            instructor.id,
            lambda **year: url_for(".show", instructor_id=instructor.id, **year),
            own_campus_id(),
        ),
        today=today,
        own=False,
        can_verify=current_user.role in STAFF,
        confirm=ConfirmForm(),
        shown_links=shown_links(INVITATION_LINKS_KEY),
    )


@bp.post("/careers/<int:career_id>/verify")
@role_required(*STAFF)
def verify_career(career_id: int):
    """The coordinator has checked the evidence file: the period now counts."""
    period = get_career_or_404(career_id)
    if ConfirmForm().validate_on_submit():
        if services.verify_career(period, current_user, request.remote_addr):
            flash(_("Period at %(employer)s verified.", employer=period.employer), "success")
        else:
            flash(_("That period was verified already."), "info")
    return redirect(url_for(".show", instructor_id=period.instructor_id), code=303)


@bp.get("/careers/<int:career_id>/evidence")
@role_required(Role.INSTRUCTOR, *STAFF)
def career_evidence(career_id: int):
    """The evidence file, as a download; coordinators' downloads are logged."""
    period = get_career_or_404(career_id)
    if not period.evidence_path:
        abort(404)
    own = current_user.role == Role.INSTRUCTOR
    audit.record(
        AccessAction.DOWNLOAD, subject=period, reason=None if own else audit.require_reason()
    )
    kind = period.evidence_path.rsplit(".", 1)[-1]
    return send_upload(
        period.evidence_path, period.evidence_name or f"evidence.{kind}", CONTENT_TYPES[kind]
    )


@bp.get("/cohorts/<int:cohort_id>")
@role_required(Role.OFFICIAL, *STAFF)
def cohort_instructors(cohort_id: int):
    """A cohort's instructors and who on the campus could be assigned, judged on its start."""
    cohort = get_cohort_or_404(cohort_id)
    panel = services.assignment_panel(cohort)
    return render(
        "instructors/cohort.html",
        "instructors/_assignments.html",
        cohort=cohort,
        panel=panel,
        assign_form=AssignmentForm(candidates=panel.candidates, cohort_id=cohort.id),
    )


@bp.post("/cohorts/<int:cohort_id>")
@role_required(*STAFF)
def assign(cohort_id: int):
    """Assign an instructor; an unqualified one is refused with the reason and the shortfall."""
    cohort = get_cohort_or_404(cohort_id)
    panel = services.assignment_panel(cohort)
    form = AssignmentForm(candidates=panel.candidates)
    if form.validate_on_submit():
        instructor = db.session.get(Instructor, form.instructor_id.data)
        try:
            services.assign_instructor(
                cohort, instructor, AssignmentRole(form.role.data), current_user
            )
        except services.AssignmentRefused as refused:
            form.instructor_id.errors = [str(refused)]
        else:
            flash(
                _("%(name)s assigned to %(cohort)s.", name=instructor.name, cohort=cohort.code),
                "success",
            )
            return redirect(url_for("cohorts.show", cohort_id=cohort.id), code=303)
    return render(
        "instructors/cohort.html",
        "instructors/_assignments.html",
        cohort=cohort,
        panel=panel,
        assign_form=form,
    ), 422


@bp.post("/assignments/<int:assignment_id>/delete")
@role_required(*STAFF)
def unassign(assignment_id: int):
    assignment = get_assignment_or_404(assignment_id)
    cohort_id, name = assignment.cohort_id, assignment.instructor.name
    if ConfirmForm().validate_on_submit():
        services.unassign(assignment)
        flash(_("%(name)s no longer teaches this cohort.", name=name), "success")
    return redirect(url_for("cohorts.show", cohort_id=cohort_id), code=303)
