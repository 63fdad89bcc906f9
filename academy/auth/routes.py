from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from academy import audit
from academy.auth import bp, second_step, services, two_factor
from academy.auth.forms import LanguageForm, LoginForm
from academy.auth.session import end_all_sessions, start_session
from academy.extensions import db, limiter
from academy.models import AccessAction


def _login_email() -> str:
    return "login:" + request.form.get("email", "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURES_PER_ACCOUNT"],
    key_func=_login_email,
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 401,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data, request.remote_addr)
        if user is not None:
            target = form.next.data if services.is_safe_next(form.next.data) else ""
            if user.two_factor_enabled or two_factor.is_required(user):
                second_step.begin(user, target)
                step = "auth.second_factor" if user.two_factor_enabled else "auth.enrol"
                return redirect(url_for(step))
            services.record_sign_in(user, request.remote_addr)
            start_session()
            login_user(user)
            return redirect(target or url_for("home.index"))
        flash(_("The e-mail or password is not correct."), "danger")
        return render_template("auth/login.html", form=form), 401
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    end_all_sessions(current_user)
    db.session.add(audit.entry(AccessAction.LOGOUT, subject=current_user._get_current_object()))
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"), code=303)


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            db.session.commit()
    target = form.next.data
    return redirect(target if services.is_safe_next(target) else url_for("home.index"), code=303)
