from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from academy import audit
from academy.auth.access import get_campus_or_404, get_cohort_or_404, own_campus_id, role_required
from academy.clock import seoul_today
from academy.cohorts import bp, services
from academy.cohorts.access import get_course_or_404, get_enrolment_or_404, get_session_or_404
from academy.cohorts.completion import (
    CompletionRefused,
    close_cohort,
    close_problem,
    completion_of,
    override_completion,
)
from academy.cohorts.forms import (
    STATES,
    CohortFilterForm,
    CohortForm,
    ConfirmForm,
    CourseForm,
    OverrideForm,
    SessionForm,
)
from academy.cohorts.overview import cohort_overview
from academy.cohorts.planning import (
    CohortData,
    CourseData,
    PlanRefused,
    SessionRefused,
    add_session,
    campus_courses,
    create_cohort,
    create_course,
    remove_session,
    skipped_holidays,
    update_cohort,
    update_course,
)
from academy.errors import return_on_refusal
from academy.extensions import db
from academy.instructors.services import assignment_panel
from academy.labels import label_for
from academy.models import (
    AccessAction,
    CampusKind,
    Classroom,
    ClassSession,
    Cohort,
    EnrolmentStatus,
    Level,
    Role,
    Tier,
)
from academy.parameters import page_arg, query_int
from academy.web import render

VIEWERS = (Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR)
# What the cohort page shows of the cohort itself, joined to it in one query.
SHOWN_WITH_COHORT = (
    joinedload(Cohort.course, innerjoin=True),
    joinedload(Cohort.campus, innerjoin=True),
    joinedload(Cohort.classroom),
    joinedload(Cohort.closed_by),
)


def apply_errors(form, errors: dict) -> None:
    """A service's refusals shown on the form fields they concern."""
    for name, messages in errors.items():
        texts = [str(m) for m in messages]
        if name and name in form:
            form[name].errors = list(form[name].errors) + texts
        else:
            form.form_errors.extend(texts)


def promoted_notice(promoted) -> None:
    for enrolment in promoted:
        flash(
            _(
                "%(name)s moved from the waitlist onto the roster.",
                name=enrolment.trainee.user.name,
            ),
            "success",
        )


@bp.get("/")
@role_required(Role.OFFICIAL, Role.ADMIN, Role.COORDINATOR)
def index():
    """Cohorts: a coordinator's campus, or every campus for officials, filtered in the URL."""
    form = CohortFilterForm(request.args)
    form.validate()

    def chosen(name, enum_cls=None):
        value = form[name].data
        if not value or form[name].errors:
            return None
        return enum_cls(value) if enum_cls else value

    own_campus = own_campus_id()
    state = chosen("state")
    page = services.cohort_page(
        campus_id=own_campus,
        kind=None if own_campus else chosen("kind", CampusKind),
        tier=None if own_campus else chosen("tier", Tier),
        level=chosen("level", Level),
        year=chosen("year"),
        state=state if state in STATES else None,
        page=page_arg(),
        per_page=current_app.config["PAGE_SIZE"],
    )
    filters = {
        name: request.args.get(name, "") for name in ("kind", "tier", "level", "year", "state")
    }
    return render(
        "cohorts/index.html",
        "cohorts/_index_results.html",
        form=form,
        page=page,
        own_campus=own_campus,
        filters={k: v for k, v in filters.items() if v},
    )


@bp.get("/<int:cohort_id>")
@role_required(*VIEWERS)
def show(cohort_id: int):
    """A cohort's roster with each trainee's attendance rate and current outcome."""
    cohort = get_cohort_or_404(cohort_id, options=SHOWN_WITH_COHORT)
    state = services.cohort_state(cohort)
    overview = cohort_overview(cohort, state)
    audit.record(AccessAction.VIEW, subject=cohort, trainee_ids=overview.trainee_ids)
    # The instructors panel (staff who assign) is built here, once, not while rendering.
    panel = None
    if current_user.role in (Role.COORDINATOR, Role.ADMIN, Role.OFFICIAL):
        panel = assignment_panel(cohort)
    return render(
        "cohorts/show.html",
        "cohorts/_roster.html",
        cohort=cohort,
        roster=overview.roster,
        rules=services.rules_for(cohort),
        assignments=panel.assignments if panel else services.instructors_of(cohort),
        show_outcomes=current_user.role != Role.INSTRUCTOR,
        state=state,
        seats=overview.seats,
        at_risk=overview.at_risk,
        completion=overview.completion,
        manage=current_user.role == Role.COORDINATOR,
        can_mark=current_user.role in (Role.COORDINATOR, Role.INSTRUCTOR),
        **({"panel": panel} if panel else {}),
    )


# Courses --------------------------------------------------------------------------------------


