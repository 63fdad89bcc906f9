"""gunicorn settings for production (README, "Production"):

    gunicorn -c gunicorn.conf.py wsgi:app

Every setting can be changed from the environment, so one file serves every deployment.
"""

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
# Workers restart after a thousand requests (jittered, so not all at once): pandas, openpyxl and
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


class RedactingLogger(Logger):
    """Access log lines without tokens: an activation link in a log file would let anyone who
    reads the log set the trainee's password.

    gunicorn calls these methods from its own error handling, where an exception is not caught:
    whatever the request, they must return."""

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
        # Request headers and the environ carry cookies, the raw URI and the query string.
        return {k: v for k, v in atoms.items() if not k.startswith("{")}

    def exception(self, msg, *args, **kwargs):
        # "Error handling request %s %s" names the raw URI, query string and all.
        super().exception(msg, *(redact(a) if _is_path(a) else a for a in args), **kwargs)

    def error(self, msg, *args, **kwargs):
        super().error(msg, *(redact(a) if _is_path(a) else a for a in args), **kwargs)


def _is_path(value) -> bool:
    return isinstance(value, str) and value.startswith("/")


logger_class = RedactingLogger
