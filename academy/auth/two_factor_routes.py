"""The second sign-in step, the staff's mandatory enrolment, and each account's own page for
its second factor (turn on, new recovery codes, turn off)."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user

from academy.auth import bp, second_step, services, two_factor
from academy.auth.access import role_required
from academy.auth.forms import CodeForm, ConfirmForm
from academy.auth.session import start_session
from academy.extensions import limiter
from academy.models import Role


def _code_key() -> str:
    """Wrong codes count against the account, whichever page they were typed into."""
    if current_user.is_authenticated:
        return f"second-factor:{current_user.id}"
    state = session.get(second_step.KEY)
    if isinstance(state, dict) and state.get("user"):
        return f"second-factor:{state['user']}"
    return f"second-factor-address:{get_remote_address()}"


code_attempts = limiter.shared_limit(
    lambda: current_app.config["TWO_FACTOR_FAILURES_PER_ACCOUNT"],
    scope="second-factor-code",
    key_func=_code_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code in (401, 422),
)
per_address = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])


def _wrong_code() -> str:
    return _(
        "The code is not correct. Enter the 6-digit code your authenticator app shows now; "
        "each code works only once."
    )


def _start_again():
    had_state = second_step.KEY in session
    second_step.clear()
    if had_state:
        flash(_("Signing in took too long. Please sign in again."), "warning")
    return redirect(url_for("auth.login"))


def _finish_sign_in(step: second_step.Pending) -> str:
    services.record_sign_in(step.user, request.remote_addr)
    start_session()  # a new session: the pending state goes with the old one
    login_user(step.user)
    return step.next if services.is_safe_next(step.next) else url_for("home.index")


@bp.route("/login/code", methods=["GET", "POST"])
@per_address
@code_attempts
def second_factor():
    step = second_step.pending()
    if step is None:
        return _start_again()
    if step.enrol:
        return redirect(url_for("auth.enrol"))
    form = CodeForm()
    if form.validate_on_submit():
        check = two_factor.check_sign_in_code(step.user, form.code.data, request.remote_addr)
        if check.accepted:
            target = _finish_sign_in(step)
            if check.by_recovery_code:
                left = check.recovery_codes_left
                flash(
                    _(
                        "You signed in with a recovery code. %(n)s codes are left; make new ones "
                        "on the two-factor page if you are running out.",
                        n=left,
                    ),
                    "warning",
                )
            return redirect(target, code=303)
        form.code.errors.append(_wrong_code())
        return render_template("auth/second_factor.html", form=form), 401
    status = 422 if form.errors else 200
    return render_template("auth/second_factor.html", form=form), status


@bp.route("/login/two-factor-setup", methods=["GET", "POST"])
@per_address
@code_attempts
def enrol():
    """Staff without a second factor enrol here before anything else opens to them."""
    step = second_step.pending()
    if step is None:
        return _start_again()
    if not step.enrol:
        return redirect(url_for("auth.second_factor"))
    two_factor.start_enrolment(step.user)
    form = CodeForm()
    if form.validate_on_submit():
        codes = two_factor.confirm_enrolment(step.user, form.code.data, request.remote_addr)
        if codes:
            target = _finish_sign_in(step)
            return render_template("auth/recovery_codes.html", codes=codes, next_url=target)
        form.code.errors.append(_wrong_code())
        return _enrol_page(step.user, form, 401)
    return _enrol_page(step.user, form, 422 if form.errors else 200)


def _enrol_page(user, form, status):
    page = render_template(
        "auth/enrol.html",
        form=form,
        qr_code=two_factor.qr_code_data_uri(user),
        secret=two_factor.grouped_secret(user.totp_secret),
        action=url_for("auth.enrol"),
        mandatory=True,
    )
    return page, status


@bp.post("/login/cancel")
def cancel_sign_in():
    second_step.clear()
    return redirect(url_for("auth.login"), code=303)


# The account's own page


ACCOUNT_FORMS = ("confirm", "regenerate", "disable")


def _account_page(status: int = 200, submitted: CodeForm | None = None):
    """The page with one form per change, each with its own field prefix; the submitted one
    keeps what was typed and its error."""
    user = current_user
    code_forms = {prefix: CodeForm(prefix=prefix, formdata=None) for prefix in ACCOUNT_FORMS}
    if submitted is not None:
        code_forms[submitted._prefix.rstrip("-")] = submitted
    enrolling = user.totp_secret is not None and not user.two_factor_enabled
    page = render_template(
        "auth/two_factor.html",
        user=user,
        required=two_factor.is_required(user),
        enrolling=enrolling,
        qr_code=two_factor.qr_code_data_uri(user) if enrolling else None,
        secret=two_factor.grouped_secret(user.totp_secret) if enrolling else None,
        codes_left=two_factor.recovery_codes_left(user) if user.two_factor_enabled else 0,
        form=ConfirmForm(),
        code_forms=code_forms,
    )
    return page, status


@bp.get("/account/two-factor")
@login_required
def two_factor_settings():
    return _account_page()


@bp.post("/account/two-factor/setup")
@login_required
def setup_two_factor():
    if ConfirmForm().validate_on_submit() and not current_user.two_factor_enabled:
        two_factor.start_enrolment(current_user)
    return redirect(url_for("auth.two_factor_settings"), code=303)


@bp.post("/account/two-factor/confirm")
@login_required
@code_attempts
def confirm_two_factor():
    form = CodeForm(prefix="confirm")
    if current_user.two_factor_enabled or current_user.totp_secret is None:
        return redirect(url_for("auth.two_factor_settings"), code=303)
    if form.validate_on_submit():
        codes = two_factor.confirm_enrolment(current_user, form.code.data, request.remote_addr)
        if codes:
            next_url = url_for("auth.two_factor_settings")
            return render_template("auth/recovery_codes.html", codes=codes, next_url=next_url)
        form.code.errors.append(_wrong_code())
    return _account_page(422, form)


@bp.post("/account/two-factor/recovery-codes")
@login_required
@code_attempts
def regenerate_recovery_codes():
    form = CodeForm(prefix="regenerate")
    if not current_user.two_factor_enabled:
        return redirect(url_for("auth.two_factor_settings"), code=303)
    if form.validate_on_submit():
        user = current_user._get_current_object()
        codes = two_factor.regenerate_recovery_codes(user, form.code.data, request.remote_addr)
        if codes:
            next_url = url_for("auth.two_factor_settings")
            return render_template("auth/recovery_codes.html", codes=codes, next_url=next_url)
        form.code.errors.append(_wrong_code())
    return _account_page(422, form)


@bp.post("/account/two-factor/disable")
@role_required(Role.TRAINEE, Role.INSTRUCTOR)
@code_attempts
def disable_two_factor():
    form = CodeForm(prefix="disable")
    if not current_user.two_factor_enabled:
        return redirect(url_for("auth.two_factor_settings"), code=303)
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if two_factor.disable(user, form.code.data, request.remote_addr):
            # Every other session of the account has ended; this one goes on, renewed.
            start_session()
            login_user(user)
            flash(
                _("Two-factor sign-in is off. Only your password protects your account now."),
                "info",
            )
            return redirect(url_for("auth.two_factor_settings"), code=303)
        form.code.errors.append(_wrong_code())
    return _account_page(422, form)