def _course_data(form: CourseForm) -> CourseData:
    return CourseData(
        name=form.name.data or "",
        level=Level(form.level.data),
        field=form.field.data or "AI",
        partner_company=form.partner_company.data or None,
        project_based=form.project_based.data,
        attendance_threshold_pct=form.attendance_threshold_pct.data or 0,
        lates_per_absence=form.lates_per_absence.data or 0,
        # Left blank (or not sent): the default grace days.
        cancellation_grace_days=form.cancellation_grace_days.data
        if form.cancellation_grace_days.data is not None
        else CourseData.cancellation_grace_days,
    )


@bp.get("/courses")
@role_required(Role.COORDINATOR)
def courses():
    """The courses of the coordinator's campus, with their completion rules."""
    campus = get_campus_or_404(current_user.campus_id)
    return render(
        "cohorts/courses.html",
        "cohorts/courses.html",
        campus=campus,
        courses=campus_courses(campus.id),
    )


@bp.route("/courses/new", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def new_course():
    campus = get_campus_or_404(current_user.campus_id)
    form = CourseForm()
    if request.method == "GET" and campus.kind == CampusKind.BIGTECH:
        form.partner_company.data = campus.partner_company
    if form.validate_on_submit():
        try:
            course = create_course(campus, _course_data(form))
        except PlanRefused as refused:
            apply_errors(form, refused.errors)
        else:
            flash(_("Course “%(name)s” created.", name=course.name), "success")
            return redirect(url_for(".courses"), code=303)
    status = 422 if request.method == "POST" else 200
    return render(
        "cohorts/course_form.html",
        "cohorts/course_form.html",
        form=form,
        campus=campus,
        course=None,
    ), status


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit_course(course_id: int):
    course = get_course_or_404(course_id)
    form = CourseForm(obj=course)
    if request.method == "GET":
        form.level.data = course.level.value
    if form.validate_on_submit():
        try:
            update_course(course, _course_data(form))
        except PlanRefused as refused:
            db.session.rollback()
            apply_errors(form, refused.errors)
        else:
            flash(_("Course “%(name)s” saved.", name=course.name), "success")
            return redirect(url_for(".courses"), code=303)
    status = 422 if request.method == "POST" else 200
    return render(
        "cohorts/course_form.html",
        "cohorts/course_form.html",
        form=form,
        campus=course.campus,
        course=course,
    ), status


# Cohorts --------------------------------------------------------------------------------------


def _cohort_form(campus, **kwargs) -> CohortForm:
    rooms = db.session.scalars(
        db.select(Classroom).where(Classroom.campus_id == campus.id).order_by(Classroom.name)
    ).all()
    return CohortForm(campus_courses(campus.id), rooms, **kwargs)


def _cohort_data(form: CohortForm) -> CohortData:
    return CohortData(
        code=form.code.data or "",
        course_id=form.course_id.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        capacity=form.capacity.data,
        classroom_id=form.classroom_id.data,
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def new():
    """A new cohort at the coordinator's campus; its sessions are generated from the dates."""
    campus = get_campus_or_404(current_user.campus_id)
    form = _cohort_form(campus)
    if request.method == "GET" and query_int("course"):
        form.course_id.data = query_int("course")
    if form.validate_on_submit():
        try:
            cohort = create_cohort(campus, _cohort_data(form))
        except PlanRefused as refused:
            apply_errors(form, refused.errors)
        else:
            flash(
                _(
                    "Cohort %(code)s created with %(n)s sessions.",
                    code=cohort.code,
                    n=len(cohort.sessions),
                ),
                "success",
            )
            return redirect(url_for(".show", cohort_id=cohort.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render(
        "cohorts/form.html",
        "cohorts/form.html",
        form=form,
        campus=campus,
        cohort=None,
        courses=campus_courses(campus.id),
    ), status


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit(cohort_id: int):
    cohort = get_cohort_or_404(cohort_id)
    if cohort.closed_on:
        flash(_("The cohort is closed: it can no longer be changed."), "warning")
        return redirect(url_for(".show", cohort_id=cohort.id), code=303)
    form = _cohort_form(cohort.campus, obj=cohort)
    if form.validate_on_submit():
        try:
            promoted = update_cohort(cohort, _cohort_data(form))
        except PlanRefused as refused:
            apply_errors(form, refused.errors)
        else:
            flash(_("Cohort %(code)s saved.", code=cohort.code), "success")
            promoted_notice(promoted)
            return redirect(url_for(".show", cohort_id=cohort.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render(
        "cohorts/form.html",
        "cohorts/form.html",
        form=form,
        campus=cohort.campus,
        cohort=cohort,
        courses=campus_courses(cohort.campus_id),
    ), status


# Sessions -------------------------------------------------------------------------------------


def _sessions_page(cohort, form, status=200):
    sessions = db.session.scalars(
        db.select(ClassSession)
        .where(ClassSession.cohort_id == cohort.id)
        .order_by(ClassSession.held_on)
    ).all()
    return render(
        "cohorts/sessions.html",
        "cohorts/_sessions.html",
        cohort=cohort,
        sessions=sessions,
        form=form,
        delete_form=ConfirmForm(),
        holidays=skipped_holidays(cohort.starts_on, cohort.ends_on),
        manage=current_user.role == Role.COORDINATOR and not cohort.closed_on,
        today=seoul_today(),
    ), status


@bp.get("/<int:cohort_id>/sessions")
@role_required(*VIEWERS)
def sessions(cohort_id: int):
    """The cohort's teaching days, the public holidays skipped, and (for the coordinator) edits."""
    return _sessions_page(get_cohort_or_404(cohort_id), SessionForm())


@bp.post("/<int:cohort_id>/sessions")
@role_required(Role.COORDINATOR)
def add_session_day(cohort_id: int):
    cohort = get_cohort_or_404(cohort_id)
    form = SessionForm()
    if form.validate_on_submit():
        try:
            add_session(cohort, form.held_on.data)
        except SessionRefused as refused:
            form.held_on.errors = [str(refused.args[0])]
        else:
            flash(
                _("A session on %(day)s was added.", day=form.held_on.data.isoformat()), "success"
            )
            return redirect(url_for(".sessions", cohort_id=cohort.id), code=303)
    return _sessions_page(cohort, form, 422)


@bp.post("/<int:cohort_id>/sessions/<int:session_id>/delete")
@role_required(Role.COORDINATOR)
def remove_session_day(cohort_id: int, session_id: int):
    cohort, session = get_session_or_404(cohort_id, session_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    day = session.held_on
    back = url_for(".sessions", cohort_id=cohort.id)
    return_on_refusal(back)
    remove_session(session)
    flash(_("The session on %(day)s was removed.", day=day.isoformat()), "success")
    return redirect(back, code=303)


# Closing and overrides ------------------------------------------------------------------------


@bp.route("/<int:cohort_id>/close", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def close(cohort_id: int):
    """What the completion rule decides, shown before the coordinator closes the cohort."""
    cohort = get_cohort_or_404(cohort_id)
    form = ConfirmForm()
    problem = close_problem(cohort, seoul_today())
    if form.validate_on_submit():
        try:
            result = close_cohort(cohort, current_user)
        except CompletionRefused as refused:
            problem = refused.args[0]
        else:
            flash(
                _(
                    "Cohort %(code)s closed: %(done)s completed (%(early)s of them by early "
                    "employment), %(not_done)s did not.",
                    code=cohort.code,
                    done=result.completed_count,
                    early=len(result.early_employed),
                    not_done=len(result.non_completers),
                ),
                "success",
            )
            return redirect(url_for(".show", cohort_id=cohort.id), code=303)
    status = 422 if request.method == "POST" else 200
    completion = completion_of(cohort)
    shown = [
        e.trainee_id
        for group in (
            completion.completers,
            completion.early_employed,
            completion.non_completers,
            completion.withdrawn,
        )
        for e, _rate in group
    ]
    audit.record(AccessAction.VIEW, subject=cohort, trainee_ids=shown, detail={"page": "close"})
    return render(
        "cohorts/close.html",
        "cohorts/close.html",
        cohort=cohort,
        form=form,
        problem=problem,
        completion=completion,
        rules=services.rules_for(cohort),
    ), status


@bp.route("/<int:cohort_id>/enrolments/<int:enrolment_id>/completion", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def override(cohort_id: int, enrolment_id: int):
    """Override one trainee's completion result, with a reason that is kept and shown."""
    cohort, enrolment = get_enrolment_or_404(cohort_id, enrolment_id)
    if not cohort.closed_on or enrolment.status not in (
        EnrolmentStatus.COMPLETED,
        EnrolmentStatus.NOT_COMPLETED,
    ):
        flash(
            _(
                "A result can be changed once the cohort is closed, for a completer or a "
                "non-completer."
            ),
            "warning",
        )
        return redirect(url_for(".show", cohort_id=cohort.id), code=303)
    form = OverrideForm()
    if request.method == "GET":
        form.result.data = (
            "not_completed" if enrolment.status == EnrolmentStatus.COMPLETED else "completed"
        )
    problem = None
    if form.validate_on_submit():
        try:
            override_completion(
                enrolment, form.result.data == "completed", form.reason.data, current_user
            )
        except CompletionRefused as refused:
            problem = refused.args[0]
        else:
            flash(
                _(
                    "The result of %(name)s is now: %(result)s.",
                    name=enrolment.trainee.user.name,
                    result=label_for(enrolment.status),
                ),
                "success",
            )
            return redirect(url_for(".show", cohort_id=cohort.id), code=303)
    status = 422 if request.method == "POST" else 200
    audit.record(
        AccessAction.VIEW,
        subject=enrolment,
        trainee_id=enrolment.trainee_id,
        detail={"page": "completion_override"},
    )
    return render(
        "cohorts/override.html",
        "cohorts/override.html",
        cohort=cohort,
        enrolment=enrolment,
        form=form,
        problem=problem,
    ), status
