"""Korean first: the locale is the one the user chose, else Korean."""

from flask import Flask, current_app, has_request_context, session
from flask_babel import Babel, Domain
from flask_login import current_user
from jinja2 import pass_context

from academy.korean import tidy


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


class ParticleDomain(Domain):
    """Flask-Babel's domain, with Korean particles chosen after formatting (academy.korean)."""

    def gettext(self, string, **variables):
        return tidy(super().gettext(string, **variables))

    def ngettext(self, singular, plural, num, **variables):
        return tidy(super().ngettext(singular, plural, num, **variables))

    def pgettext(self, context, string, **variables):
        return tidy(super().pgettext(context, string, **variables))

    def npgettext(self, context, singular, plural, num, **variables):
        return tidy(super().npgettext(context, singular, plural, num, **variables))


def _tidied(jinja_function):
    @pass_context
    def call(context, *args, **variables):
        return tidy(jinja_function(context, *args, **variables))

    return call


def install_particles(app: Flask, babel: Babel) -> None:
    """Every message of the app, from Python (gettext, lazy_gettext) and from templates
    (`_`, `gettext`, `ngettext`, `{% trans %}`), gets its particles after formatting: a
    template formats its own variables, after the translation is looked up."""
    babel.domain_instance = ParticleDomain()
    for name in ("gettext", "ngettext", "pgettext", "npgettext"):
        if name in app.jinja_env.globals:
            app.jinja_env.globals[name] = _tidied(app.jinja_env.globals[name])
