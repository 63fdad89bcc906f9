"""One account, for administrators: its role and campus, disabling and enabling it.

The rules are in academy.admin.services (change_access, set_active); these views parse the form
and show what the rules say, in the form's own fields."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from academy import audit, mail
from academy.accounts import passwords
from academy.accounts.routes import shown_links
from academy.admin import bp, services
from academy.admin.forms import AccountAccessForm, AccountStatusForm
from academy.auth import two_factor
from academy.auth.access import role_required
from academy.auth.forms import ConfirmForm
from academy.extensions import db
from academy.models import AccessAction, Campus, Role, Trainee, User
from academy.web import render, show_on_form

# Development only: the invitation link of the last invitation, shown once on the account page.
SHOWN_LINKS_KEY = "shown_staff_links"


def _account_or_404(user_id: int) -> User:
    account = db.session.get(User, user_id)
    if account is None:
        abort(404)
    return account


def _campuses() -> list[Campus]:
    return db.session.scalars(sa.select(Campus).order_by(Campus.name)).all()


def _access_form(account: User, **kwargs) -> AccountAccessForm:
    return AccountAccessForm(roles=services.allowed_roles(account), campuses=_campuses(), **kwargs)


def _log_view(account: User) -> None:
    """A trainee's account page shows their name and e-mail: a view of their personal data."""
    trainee_id = db.session.scalar(sa.select(Trainee.id).where(Trainee.user_id == account.id))
    audit.record(AccessAction.VIEW, subject=("user", account.id), trainee_id=trainee_id)


def _page(account: User, form: AccountAccessForm, problem=None):
    _log_view(account)
    return render(
        "admin/account.html",
        "admin/_account_access.html",
        account=account,
        form=form,
        problem=problem,
        history=services.access_history(account),
        fixed_role=len(form.role.choices) == 1,
        shown_links=shown_links(SHOWN_LINKS_KEY),
        confirm=ConfirmForm(),
    )


@bp.get("/accounts/<int:user_id>")
@role_required(Role.ADMIN)
def account(user_id: int):
    """The account with its access, what can be changed, and its access history."""
    account = _account_or_404(user_id)
    form = _access_form(
        account, data={"role": account.role.value, "campus": str(account.campus_id or "")}
    )
    return _page(account, form)


@bp.post("/accounts/<int:user_id>")
@role_required(Role.ADMIN)
def update_account(user_id: int):
    account = _account_or_404(user_id)
    form = _access_form(account)
    if not form.validate_on_submit():
        return _page(account, form), 422
    campus = db.session.get(Campus, int(form.campus.data)) if form.campus.data else None
    try:
        changed = services.change_access(
            account, Role(form.role.data), campus, form.reason.data, by=current_user
        )
    except services.AccessChangeRefused as refused:
        db.session.rollback()
        return _page(account, form, problem=show_on_form(form, refused)), 422
    if changed:
        flash(
            _(
                "The access of %(name)s was changed. Their sessions have ended; they sign in "
                "again with the new access.",
                name=account.name,
            ),
            "success",
        )
    else:
        flash(_("Nothing was changed: the role and campus are as they were."), "info")
    return redirect(url_for(".account", user_id=account.id), code=303)


@bp.route("/accounts/<int:user_id>/status", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def account_status(user_id: int):
    """Disable an enabled account or enable a disabled one: the page says what will happen
    and asks why; only the POST changes anything."""
    account = _account_or_404(user_id)
    form = AccountStatusForm()
    problem = None
    if form.validate_on_submit():
        try:
            services.set_active(account, not account.active, form.reason.data, by=current_user)
        except services.AccessChangeRefused as refused:
            db.session.rollback()
            if refused.field == "reason":
                form.reason.errors = [*form.reason.errors, refused.message]
            else:
                problem = refused.message
        else:
            if account.active:
                flash(_("The account of %(name)s was enabled.", name=account.name), "success")
            else:
                flash(
                    _(
                        "The account of %(name)s was disabled and signed out everywhere.",
                        name=account.name,
                    ),
                    "success",
                )
            return redirect(url_for(".account", user_id=account.id), code=303)
    _log_view(account)
    status = 422 if form.errors or problem else 200
    return render_template(
        "admin/account_status.html", account=account, form=form, problem=problem
    ), status


def _reason_page(account: User, form: AccountStatusForm, action: str, problem=None):
    _log_view(account)
    status = 422 if form.errors or problem else 200
    page = render_template(
        "admin/account_action.html", account=account, form=form, action=action, problem=problem
    )
    return page, status


@bp.route("/accounts/<int:user_id>/two-factor/reset", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def reset_two_factor(user_id: int):
    """For someone who lost both phone and recovery codes: the page says what will happen and
    asks why; the POST clears the factor, ends their sessions and logs the reason. Staff set up
    a new authenticator at their next sign-in."""
    account = _account_or_404(user_id)
    form = AccountStatusForm()
    if form.validate_on_submit():
        try:
            reason = services.check_reason(form.reason.data)
        except services.AccessChangeRefused as refused:
            form.reason.errors = [*form.reason.errors, refused.message]
        else:
            two_factor.reset(
                account, by=current_user, ip_address=request.remote_addr, reason=reason
            )
            flash(_("Two-factor sign-in of %(name)s was reset.", name=account.name), "success")
            return redirect(url_for(".account", user_id=account.id), code=303)
    return _reason_page(account, form, "two_factor")


@bp.route("/accounts/<int:user_id>/password-reset", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def send_password_reset(user_id: int):
    """An administrator e-mails the account a reset link (never sees or sets the password)."""
    account = _account_or_404(user_id)
    form = AccountStatusForm()
    problem = None
    if form.validate_on_submit():
        try:
            reason = services.check_reason(form.reason.data)
            delivery = passwords.send_reset(account, current_user, reason, request.remote_addr)
        except services.AccessChangeRefused as refused:
            form.reason.errors = [*form.reason.errors, refused.message]
        except (passwords.ResetRefused, mail.MailNotConfigured) as refused:
            problem = str(getattr(refused, "message", None) or refused.args[0])
        else:
            if delivery.ok:
                flash(
                    _(
                        "A password reset link was sent to %(email)s. It works for an hour.",
                        email=account.email,
                    ),
                    "success",
                )
            else:
                flash(
                    _(
                        "The e-mail to %(email)s could not be sent. Check the address, or try "
                        "again later.",
                        email=account.email,
                    ),
                    "danger",
                )
            return redirect(url_for(".account", user_id=account.id), code=303)
    return _reason_page(account, form, "password", problem)
