"""Password pages: "forgot your password?" and its link, and each account's own change page."""

import contextvars

from flask import current_app, flash, make_response, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user
from htmx_flask import request
from limits import parse

from academy import mail
from academy.accounts import bp, passwords, services
from academy.accounts.forms import ActivationForm, ChangePasswordForm, ForgotPasswordForm
from academy.accounts.routes import _private
from academy.auth.services import AccountError
from academy.extensions import db, limiter
from academy.models import LinkPurpose


def _account_allows_another_request(email: str) -> bool:
    """Per e-mail, counted whether or not the account exists, and never shown: a visible limit
    would tell which addresses have accounts. Someone flooding one person's inbox is stopped."""
    limit = parse(current_app.config["PASSWORD_RESET_LIMIT_PER_ACCOUNT"])
    return limiter.limiter.hit(limit, "password-reset-account", email.strip().lower())


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_LIMIT_PER_ADDRESS"],
    key_func=get_remote_address,
    methods=["POST"],
)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        response = redirect(url_for(".reset_requested"), code=303)
        if _account_allows_another_request(form.email.data):
            response.call_on_close(_send_reset_later(form.email.data))
        return response
    status = 422 if form.errors else 200
    return render_template("accounts/forgot_password.html", form=form), status


def _send_reset_later(email: str):
    """The link is made and mailed after the answer has gone out, so the answer takes as long
    for an address with an account as for one without: its timing tells nothing either."""
    app = current_app._get_current_object()
    environ = dict(request.environ)  # the link is built for the address the person used

    def send() -> None:
        with app.app_context(), app.request_context(environ):
            try:
                passwords.request_reset(email, environ.get("REMOTE_ADDR"))
            except mail.MailNotConfigured:
                app.logger.error("password reset asked for, but no mail server is set")
            except Exception:  # the visitor has their answer already: log, never raise
                app.logger.exception("password reset mail failed")
            finally:
                db.session.remove()

    # In a context of its own: whatever the server still holds when it closes the response, the
    # mail uses its own app context and database session.
    return lambda: contextvars.Context().run(send)


@bp.get("/password/forgot/sent")
def reset_requested():
    """The same page whether the address has an account or not."""
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    return render_template("accounts/reset_requested.html", minutes=minutes)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Open to whoever holds the link; opening it changes nothing. The new password signs out
    every device, and the person then signs in (with their second factor, if they have one)."""
    purpose = LinkPurpose.PASSWORD_RESET
    state, record = services.link_state(token, purpose=purpose)
    if state != services.LinkState.VALID:
        status = 404 if state == services.LinkState.UNKNOWN else 410
        page = render_template("accounts/link_refused.html", state=state, reset=True)
        return _private(make_response(page, status))
    form = ActivationForm()
    if form.validate_on_submit():
        try:
            user = services.activate(
                token, form.password.data, request.remote_addr, purpose=purpose
            )
        except services.ActivationRefused as refused:
            page = render_template("accounts/link_refused.html", state=refused.state, reset=True)
            return _private(make_response(page, 410))
        except AccountError as refused:
            form.password.errors.append(str(refused))
        else:
            passwords.notify_changed(user)
            session.clear()
            flash(
                _(
                    "Your new password is set, and every device was signed out. Sign in with "
                    "the new password."
                ),
                "success",
            )
            return _private(redirect(url_for("auth.login"), code=303))
    status = 422 if form.errors else 200
    page = render_template("accounts/reset_password.html", form=form, user=record.user, link=record)
    return _private(make_response(page, status))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURES_PER_ACCOUNT"],
    key_func=lambda: f"password-change:{getattr(current_user, 'id', None)}",
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 422,
)
def change_password():
    """Every account's own page: the current password (and a code for staff), then the new one.
    This session stays signed in; every other one ends."""
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    needs_code = passwords.needs_code(user)
    if form.validate_on_submit():
        change = passwords.PasswordChange(form.current.data, form.password.data, form.code.data)
        try:
            passwords.change_password(user, change, request.remote_addr)
        except passwords.FieldError as refused:
            getattr(form, refused.field).errors.append(str(refused.message))
        else:
            login_user(user)  # this browser's cookie, with the new session version
            passwords.notify_changed(user)
            flash(_("Your password was changed. Other devices were signed out."), "success")
            return redirect(url_for("home.index"), code=303)
    status = 422 if form.errors else 200
    page = render_template("accounts/change_password.html", form=form, needs_code=needs_code)
    return page, status
