"""Korean first: the locale is the one the user chose, else Korean."""

from flask import Flask, current_app, has_request_context, session
from flask.globals import _cv_app
from flask_babel import Babel, Domain, get_locale
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


def _settled_locale():
    """The locale Flask-Babel has settled on in this context, if it has, read without proxies."""
    app_context = _cv_app.get(None)
    state = app_context.g.__dict__.get("_flask_babel") if app_context is not None else None
    return getattr(state, "babel_locale", None)


def request_locale():
    """flask_babel.get_locale(), minus its three `g` proxy lookups once the locale is known (the
    formatting filters ask for it for every number and date on a page)."""
    return _settled_locale() or get_locale()


class ParticleDomain(Domain):
    """Flask-Babel's domain, with Korean particles chosen after formatting (academy.korean)."""

    def get_translations(self):
        """The catalogue of the locale this context has settled on, read from the app context
        directly: Flask-Babel's own lookup goes through the `g` proxy six times per message,
        which made context-proxy lookups the bulk of rendering a light page. The first message
        of a request (and any locale not yet loaded) takes Flask-Babel's path, which settles the
        locale (force_locale included) and fills the cache this reads."""
        locale = _settled_locale()
        if locale is not None:
            found = self.cache.get((str(locale), self.domain[0]))
            if found is not None:
                return found
        return super().get_translations()

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
    babel.domain_instance = domain = ParticleDomain()
    # Templates ask the domain directly: Flask-Babel's callables find it through `g` first.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: domain.get_translations().ugettext(s),
        ngettext=lambda s, p, n: domain.get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: domain.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: domain.get_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    for name in ("gettext", "ngettext", "pgettext", "npgettext"):
        if name in app.jinja_env.globals:
            app.jinja_env.globals[name] = _tidied(app.jinja_env.globals[name])
