"""The worker process: `flask --app wsgi academy worker` (README, "Background work").

Huey's consumer in thread mode: each thread takes a job id off the queue and runs it inside
the app (its own app context, so its own database session). The consumer also schedules the
periodic tasks (reaper, purges). SIGTERM (systemd stop, Ctrl-C under `make run`) lets the jobs in
hand finish within the stop timeout; SIGKILL loses them, and the reaper fails them within a
minute: their transactions were never committed.
"""

import logging

from flask import Flask

from academy.jobs import queue

log = logging.getLogger(__name__)


def run(app: Flask, threads: int | None = None) -> None:
    if app.config.get("QUEUE_IMMEDIATE"):
        raise RuntimeError("QUEUE_IMMEDIATE is set: tasks run in the caller, no worker needed")
    queue.bind_worker_app(app)
    workers = threads or app.config["WORKER_THREADS"]
    log.info("worker starting: %s threads, %s queue", workers, queue.describe(app.config))
    # After a release the stored KPI facts may come from other counting code: they do not
    # hold (academy.kpi.facts.COUNTED_BY) and are counted again now rather than at midnight.
    queue.refresh_kpi_facts()
    consumer = queue.huey.create_consumer(
        workers=workers,
        worker_type="thread",
        periodic=True,
        check_worker_health=True,
        flush_locks=False,
    )
    consumer.run()
