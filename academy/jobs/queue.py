"""The task queue: Huey, with SQLite storage under the instance folder by default and Redis when
QUEUE_URL or REDIS_URL names one (README, "Background work").

The queue carries only a job's id; the Job row (academy.models.jobs) holds its state, so a page
on any server can show it and a lost message loses no data. Huey is bound to the app's settings
in create_app(); the worker process (`flask academy worker`) runs the same app.
"""

import logging
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

log = logging.getLogger(__name__)

# Bound to real storage by configure(); until then (imports, tooling) it keeps nothing.
huey = Huey("academy", storage_class=MemoryStorage, results=False, utc=True)
_worker_app: Flask | None = None


def storage_settings(config) -> tuple[type, dict]:
    """The storage class and its arguments from QUEUE_URL (redis://…, sqlite:///path)."""
    url = config["QUEUE_URL"]
    if url.startswith(("redis://", "rediss://", "unix://")):
        # A short socket timeout: a page that enqueues must not hang while Redis is down.
        from redis import ConnectionPool

        pool = ConnectionPool.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        return RedisStorage, {"connection_pool": pool}
    if not url.startswith("sqlite:///"):
        raise ValueError("QUEUE_URL must be redis://… or sqlite:///path")
    path = Path(url[len("sqlite:///") :])
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteStorage, {"filename": str(path)}


def configure(app: Flask) -> None:
    """Point the queue at the app's storage; immediate mode (tests) runs tasks in the caller."""
    storage_class, kwargs = storage_settings(app.config)
    huey.name = app.config.get("QUEUE_NAME", "academy")
    huey.storage_class, huey.storage_kwargs = storage_class, kwargs
    huey._immediate = bool(app.config.get("QUEUE_IMMEDIATE"))
    huey.storage = huey.create_storage()
    app.extensions["huey"] = huey
    app.jinja_env.globals["background_work_available"] = available


def available() -> bool:
    """Whether the queue answers now (pages that start work say so when it does not)."""
    try:
        huey.pending_count()
    except Exception:  # redis.ConnectionError, sqlite3.OperationalError, ...
        return False
    return True


def describe(config) -> str:
    """Where the queue lives, without credentials: for logs and /healthz."""
    return "sqlite" if config["QUEUE_URL"].startswith("sqlite:") else "redis"


def bind_worker_app(app: Flask) -> None:
    global _worker_app
    _worker_app = app


def _app() -> Flask:
    if has_app_context():
        return current_app._get_current_object()
    if _worker_app is None:
        raise RuntimeError("the worker runs tasks with the app bound by bind_worker_app()")
    return _worker_app


@huey.task()
def execute(job_id: int) -> None:
    """Run one job. Never retried by the queue: a job that may have written is not run twice
    (academy.jobs.services.run claims the row first, so a duplicate delivery does nothing)."""
    from academy.jobs import services

    app = _app()
    with app.app_context():
        services.run(job_id)


@huey.periodic_task(crontab(minute="*"))
def reap_stale_jobs() -> None:
    """Every minute: a running job whose worker stopped heartbeating is failed, and says so."""
    from academy.jobs import services

    with _app().app_context():
        services.reap_stale()


@huey.periodic_task(crontab(minute="*/10"))
def purge_staged_files() -> None:
    """Uploads left between preview and commit past STAGING_MINUTES are deleted (personal data)."""
    from academy import staging

    with _app().app_context():
        staging.purge_expired()


@huey.periodic_task(crontab(minute="50", hour="18"))  # 03:50 in Seoul
def purge_insurance_matches() -> None:
    """Employment-insurance match files past INSURANCE_MATCH_RETENTION_DAYS are deleted."""
    from academy.outcomes.matching import purge_expired_matches

    with _app().app_context():
        log.info("insurance match retention purge: %s files deleted", purge_expired_matches())


@huey.periodic_task(crontab(minute="1", hour="15"))  # 00:01 in Seoul (UTC+9)
def refresh_kpi_facts() -> None:
    """Just after midnight in Seoul, the cohorts whose KPI facts stopped holding with the new
    day (a job or an internship starts today) are counted again; until then the figures count
    those cohorts through the engine."""
    from academy.extensions import db
    from academy.kpi import facts

    with _app().app_context():
        log.info("KPI facts: %s cohorts counted again", facts.refresh_stale(db.session))
        db.session.remove()


@huey.periodic_task(crontab(minute="40", hour="18"))  # 03:40 in Seoul
def purge_finished_jobs() -> None:
    """Job rows of finished work past 90 days go."""
    from academy.jobs import services

    with _app().app_context():
        services.purge_finished()


@huey.periodic_task(crontab(minute="20", hour="18"))  # 03:20 in Seoul (UTC+9)
def purge_access_log() -> None:
    """Access-log entries past their retention go once a day (audit.purge keeps the chain whole)."""
    from academy import audit

    with _app().app_context():
        try:
            result = audit.purge()
        except audit.PurgeRefused as refused:
            log.error("access-log retention purge refused: %s", refused)
            return
        log.info("access-log retention purge: %s entries deleted", result.deleted)


@huey.periodic_task(crontab(minute="*/10"))
def anchor_access_log() -> None:
    """Every 10 minutes the access log's newest entry is copied outside the database
    (AUDIT_ANCHOR), so deleting the newest rows shows in `audit verify --anchor`."""
    from academy import audit

    with _app().app_context():
        if not current_app.config.get("AUDIT_ANCHOR"):
            return
        try:
            head = audit.write_anchor()
        except audit.AnchorError as refused:
            log.error("access-log anchor refused: %s", refused)
            return
        if head is not None:
            log.info("access-log anchored at entry %s", head.seq)
