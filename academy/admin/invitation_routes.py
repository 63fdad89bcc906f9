"""Administrators invite staff (officials, coordinators, administrators) and re-send
invitations. The rules are in academy.accounts.staff; the mail in academy.accounts.services."""

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from htmx_flask import request

from academy import mail
from academy.accounts import services as invitations
from academy.accounts import staff
from academy.admin import bp
from academy.admin.account_routes import SHOWN_LINKS_KEY, _account_or_404, _campuses
from academy.admin.forms import StaffInvitationForm
from academy.admin.services import AccessChangeRefused, check_reason
from academy.auth.access import role_required
from academy.auth.forms import ConfirmForm
from academy.extensions import db
from academy.models import Campus, Role, User
from academy.web import show_on_form


def report_invitation(result: invitations.InvitationResult, user: User) -> None:
    """Flash what happened to the mail; in development keep the link to show once."""
    if result.sent:
        flash(_("An invitation was e-mailed to %(email)s.", email=user.email), "success")
    elif result.logged:
        flash(
            _(
                "Development mode: no mail server is set, so the invitation was not e-mailed. "
                "Its link is shown below and written to the log."
            ),
            "warning",
        )
    elif result.failed:
        message = _(
            "The account was made, but the e-mail to %(email)s could not be sent. Check "
            "the address, then send the invitation again.",
            email=user.email,
        )
        flash(message, "danger")
    if result.shown_links:
        session[SHOWN_LINKS_KEY] = result.shown_links


def _form(**kwargs) -> StaffInvitationForm:
    roles = [Role.OFFICIAL, Role.COORDINATOR, Role.ADMIN]
    return StaffInvitationForm(roles=roles, campuses=_campuses(), **kwargs)


@bp.route("/accounts/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def invite_staff():
    """A new official, coordinator or administrator, who gets a link to choose a password."""
    form = _form()
    problem = None
    if form.validate_on_submit():
        campus = db.session.get(Campus, int(form.campus.data)) if form.campus.data else None
        if not mail.can_send():
            problem = str(mail.MailNotConfigured().args[0])
        else:
            try:
                reason = check_reason(form.reason.data)
            except AccessChangeRefused as refused:
                # Shown with whatever else is wrong, not alone (the campus or a taken address
                # came up only at the next attempt).
                form.reason.errors = [*form.reason.errors, refused.message]
                for other in staff.staff_refusals(
                    form.email.data, Role(form.role.data), campus, current_user
                ):
                    problem = show_on_form(form, other) or problem
            else:
                try:
                    user = staff.create_staff(
                        form.name.data,
                        form.email.data,
                        Role(form.role.data),
                        campus,
                        by=current_user,
                        reason=reason,
                    )
                except staff.InvitationRefused as refused:
                    problem = show_on_form(form, refused)
                else:
                    result = invitations.invite(
                        [user], by=current_user, ip_address=request.remote_addr
                    )
                    report_invitation(result, user)
                    return redirect(url_for(".account", user_id=user.id), code=303)
    status = 422 if form.errors or problem else 200
    return render_template("admin/invite_staff.html", form=form, problem=problem), status


@bp.post("/accounts/<int:user_id>/invitation")
@role_required(Role.ADMIN)
def resend_invitation(user_id: int):
    """A new link for an account that has not chosen a password yet; the old link stops working."""
    account = _account_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = redirect(url_for(".account", user_id=account.id), code=303)
    if account.password_hash is not None:
        flash(
            _(
                "%(name)s has chosen a password already: no invitation is needed. Send a "
                "password reset link if they forgot it.",
                name=account.name,
            ),
            "info",
        )
        return back
    if not account.active:
        flash(_("This account is disabled. Enable it first."), "danger")
        return back
    try:
        result = invitations.invite([account], by=current_user, ip_address=request.remote_addr)
    except mail.MailNotConfigured as error:
        flash(str(error.args[0]), "danger")
        return back
    report_invitation(result, account)
    return back
