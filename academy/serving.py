"""What production serving needs from the app: a health endpoint for the load balancer, static
files that browsers cache for a year under versioned URLs, and the client address behind a
reverse proxy (README, "Production")."""

import gc
import hashlib
from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, jsonify, request
from werkzeug.middleware.proxy_fix import ProxyFix

from academy.extensions import csrf, db
from academy.models import Job, JobState

bp = Blueprint("health", __name__)

# A young collection after this many new container objects instead of CPython's 700: a page
# allocates tens of thousands (rows, ORM objects, template output), and at 700 the collector
# ran about five times a page and a full collection every few pages.
YOUNG_COLLECTION = 10_000


def settle_process() -> None:
    """For a server process, once its app is built (wsgi.py: each gunicorn worker and the
    queue worker). The quarter of a million objects the app's code, templates and settings
    are made of never become garbage: freezing them keeps full collections from walking them
    all again, and the higher threshold makes collections rarer. Measured on the citywide
    dashboard at 50,000 trainees: 25 ms of collection per page before, under 1 ms after."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])


# A year: the URL changes whenever the file does, so a cached copy is never stale.
STATIC_MAX_AGE = 365 * 24 * 3600


@bp.get("/healthz")
def healthz():
    """200 when the app answers and the database runs a query; 503 otherwise. No sign-in, no
    session, nothing personal: load balancers and monitors call it every few seconds.

    The queue and the file store are reported too. Without them the pages still serve (only
    background work or uploads fail, and say so), so they make the status "degraded", still
    200: every server shares them, and a load balancer that took all servers out for a Redis
    outage would turn a partial failure into a whole one."""
    from academy import storage
    from academy.jobs import queue

    body = {"status": "ok", "database": "ok"}
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("health check: the database did not answer")
        body.update(status="unavailable", database="unreachable")
    body["queue_backend"] = queue.describe(current_app.config)
    try:
        body["queued"] = queue.huey.pending_count()
        body["queue"] = "ok"
    except Exception as error:  # redis.ConnectionError, sqlite3.OperationalError, ...
        current_app.logger.error("health check: the queue did not answer: %s", error)
        body["queue"] = "unreachable"
    if body["database"] == "ok":
        try:
            body["running_jobs"] = db.session.scalar(
                sa.select(sa.func.count()).select_from(Job).where(Job.state == JobState.RUNNING)
            )
        except sa.exc.SQLAlchemyError:  # a database not migrated yet
            db.session.rollback()
    body["storage_backend"] = current_app.extensions["storage"].backend
    try:
        current_app.extensions["storage"].ping()
        body["storage"] = "ok"
    except storage.StorageUnavailable as error:
        current_app.logger.error("health check: the file store did not answer: %s", error)
        body["storage"] = "unreachable"
    if body["status"] == "ok" and "unreachable" in (body["queue"], body["storage"]):
        body["status"] = "degraded"
    response = jsonify(body)
    if body["database"] != "ok":
        response.status_code = 503
    response.headers["Cache-Control"] = "no-store"
    return response


def static_version(filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256, cached per file and modification time."""
    path = Path(current_app.static_folder, filename)
    try:
        stat = path.stat()
    except OSError:
        return None
    cache = current_app.extensions.setdefault("static_versions", {})
    key = (filename, stat.st_mtime_ns, stat.st_size)
    if key not in cache:
        cache[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return cache[key]


def _version_static_urls(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        version = static_version(values["filename"])
        if version:
            values["v"] = version


def _cache_static(response):
    """A static file asked for with its current version is immutable for a year; without it (or
    with an old one) the browser revalidates with the ETag every time."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    if request.args.get("v") and request.args.get("v") == static_version(filename):
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_MAX_AGE
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    else:
        response.cache_control.no_cache = True
        response.cache_control.max_age = None
    return response


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    csrf.exempt(bp)
    app.url_defaults(_version_static_urls)
    app.after_request(_cache_static)
    hops = app.config.get("PROXY_FIX_X_FOR", 0)
    if hops:
        # Behind N trusted proxies, the client address (sign-in limits, access log) is the one
        # they put in X-Forwarded-For, and the scheme and host the ones they received.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
