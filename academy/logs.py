"""One logging configuration for the web processes and the worker (README, "Logs").

Production writes JSON lines on stderr (one object per record: time, level, logger, message,
request_id, and the exception when there is one); development writes readable text. Every
request gets an id (the proxy's X-Request-ID when it sends a sane one, else a new one), echoed in
the response and carried into the jobs the request starts, so one id follows an import from the
click to the worker's last line. Phone numbers and tokens are masked in every record by
academy.privacy.LogRedactor, installed before any handler sees a record.
"""

import contextlib
import contextvars
import json
import logging
import logging.config
import re
import uuid
from datetime import UTC, datetime

from flask import Flask, g, request

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str | None:
    return _request_id.get()


@contextlib.contextmanager
def bind_request_id(request_id: str | None):
    """Log lines inside the block carry `request_id` (a job runs under its request's id)."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for the log collector."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or _request_id.get() or None,
            "process": record.process,
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def logging_config(fmt: str, level: str = "INFO") -> dict:
    formatter = (
        {"()": JsonFormatter}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"default": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "default",
                "filters": ["request_id"],
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        # Huey's consumer logs every task; keep its lines, in the same format.
        "loggers": {"huey": {"level": level}},
    }


def configure(app: Flask) -> None:
    """Apply the configuration once per process (tests keep pytest's own handlers)."""
    from academy.privacy import install_log_redactor

    install_log_redactor()
    fmt = app.config.get("LOG_FORMAT")
    if fmt and getattr(configure, "_applied", None) != fmt:
        logging.config.dictConfig(logging_config(fmt, app.config.get("LOG_LEVEL", "INFO")))
        configure._applied = fmt
        # Flask's own handler would print every app.logger line a second time.
        from flask.logging import default_handler

        app.logger.removeHandler(default_handler)
    app.before_request(_start_request)
    app.after_request(_echo_request_id)
    app.teardown_request(_end_request)


def _start_request() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    request_id = incoming if INCOMING_ID.match(incoming) else uuid.uuid4().hex
    g.request_id = request_id
    g._request_id_token = _request_id.set(request_id)


def _echo_request_id(response):
    if "request_id" in g:
        response.headers["X-Request-ID"] = g.request_id
    return response


def _end_request(_error=None) -> None:
    token = g.pop("_request_id_token", None)
    if token is not None:
        with contextlib.suppress(ValueError):
            _request_id.reset(token)
