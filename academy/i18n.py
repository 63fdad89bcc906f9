"""Korean first: the locale is the one the user chose, else Korean."""

from flask import current_app, has_request_context, session
from flask_login import current_user


def select_locale() -> str:
    if not has_request_context():  # CLI commands and background work: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]
