"""Coordinators bring instructors in: a new account with its profile and invitation, or an
instructor of another campus attached without a second account (academy.accounts.staff)."""

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from htmx_flask import request

from academy import mail
from academy.accounts import services as invitations
from academy.accounts import staff
from academy.accounts.routes import shown_links
from academy.auth.access import get_campus_or_404, role_required
from academy.instructors import bp
from academy.instructors.access import get_instructor_or_404
from academy.instructors.forms import AttachInstructorForm, ConfirmForm, InstructorInvitationForm
from academy.instructors.routes import INVITATION_LINKS_KEY as SHOWN_LINKS_KEY
from academy.models import CareerField, Role
from academy.web import show_on_form


def _careers(form: InstructorInvitationForm) -> list[staff.CareerEntry]:
    return [
        staff.CareerEntry(
            row.employer.data,
            row.role_title.data,
            CareerField(row.field.data),
            row.starts_on.data,
            row.ends_on.data,
        )
        for row in (entry.form for entry in form.careers)
        if row.filled
    ]


def _page(form, attach, problem=None, status=200):
    page = render_template(
        "instructors/new.html",
        form=form,
        attach=attach,
        problem=problem,
        shown_links=shown_links(SHOWN_LINKS_KEY),
    )
    return page, status


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def invite():
    """A new instructor of the coordinator's own campus, invited by e-mail."""
    campus = get_campus_or_404(current_user.campus_id)
    form = InstructorInvitationForm()
    problem = None
    if form.validate_on_submit():
        if not mail.can_send():
            problem = str(mail.MailNotConfigured().args[0])
        else:
            try:
                user = staff.create_instructor(
                    form.name.data, form.email.data, campus, _careers(form), by=current_user
                )
            except staff.InvitationRefused as refused:
                problem = show_on_form(form, refused)
            else:
                result = invitations.invite([user], by=current_user, ip_address=request.remote_addr)
                if result.failed:
                    flash(
                        _(
                            "The instructor was added, but the e-mail to %(email)s could not be "
                            "sent. Check the address, then send the invitation again.",
                            email=user.email,
                        ),
                        "danger",
                    )
                else:
                    flash(_("%(name)s was added and invited by e-mail.", name=user.name), "success")
                if result.shown_links:
                    session[SHOWN_LINKS_KEY] = result.shown_links
                return redirect(url_for(".invite"), code=303)
    status = 422 if form.errors or problem else 200
    return _page(form, AttachInstructorForm(formdata=None), problem, status)


@bp.post("/attach")
@role_required(Role.COORDINATOR)
def attach():
    """An instructor who already has an account at another campus also teaches here."""
    campus = get_campus_or_404(current_user.campus_id)
    form = AttachInstructorForm()
    problem = None
    if form.validate_on_submit():
        try:
            instructor = staff.attach_instructor(form.email.data, campus, by=current_user)
        except staff.InvitationRefused as refused:
            problem = show_on_form(form, refused)
        else:
            flash(
                _("%(name)s can now be assigned to this campus's cohorts.", name=instructor.name),
                "success",
            )
            return redirect(url_for(".show", instructor_id=instructor.id), code=303)
    return _page(InstructorInvitationForm(formdata=None), form, problem, 422)


@bp.post("/<int:instructor_id>/invitation")
@role_required(Role.COORDINATOR)
def resend_invitation(instructor_id: int):
    """A new link for an instructor of this campus who has not chosen a password; the old link
    stops working. Only the home campus invites: an attached campus does not own the account."""
    instructor = get_instructor_or_404(instructor_id)
    if instructor.campus_id != current_user.campus_id:
        abort(404)
    back = redirect(url_for(".show", instructor_id=instructor.id), code=303)
    if not ConfirmForm().validate_on_submit():
        return back
    user = instructor.user
    if user.password_hash is not None or not user.active:
        flash(
            _("%(name)s has chosen a password already: no invitation is needed.", name=user.name),
            "info",
        )
        return back
    try:
        result = invitations.invite([user], by=current_user, ip_address=request.remote_addr)
    except mail.MailNotConfigured as error:
        flash(str(error.args[0]), "danger")
        return back
    if result.failed:
        flash(
            _(
                "The e-mail to %(email)s could not be sent. Check the address, or try again later.",
                email=user.email,
            ),
            "danger",
        )
    else:
        flash(_("An invitation was e-mailed to %(email)s.", email=user.email), "success")
    if result.shown_links:
        session[SHOWN_LINKS_KEY] = result.shown_links
    return back
