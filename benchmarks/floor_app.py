"""The floor benchmarks/throughput.py compares each signed-in page with: bare Flask doing the
same SQL and rendering the same template with the same context, served by the same gunicorn
settings. Not part of the production app (wsgi.py).

Each worker, as it starts, opens every page named in FLOOR_PAGES (a JSON list of
{"path", "cookie"}: a signed-in person's cookie header, valid here because the server shares
the app server's SECRET_KEY) once through the real app, in process, and records:

- every statement the request sent to the database (SQLAlchemy's before_cursor_execute), with
  its parameters, as the driver received them;
- every template it rendered and the context it rendered it with (Flask's template_rendered
  signal), the proxies the context processors put there resolved to what they pointed at;
- what the request left on `g` (the signed-in user Flask-Login loaded, the locale Flask-Babel
  chose, the CSP nonce), which the template's helpers read.

The floor's answer to a request for such a path: Flask's request context (the URL matched, the
cookie session opened), the reads replayed with their parameters on one connection of its own,
then each template rendered again, from the app's Jinja environment (its filters and globals),
with the recorded context, and the last render returned. Left out, by construction: the app's
before/after-request hooks (session lifetime, second factor, request id, NUL check, security
headers), Flask-Login loading the user, CSRF, the context processors (their values are
recorded), the rate limiter, and every write the page makes (the access-log entry with its
advisory lock, chain head, insert and commit): statements other than reads are not replayed.
"""

import json
import os
import re
import sys
from pathlib import Path

from flask import Response, g, request, session, template_rendered
from sqlalchemy import event
from werkzeug.local import LocalProxy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from academy import create_app  # noqa: E402
from academy.extensions import db  # noqa: E402
from academy.serving import settle_process  # noqa: E402

# Statements that change something or take a lock: the page's writes, not replayed.
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b|pg_advisory|\bFOR\s+(NO\s+KEY\s+)?UPDATE\b", re.I)
# Flask's own context processor: the floor's request supplies these.
FLASK_OWN = {"request", "session", "g", "config"}


class Recorded:
    def __init__(self):
        self.reads: list[tuple[str, object, bool]] = []
        self.writes: list[str] = []
        self.renders: list[tuple[object, dict]] = []
        self.g: dict = {}
        self.status = 0
        self.size = 0


def _resolved(value):
    if isinstance(value, LocalProxy):
        try:
            return value._get_current_object()
        except RuntimeError:
            return None
    return value


def record(app, engine, path: str, cookie: str) -> Recorded:
    """One real request for `path` as the person whose session `cookie` holds."""
    seen = Recorded()
    capturing = [True]

    def statement(conn, cursor, sql, parameters, context, executemany):
        if not capturing[0]:
            return
        if WRITE.search(sql):
            seen.writes.append(" ".join(sql.split()[:3]))
        else:
            seen.reads.append((sql, parameters, executemany))

    def rendered(sender, template, context, **extra):
        if capturing[0]:
            kept = {k: _resolved(v) for k, v in context.items() if k not in FLASK_OWN}
            seen.renders.append((template, kept))
            # Detached, what the template read stays loaded: the access log's write rolls the
            # session back first, which would expire it.
            db.session.expunge_all()

    def keep_loaded():
        # Nor may the view's own commits expire what the template is about to read.
        db.session().expire_on_commit = False

    def keep_g(response):
        seen.g = {
            k: _resolved(v)
            for k, v in vars(g._get_current_object()).items()
            if not k.startswith(("request_id", "_request_id"))
        }
        return response

    event.listen(engine, "before_cursor_execute", statement)
    template_rendered.connect(rendered, app)
    app.after_request_funcs.setdefault(None, []).insert(0, keep_g)
    app.before_request_funcs.setdefault(None, []).insert(0, keep_loaded)
    try:
        client = app.test_client()
        for pair in cookie.split("; "):
            name, _, value = pair.partition("=")
            client.set_cookie(name, value)
        response = client.get(path)
        seen.status, seen.size = response.status_code, len(response.data)
    finally:
        capturing[0] = False
        event.remove(engine, "before_cursor_execute", statement)
        template_rendered.disconnect(rendered, app)
        app.after_request_funcs[None].remove(keep_g)
        app.before_request_funcs[None].remove(keep_loaded)
    return seen


def build():
    app = create_app()
    pages: dict[str, Recorded] = {}
    # Each recorded request outside any app context, so that it gets its own (and its own `g`).
    for page in json.loads(os.environ.get("FLOOR_PAGES", "[]")):
        with app.app_context():
            engine = db.engine
        pages[page["path"]] = record(app, engine, page["path"], page["cookie"])
    with app.app_context():
        connection = db.engine.raw_connection()  # the floor's one connection, for its life
    # The floor runs none of the app's request hooks (pushing a request context runs teardowns).
    app.teardown_request_funcs.clear()

    def replay(recorded: Recorded) -> str:
        cursor = connection.cursor()
        try:
            for sql, parameters, many in recorded.reads:
                if many:
                    cursor.executemany(sql, parameters)
                else:
                    cursor.execute(sql, parameters)
                    if cursor.description is not None:
                        cursor.fetchall()
        finally:
            cursor.close()
            connection.rollback()
        for name, value in recorded.g.items():
            setattr(g, name, value)
        body = ""
        for template, context in recorded.renders:
            body = template.render(
                {**context, "request": request, "session": session, "g": g, "config": app.config}
            )
        return body

    def summary() -> dict:
        return {
            path: {
                "status": r.status,
                "bytes": r.size,
                "reads": len(r.reads),
                "writes": len(r.writes),
                "templates": [t.name for t, _ in r.renders],
            }
            for path, r in pages.items()
        }

    def floor(environ, start_response):
        with app.request_context(environ):
            recorded = pages.get(request.path)
            if request.path == "/floor-recorded":
                response = Response(json.dumps(summary()), mimetype="application/json")
            elif recorded is None:
                response = Response("not recorded", status=404)
            else:
                response = Response(replay(recorded), mimetype="text/html")
        return response(environ, start_response)

    return app, pages, floor


app, pages, floor = build()
# The same process settings as wsgi.py gives the app: the comparison is of the work per
# request, not of the collector's thresholds.
settle_process()
