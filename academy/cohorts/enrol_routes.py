"""Enrolment one by one, with each field checked as it is filled in (htmx), and leaving."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from academy import audit
from academy.auth.access import get_cohort_or_404, role_required
from academy.clock import seoul_today
from academy.cohorts import bp, services
from academy.cohorts.access import get_enrolment_or_404
from academy.cohorts.enrolment import (
    EnrolmentRefused,
    TraineeData,
    cancel,
    cancellation_deadline,
    closed_problem,
    enrol,
    enrolment_problems,
    field_problems,
    leave,
)
from academy.cohorts.forms import EnrolmentForm, LeaveForm
from academy.cohorts.routes import apply_errors, promoted_notice
from academy.extensions import limiter
from academy.models import AccessAction, EnrolmentStatus, Role
from academy.web import render

CHECKED_FIELDS = ("name", "birth_date", "email", "phone")


def _per_coordinator() -> str:
    """Enrolment attempts and field checks count per coordinator: guessing birth dates by
    submitting the form again and again runs into the limit (and each try is logged)."""
    return f"enrolment-checks:{current_user.id}"


def _enrol_page(cohort, form, status=200):
    return render(
        "cohorts/enrol.html",
        "cohorts/_enrol_form.html",
        cohort=cohort,
        form=form,
        seats=services.seat_summary(cohort),
    ), status


@bp.route("/<int:cohort_id>/enrol", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
@limiter.limit(
    lambda: current_app.config["ENROLMENT_CHECKS_PER_USER"],
    key_func=_per_coordinator,
    methods=["POST"],
)
def enrol_one(cohort_id: int):
    """Enrol one trainee: a seat while there is one, then the waitlist."""
    cohort = get_cohort_or_404(cohort_id)
    form = EnrolmentForm()
    if form.validate_on_submit():
        data = TraineeData(
            name=form.name.data,
            birth_date=form.birth_date.data,
            email=form.email.data,
            phone=form.phone.data or None,
            vulnerable=form.vulnerable.data,
            employed_at_start=form.employed_at_start.data,
        )
        try:
            enrolment = enrol(cohort, data, current_user)
        except EnrolmentRefused as refused:
            apply_errors(form, refused.errors)
            # A refusal may concern an existing person's account: each try is on the record.
            refusal = {"page": "enrolment_refused", "fields": sorted(refused.errors)}
            audit.record(AccessAction.VIEW, subject=cohort, detail=refusal)
        else:
            name = enrolment.trainee.user.name
            if enrolment.status == EnrolmentStatus.WAITLISTED:
                flash(
                    _(
                        "The cohort is full: %(name)s is number %(n)s on the waitlist.",
                        name=name,
                        n=enrolment.waitlist_position,
                    ),
                    "warning",
                )
            else:
                flash(_("%(name)s is enrolled.", name=name), "success")
            if request.form.get("next") == "another":
                return redirect(url_for(".enrol_one", cohort_id=cohort.id), code=303)
            return redirect(url_for(".show", cohort_id=cohort.id), code=303)
    elif request.method == "POST":
        # Every problem at once: the cohort's rules (age on the first day, the e-mail already
        # on a roster) on the fields that are themselves valid, beside the form's own checks.
        email = form.email.data if not form.email.errors else None
        birth_date = form.birth_date.data if not form.birth_date.errors else None
        apply_errors(form, enrolment_problems(cohort, email, birth_date))
    return _enrol_page(cohort, form, 422 if request.method == "POST" else 200)


@bp.post("/<int:cohort_id>/enrol/check")
@role_required(Role.COORDINATOR)
@limiter.limit(lambda: current_app.config["ENROLMENT_CHECKS_PER_USER"], key_func=_per_coordinator)
def check_enrolment_field(cohort_id: int):
    """One field of the enrolment form checked as the coordinator leaves it: whether the value
    is well formed, the age on the cohort's first day, and whether this cohort already has the
    person. Nothing about other people: whether an e-mail is a staff account, or a trainee's with
    another birth date, or on another cohort, is said only when the form is submitted (issue 13:
    the field check was a birth-date oracle). A closed cohort checks nothing."""
    cohort = get_cohort_or_404(cohort_id)
    name = request.args.get("field", "")
    if name not in CHECKED_FIELDS:
        abort(404)
    form = EnrolmentForm()
    form.validate()
    field = form[name]
    field.errors = list(field.errors)
    closed = closed_problem(cohort)
    if closed:
        field.errors = [str(closed)]
    elif not field.errors and name in ("birth_date", "email"):
        field.errors = [str(m) for m in field_problems(cohort, name, field.data)]
        audit.record(
            AccessAction.VIEW, subject=cohort, detail={"page": "enrolment_check", "field": name}
        )
    return render_template("cohorts/_enrol_field.html", cohort=cohort, f=field)


@bp.route("/<int:cohort_id>/enrolments/<int:enrolment_id>/leave", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def leave_cohort(cohort_id: int, enrolment_id: int):
    """Someone leaves the roster (or the waitlist); the first on the waitlist takes the seat."""
    cohort, enrolment = get_enrolment_or_404(cohort_id, enrolment_id)
    if enrolment.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED):
        abort(404)
    form = LeaveForm()
    if request.method == "GET":
        form.left_on.data = min(max(seoul_today(), enrolment.enrolled_on), cohort.ends_on)
    if form.validate_on_submit():
        name = enrolment.trainee.user.name
        try:
            if form.reason.data == "cancelled":
                departure = cancel(enrolment, form.left_on.data, current_user)
            else:
                departure = leave(
                    enrolment,
                    form.left_on.data,
                    form.reason.data == "early_employment",
                    current_user,
                )
        except EnrolmentRefused as refused:
            apply_errors(form, refused.errors)
        else:
            if departure.enrolment is None:
                flash(_("%(name)s was taken off the waitlist.", name=name), "success")
            elif departure.enrolment.status == EnrolmentStatus.CANCELLED:
                flash(
                    _(
                        "%(name)s's place was cancelled on %(day)s.",
                        name=name,
                        day=form.left_on.data.isoformat(),
                    ),
                    "success",
                )
            else:
                flash(
                    _(
                        "%(name)s left the cohort on %(day)s.",
                        name=name,
                        day=form.left_on.data.isoformat(),
                    ),
                    "success",
                )
            promoted_notice(departure.promoted)
            return redirect(url_for(".show", cohort_id=cohort.id), code=303)
    status = 422 if request.method == "POST" else 200
    audit.record(
        AccessAction.VIEW,
        subject=enrolment,
        trainee_id=enrolment.trainee_id,
        detail={"page": "leave"},
    )
    return render(
        "cohorts/leave.html",
        "cohorts/leave.html",
        cohort=cohort,
        enrolment=enrolment,
        form=form,
        cancel_until=cancellation_deadline(enrolment),
    ), status
