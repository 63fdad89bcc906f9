"""Between the password and the second factor: the half-signed-in state kept in the session.

After a correct password the session names the account, its session version, where to go next
and whether the account must first enrol; nobody is signed in yet. The state lasts
TWO_FACTOR_STEP_MINUTES and is dropped at sign-in, at cancel and when the account's session
version changes (an administrator's reset, disabling). While it is there, every page leads to
the step that is due, so staff cannot reach the app without enrolling.
"""

import time
from dataclasses import dataclass

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from academy.auth import two_factor
from academy.auth.session import start_session
from academy.extensions import db
from academy.models import User

KEY = "second_step"
# Pages a half-signed-in visitor may open; every other one leads to the step that is due.
OPEN_ENDPOINTS = frozenset(
    {"static", "auth.second_factor", "auth.enrol", "auth.cancel_sign_in", "auth.set_language"}
)


@dataclass(frozen=True)
class Pending:
    user: User
    next: str
    enrol: bool


def begin(user: User, next_target: str = "") -> None:
    """A fresh session holding only the pending sign-in (and the language choice)."""
    start_session()
    for key in ("signed_in_at", "seen_at"):
        session.pop(key, None)
    minutes = current_app.config["TWO_FACTOR_STEP_MINUTES"]
    session[KEY] = {
        "user": user.id,
        "version": user.session_version,
        "until": int(time.time()) + minutes * 60,
        "next": next_target or "",
        "enrol": not user.two_factor_enabled,
    }


def pending() -> Pending | None:
    """The pending sign-in, or None when there is none, it expired or no longer holds."""
    state = session.get(KEY)
    if not isinstance(state, dict):
        return None
    if state.get("until", 0) < time.time():
        return None
    user = db.session.get(User, state.get("user"))
    if user is None or not user.is_active or user.session_version != state.get("version"):
        return None
    return Pending(user, state.get("next", ""), not user.two_factor_enabled)


def clear() -> None:
    session.pop(KEY, None)


def enforce_second_factor():
    """Before each request: a half-signed-in visitor goes to the step that is due, and staff
    signed in without a second factor (a role changed while signed in) are sent to enrol."""
    if request.endpoint is None or request.endpoint in OPEN_ENDPOINTS:
        return None
    if current_user.is_authenticated:
        if not two_factor.needs_enrolment(current_user):
            return None
        user = current_user._get_current_object()
        logout_user()
        begin(user, request.full_path.rstrip("?") if request.method == "GET" else "")
        return redirect(url_for("auth.enrol"))
    if KEY not in session:
        return None
    step = pending()
    if step is None:
        clear()
        flash(_("Signing in took too long. Please sign in again."), "warning")
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.enrol" if step.enrol else "auth.second_factor"))
