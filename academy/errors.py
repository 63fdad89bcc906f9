"""Error pages in the user's language, never a traceback (ASVS: errors reveal nothing inside).

Every HTTP error and every unhandled exception renders errors/error.html. A database that stops
answering in the middle of a request (a restart, a failover, a terminated connection, a lock
that times out) is a 503 "try again shortly" page instead: the request's transaction is rolled
back, so none of its writes stay; SQLAlchemy drops the broken connection, and pool_pre_ping
(config.Config) tests each pooled one before use, so the next request gets a working one.

A rule of the domain that says no raises RuleRefused (a subclass per domain): a route that shows
the reason on its form catches it; any other reaches render_refusal, one handler for the page,
the htmx fragment and the API.
"""

import logging

import sqlalchemy as sa
from flask import Flask, flash, g, jsonify, redirect, render_template, request
from flask_babel import LazyString

from academy.extensions import db, login_manager

log = logging.getLogger(__name__)

PAGES = (400, 403, 404, 405, 413, 429, 500, 503)
REFUSED = 422
RETRY_AFTER_SECONDS = 30


class RuleRefused(Exception):
    """A rule of the domain said no. The services raise it (or a subclass naming the rule's
    domain); the person who asked reads `message`, translatable and in their language.

    `field` names the form field the message belongs to (None: the whole form), for routes that
    show it on their form again; any other refusal reaches one handler (render_refusal), which
    answers with `status`.
    """

    status = REFUSED

    def __init__(self, message, field: str | None = None, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status


class FieldsRefused(RuleRefused):
    """Refused for reasons on several form fields: `errors` maps a field (or "" for the whole
    form) to translatable reasons."""

    def __init__(self, errors: dict[str, list]) -> None:
        # Lazy: the reasons are translated when shown, in the language of whoever reads them.
        super().__init__(LazyString(lambda: " ".join(self.messages())))
        self.errors = errors

    def messages(self) -> list[str]:
        return [str(message) for messages in self.errors.values() for message in messages]


def return_on_refusal(url: str, category: str = "danger") -> None:
    """A refusal in the rest of this request flashes its message and goes back to `url` (303),
    as the action's success does: for actions that are a button on a page, not a form."""
    g.refusal_return = (url, category)


def render_refusal(refused: RuleRefused):
    """A refusal no route showed on its own form: the request's writes are undone, and the
    message reaches the person as JSON (the API), a notice fragment (htmx) or a page."""
    from academy.web import render

    db.session.rollback()
    message = str(refused.message)
    if request.blueprint == "api":
        return jsonify(error=message), refused.status
    back = g.pop("refusal_return", None)
    if back is not None:
        url, category = back
        flash(message, category)
        return redirect(url, code=303)
    page = render(
        "errors/error.html",
        "errors/_refusal.html",
        code=refused.status,
        message=message,
        refused=True,
    )
    return page, refused.status


def render_error(error):
    from academy.parameters import BadParameter

    code = getattr(error, "code", None) or 500
    message = error.description if isinstance(error, BadParameter) else None
    if code >= 500:
        # The failed request may have left the transaction aborted (PostgreSQL refuses every
        # statement after an error): the page, which loads the signed-in user, starts clean.
        try:
            db.session.rollback()
        except sa.exc.SQLAlchemyError:
            db.session.remove()
    try:
        return render_template("errors/error.html", code=code, message=message), code
    except Exception:
        # An error page that fails must still answer: an exception leaving here reaches the
        # server, which logs the request and, in the review's attack, lost the worker.
        log.exception("the error page failed to render")
        return _PLAIN_ERROR, code, {"Content-Type": "text/plain; charset=utf-8"}


_PLAIN_ERROR = (
    "오류가 발생했습니다. 잠시 후 다시 시도하세요. / An error occurred: please try again."
)


def database_unavailable(error: sa.exc.DBAPIError):
    # The class and first line only: SQLAlchemy's message carries the statement's parameters,
    # which may be personal data.
    reason = str(error.orig).strip().splitlines()[0] if error.orig else ""
    log.error("the database failed during the request: %s: %s", type(error.orig).__name__, reason)
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        log.exception("rollback after a database failure failed")
    db.session.remove()
    # The page must not need the database: render it as for a signed-out visitor, without the
    # account menu that would load the user again.
    g._login_user = login_manager.anonymous_user()
    page = render_template("errors/error.html", code=503)
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def storage_unavailable(error):
    """The file store (object storage, or the disk) did not answer: the upload or download did
    not happen, and no row points at a file that was not kept."""
    log.error("the file store failed during the request: %s", error)
    db.session.rollback()
    page = render_template("errors/error.html", code=503, storage_down=True)
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def register(app: Flask) -> None:
    from academy.storage import StorageUnavailable

    app.register_error_handler(StorageUnavailable, storage_unavailable)
    app.register_error_handler(RuleRefused, render_refusal)
    for code in PAGES:
        app.register_error_handler(code, render_error)
    # Connection lost or refused, lock or statement timeout: the database, not the request.
    app.register_error_handler(sa.exc.OperationalError, database_unavailable)
    app.register_error_handler(sa.exc.InterfaceError, database_unavailable)
