"""Sign-in sessions: the cookie names a user and a session version, and has an idle and an
absolute lifetime. Bumping the version (logout, password change, disabling) ends every copy."""

import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from academy.extensions import db
from academy.models import User


def load_user(user_key: str) -> User | None:
    user_id, _sep, version = user_key.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


def end_all_sessions(user: User) -> None:
    """Every cookie issued before this call stops working (logout, password change, disabling)."""
    user.session_version += 1


def start_session() -> None:
    """A fresh session at sign-in; only the language choice carries over."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    now = int(time.time())
    session["signed_in_at"] = now
    session["seen_at"] = now


def session_expired(now: float) -> bool:
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    signed_in_at = session.get("signed_in_at", 0)
    seen_at = session.get("seen_at", 0)
    return now - seen_at > idle or now - signed_in_at > absolute


def enforce_session_lifetime():
    """Before each request: sign out a session idle for too long or open for too long."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = time.time()
    if session_expired(now):
        logout_user()
        locale = session.get("locale")
        session.clear()
        if locale:
            session["locale"] = locale
        flash(_("You were signed out after a period without activity. Please sign in again."))
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    session["seen_at"] = int(now)
    return None
