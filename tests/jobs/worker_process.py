"""A real worker process (`flask academy worker`) for tests, and an app that queues to it.

The suite's own app runs jobs in the caller (immediate mode) on a single-connection in-memory
database; these tests need a database and a queue that two processes share: a SQLite file (or a
PostgreSQL database of its own in the PostgreSQL run) and a SQLite queue file.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from academy import create_app
from academy.extensions import db
from academy.jobs import queue
from tests.conftest import IsolatedClient
from tests.databases import config_for

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).with_name("flask")


def folders(tmp: Path) -> dict[str, str]:
    return {
        "QUEUE_URL": f"sqlite:///{tmp / 'queue.sqlite'}",
        "STAGING_FOLDER": str(tmp / "staging"),
        "UPLOAD_FOLDER": str(tmp / "uploads"),
        "REPORT_FOLDER": str(tmp / "reports"),
    }


def shared_app(database_url: str, tmp: Path, **settings):
    """An app on `database_url` whose jobs go to the queue the worker reads."""
    config = config_for(
        database_url, QUEUE_IMMEDIATE=False, JOB_STALE_SECONDS=4, **folders(tmp), **settings
    )
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


def rebind(app) -> None:
    """Give the queue back to the suite's app (the module-level Huey follows the last app)."""
    queue.configure(app)


@contextmanager
def worker(database_url: str, tmp: Path, log_name: str = "worker.log", **env):
    process = start_worker(database_url, tmp, log_name, **env)
    try:
        yield process
    finally:
        stop(process)


def start_worker(database_url: str, tmp: Path, log_name: str = "worker.log", **env):
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ACADEMY_INSTANCE_DIR": str(tmp),
        "JOB_HEARTBEAT_SECONDS": "1",
        "LOG_FORMAT": "json",
        **folders(tmp),
        **env,
    }
    environment.pop("ACADEMY_ENV", None)
    environment.pop("REDIS_URL", None)
    log = (tmp / log_name).open("ab")
    command = [str(FLASK), "--app", "wsgi", "academy", "worker", "--threads", "2"]
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
    )


def stop(process, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(predicate, timeout: float = 120, every: float = 0.1, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def create_schema(app) -> None:
    with app.app_context():
        db.create_all()
