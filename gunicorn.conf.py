"""gunicorn settings for production (README, "Production"):

    gunicorn -c gunicorn.conf.py wsgi:app

Every setting can be changed from the environment, so one file serves every deployment.
"""

import json
import logging
import os
import re

from gunicorn.glogging import Logger

# 127.0.0.1 by default: the reverse proxy in front of the app is the only client.
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# The usual sync-worker rule for a CPU-bound app: two per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A citywide PDF or Excel report at five years of data takes seconds, not minutes: 120 s
# stops a stuck worker without cutting off a slow report.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Workers restart after a thousand requests (jittered, so not all at once): openpyxl and
# WeasyPrint keep memory they do not give back.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100
# The proxy in front passes requests on; gunicorn itself trusts no forwarded headers (the app
# does, when PROXY_FIX_X_FOR says how many proxies there are).
forwarded_allow_ips = ""
# gunicorn 27's control socket sits at one path per user: two instances on a host would fight
# over it, and `kill -HUP` does what the app needs.
control_socket_disable = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# As the app's own lines (academy/logs.py): JSON lines in production, text when LOG_FORMAT=text.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
# No query string (%(q)s) and no full request line (%(r)s): see RedactingLogger.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'

# Path segments that look like secrets: activation-link and staged-file tokens (url-safe base64
# of 16+ bytes). Ids and words are shorter.
_TOKEN = re.compile(r"(?<=/)[A-Za-z0-9_-]{20,}(?=/|$)")


def redact(path: str | None) -> str:
    """The path without its query string, with token-like segments replaced. gunicorn's error
    path (a request it could not parse) logs before any path was read: that is "-", never a
    crash, since an exception here kills the worker and every request it was serving."""
    if not isinstance(path, str) or not path:
        return "-"
    return _TOKEN.sub("[redacted]", path.split("?", 1)[0])


def _json_formatter() -> logging.Formatter:
    # Imported here: the text setting must not need the app's packages.
    from academy.logs import JsonFormatter

    class GunicornJsonFormatter(JsonFormatter):
        """The app's JSON line, plus an access line's fields (method, path, status, ...)."""

        def format(self, record: logging.LogRecord) -> str:
            line = json.loads(super().format(record))
            line.update(getattr(record, "access", None) or {})
            return json.dumps(line, ensure_ascii=False)

    return GunicornJsonFormatter()


class RedactingLogger(Logger):
    """Access log lines without tokens: an activation link in a log file would let anyone who
    reads the log set the trainee's password.

    With LOG_FORMAT=json the access and error lines are JSON objects like the app's, and an access
    line carries the request's X-Request-ID (the one the app answered with), so a collector joins
    it to the app's lines and to the jobs the request started.

    gunicorn calls these methods from its own error handling, where an exception is not caught:
    whatever the request, they must return."""

    def setup(self, cfg):
        super().setup(cfg)
        if LOG_FORMAT != "json":
            return
        formatter = _json_formatter()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(formatter)

    def access(self, resp, req, environ, request_time):
        if LOG_FORMAT != "json":
            return super().access(resp, req, environ, request_time)
        if not self.access_log_enabled:
            return None
        try:
            atoms = self.atoms(resp, req, environ, request_time)
            request_id = atoms.pop("request_id", None)
            fields = {
                "remote_addr": atoms.get("h", "-"),
                "method": atoms["m"],
                "path": atoms["U"],
                "protocol": atoms["H"],
                "status": _number(atoms.get("s")),
                "bytes": _number(atoms.get("B")),
                "duration_ms": _number(atoms.get("M")),
                "referer": atoms.get("f", "-"),
                "user_agent": atoms.get("a", "-"),
            }
            self.access_log.info(
                "%s %s %s %s",
                atoms["m"],
                atoms["U"],
                atoms["H"],
                atoms.get("s", "-"),
                extra={"request_id": request_id, "access": fields},
            )
        except Exception:
            self.error("access log line not written: %s", type(resp).__name__)
        return None

    def atoms(self, resp, req, environ, request_time):
        try:
            atoms = super().atoms(resp, req, environ, request_time)
        except Exception:  # a request gunicorn could not parse: log what is known
            atoms = {"h": environ.get("REMOTE_ADDR", "-"), "t": self.now(), "s": "-"}
            status = getattr(resp, "status", None)
            if isinstance(status, str):
                atoms["s"] = status.split(None, 1)[0]
        atoms["m"] = atoms.get("m") or "-"
        atoms["H"] = atoms.get("H") or "-"
        atoms["U"] = redact(atoms.get("U"))
        atoms["f"] = redact(atoms.get("f"))
        atoms["q"] = ""
        atoms["r"] = f"{atoms['m']} {atoms['U']} {atoms['H']}"
        request_id = atoms.get("{x-request-id}o")
        atoms["request_id"] = request_id if isinstance(request_id, str) and request_id else None
        # Request headers and the environ carry cookies, the raw URI and the query string.
        return {k: v for k, v in atoms.items() if not k.startswith("{")}

    def exception(self, msg, *args, **kwargs):
        # "Error handling request %s %s" names the raw URI, query string and all.
        super().exception(msg, *(redact(a) if _is_path(a) else a for a in args), **kwargs)

    def error(self, msg, *args, **kwargs):
        super().error(msg, *(redact(a) if _is_path(a) else a for a in args), **kwargs)


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _is_path(value) -> bool:
    return isinstance(value, str) and value.startswith("/")


logger_class = RedactingLogger
