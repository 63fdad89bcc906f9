from flask import abort, flash, make_response, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from htmx_flask import request

from academy import audit, mail
from academy.accounts import bp, services
from academy.accounts.forms import ActivationForm, InviteForm
from academy.auth.access import get_cohort_or_404, role_required
from academy.auth.services import AccountError
from academy.auth.session import start_session
from academy.extensions import db
from academy.models import AccessAction, Enrolment, Role
from academy.web import render

# Development only: the links of the last invitation, shown once on the invitations page.
SHOWN_LINKS_KEY = "shown_activation_links"


def shown_links(key: str) -> list | None:
    """Development only: links of the last sending, shown once on the next full page."""
    if not mail.showing_links() or (request.htmx and not request.htmx.boosted):
        return None
    return session.pop(key, None)


def _private(response):
    """The token is in the URL: keep it out of Referer headers and caches."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/activate/<token>", methods=["GET", "POST"])
def activate(token: str):
    """Open to anyone holding the link; opening it changes nothing, setting the password uses it."""
    state, record = services.link_state(token)
    if state != services.LinkState.VALID:
        status = 404 if state == services.LinkState.UNKNOWN else 410
        return _private(
            make_response(render_template("accounts/link_refused.html", state=state), status)
        )
    form = ActivationForm()
    if form.validate_on_submit():
        try:
            user = services.activate(token, form.password.data, request.remote_addr)
        except services.ActivationRefused as refused:
            page = render_template("accounts/link_refused.html", state=refused.state)
            return _private(make_response(page, 410))
        except AccountError as refused:
            form.password.errors.append(str(refused))
        else:
            start_session()  # as at sign-in: a fresh session with its lifetime
            login_user(user)
            flash(_("Your account is ready. Welcome!"), "success")
            return redirect(url_for("home.index"), code=303)
    status = 422 if form.errors else 200
    page = render_template("accounts/activate.html", form=form, user=record.user, link=record)
    return _private(make_response(page, status))


@bp.get("/accounts/cohorts/<int:cohort_id>/invitations")
@role_required(Role.COORDINATOR, Role.ADMIN)
def invitations(cohort_id: int):
    """The cohort's trainees and their accounts: activated, invited, or not yet."""
    cohort = get_cohort_or_404(cohort_id)
    rows = services.invitation_rows(cohort)
    audit.record(
        AccessAction.VIEW,
        subject=cohort,
        detail={"page": "invitations"},
        trainee_ids=[r.enrolment.trainee_id for r in rows],
    )
    return render(
        "accounts/invitations.html",
        "accounts/_invitations.html",
        cohort=cohort,
        rows=rows,
        waiting=sum(r.status != services.InvitationStatus.ACTIVE for r in rows),
        form=InviteForm(),
        can_send=mail.can_send(),
        shown_links=shown_links(SHOWN_LINKS_KEY),
    )


@bp.post("/accounts/cohorts/<int:cohort_id>/invitations")
@role_required(Role.COORDINATOR, Role.ADMIN)
def invite(cohort_id: int):
    """Invite one trainee (enrolment_id) or everyone on the roster without a password."""
    cohort = get_cohort_or_404(cohort_id)
    form = InviteForm()
    back = redirect(url_for(".invitations", cohort_id=cohort.id), code=303)
    if not form.validate_on_submit():
        flash(_("The request could not be read. Please try again."), "danger")
        return back
    if form.enrolment_id.data:
        enrolment = db.session.get(Enrolment, int(form.enrolment_id.data))
        if enrolment is None or enrolment.cohort_id != cohort.id:
            abort(404)
        users = [enrolment.trainee.user]
    else:
        users = [r.user for r in services.invitation_rows(cohort)]
    try:
        result = services.invite(users, by=current_user, ip_address=request.remote_addr)
    except mail.MailNotConfigured as error:
        flash(str(error.args[0]), "danger")
        return back
    _report(result)
    return back


def _report(result: services.InvitationResult) -> None:
    if result.sent:
        # Two messages rather than ngettext: Korean has one plural form, which must name no one.
        if len(result.sent) == 1:
            message = _("An activation link was sent to %(name)s.", name=result.sent[0].name)
        else:
            message = _("Activation links were sent to %(num)s trainees.", num=len(result.sent))
        flash(message, "success")
    if result.logged:
        flash(
            _(
                "Development mode: no mail server is set, so the links were not e-mailed. They are "
                "shown below and written to the log."
            ),
            "warning",
        )
    if result.failed:
        names = ", ".join(user.name for user, _error in result.failed)
        flash(
            _("Could not send to %(names)s. Check the address, or try again later.", names=names),
            "danger",
        )
    if result.already_active and not (result.sent or result.logged or result.failed):
        flash(_("Everyone here has activated their account already."), "info")
    if result.shown_links:
        session[SHOWN_LINKS_KEY] = result.shown_links
