"""The rules of background jobs: who may start one, how a worker runs it, when it has failed.

- One person has at most JOBS_PER_USER jobs queued or running at once (officials clicking a
  slow report again get told to wait, not a second render).
- A job runs at most once: the worker claims the row (queued → running) in one conditional
  UPDATE, and the queue never retries. A commit that may have written is never run again.
- A running job's heartbeat is written every JOB_HEARTBEAT_SECONDS from a thread of its own. A
  job silent for JOB_STALE_SECONDS belongs to a worker that died: it is failed with a message
  its owner understands, by the reaper every minute or by the next page that reads it. Its
  transaction died with the worker's connection, so nothing was half written.
- A job over its time limit stops at its next progress report and is rolled back.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value

from academy.extensions import db
from academy.locking import lock_row
from academy.logs import bind_request_id, current_request_id
from academy.models import Job, JobState, User, utcnow
from academy.parameters import DB_INT_MAX

log = logging.getLogger(__name__)


class JobLimitReached(Exception):
    """The person already has as many jobs running as allowed."""


class QueueUnavailable(Exception):
    """The queue (Redis) did not take the job; nothing was started."""


class JobFailed(Exception):
    """A job that ends with a message for its owner (already in their language)."""


class JobTimedOut(Exception):
    pass


@dataclass(frozen=True)
class Handler:
    run: Callable[["JobContext"], dict | None]
    time_limit: int  # seconds


HANDLERS: dict[str, Handler] = {}


def handler(kind: str, time_limit: int = 600):
    """Register the function that does the work of jobs of `kind`."""

    def register(function):
        HANDLERS[kind] = Handler(function, time_limit)
        return function

    return register


def unavailable_message() -> str:
    return _(
        "Background work is unavailable right now, so this was not started and nothing was "
        "changed. Please try again in a few minutes."
    )


def limit_message(limit: int) -> str:
    return _(
        "You already have %(n)s tasks running. Wait for one to finish, then ask again.", n=limit
    )


def start_for_request(
    kind: str, owner: User, params: dict, locale: str | None = None
) -> tuple[Job | None, int]:
    """start() for a view: (the job, 200), or (None, 429 or 503) with the reason flashed, when
    the person has too many jobs running or the queue is down (nothing was changed)."""
    from flask import flash

    try:
        return start(kind, owner, params, locale=locale or request_locale()), 200
    except JobLimitReached as limit:
        flash(limit_message(limit.args[0]), "warning")
        return None, 429
    except QueueUnavailable:
        flash(unavailable_message(), "danger")
        return None, 503


def _active(owner_id: int) -> int:
    stale_before = utcnow() - timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])
    running_alive = sa.and_(Job.state == JobState.RUNNING, Job.heartbeat_at >= stale_before)
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Job)
        .where(Job.owner_id == owner_id, sa.or_(Job.state == JobState.QUEUED, running_alive))
    )


def start(kind: str, owner: User | None, params: dict, locale: str | None = None) -> Job:
    """Queue a job for `owner`; JobLimitReached or QueueUnavailable when it cannot start.

    The owner's row is locked while counting, so two clicks at once cannot both pass the limit.
    """
    from academy.jobs.queue import execute

    spec = HANDLERS[kind]
    if owner is not None:
        lock_row(User, owner.id)
        limit = current_app.config["JOBS_PER_USER"]
        if _active(owner.id) >= limit:
            db.session.rollback()
            raise JobLimitReached(limit)
    job = Job(
        kind=kind,
        owner_id=owner.id if owner else None,
        params=params,
        locale=locale or "ko",
        request_id=current_request_id(),
        time_limit_seconds=spec.time_limit,
        state=JobState.QUEUED,
    )
    db.session.add(job)
    db.session.commit()
    job_id = job.id
    try:
        execute(job_id)
    except Exception as error:  # Redis down, SQLite queue unwritable: the job never starts
        if current_app.config.get("QUEUE_IMMEDIATE") and not _is_queue_error(error):
            raise
        log.error("queue unavailable: job %s (%s) not queued: %s", job_id, kind, error)
        db.session.rollback()
        _finish(job_id, JobState.FAILED, message=unavailable_message())
        raise QueueUnavailable() from error
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _is_queue_error(error: Exception) -> bool:
    import sqlite3

    import redis

    return isinstance(error, (redis.RedisError, sqlite3.OperationalError, OSError))


def get(job_id: int) -> Job | None:
    """The job as its pages show it: a dead worker's job is failed first (refresh). An id no
    row can have (a hand-edited ?job=) is no job, not a database error."""
    if not 0 < job_id <= DB_INT_MAX:
        return None
    job = db.session.get(Job, job_id)
    if job is not None and job.state == JobState.RUNNING and _stale(job):
        reap_stale()
        db.session.refresh(job)
    return with_live_progress(job) if job is not None else None


def _stale(job: Job) -> bool:
    """Running, but its worker has been silent for JOB_STALE_SECONDS, or it is well past its
    time limit (a worker stuck in one call never reaches its next progress report)."""
    now = utcnow()
    grace = current_app.config["JOB_STALE_SECONDS"]
    if job.started_at and now > job.started_at + timedelta(seconds=job.time_limit_seconds + grace):
        return True
    beat = live_beat(job.id)
    last = max(filter(None, [job.heartbeat_at, job.started_at, job.created_at]))
    if job.started_at:  # the row's age does not vouch for a running job
        last = max(filter(None, [job.heartbeat_at, job.started_at]))
    if beat:
        last = max(last, datetime.fromtimestamp(beat["at"], UTC).replace(tzinfo=None))
    return last < now - timedelta(seconds=grace)


def with_live_progress(job: Job) -> Job:
    """A running job's progress as its heartbeat last told (not written to the database)."""
    if job.state == JobState.RUNNING:
        beat = live_beat(job.id)
        if beat and "done" in beat:
            set_committed_value(job, "progress_done", beat["done"])
            set_committed_value(job, "progress_total", beat["total"])
    return job


def purge_finished(days: int = 90) -> int:
    """Finished jobs older than `days` go: the archive, the imported rows and the access log
    keep what matters; a job row only tells its owner how a click ended."""
    cutoff = utcnow() - timedelta(days=days)
    deleted = db.session.execute(
        sa.delete(Job).where(
            Job.state.in_((JobState.DONE, JobState.FAILED)), Job.created_at < cutoff
        )
    ).rowcount
    db.session.commit()
    return deleted


def reap_stale() -> int:
    """Fail every running job whose worker stopped; returns how many."""
    jobs = db.session.scalars(sa.select(Job).where(Job.state == JobState.RUNNING)).all()
    reaped = 0
    for job in jobs:
        if not _stale(job):
            continue
        with force_locale(job.locale):
            message = _(
                "The background worker stopped while doing this. Nothing was written: please "
                "start it again."
            )
        done = db.session.execute(
            sa.update(Job)
            .where(Job.id == job.id, Job.state == JobState.RUNNING)
            .values(state=JobState.FAILED, message=message, finished_at=utcnow())
        ).rowcount
        reaped += done
        if done:
            log.warning("job %s (%s) failed: its worker stopped heartbeating", job.id, job.kind)
    db.session.commit()
    return reaped


class JobContext:
    """What a handler gets: its job's parameters, the owner, and a progress callback that also
    enforces the time limit (a job over it stops at its next report and rolls back)."""

    def __init__(self, job: Job):
        self.job_id = job.id
        self.kind = job.kind
        self.params = dict(job.params or {})
        self.owner_id = job.owner_id
        self.locale = job.locale
        self.deadline = time.monotonic() + job.time_limit_seconds
        self.time_limit = job.time_limit_seconds
        self.done = 0
        self.total = 0

    @property
    def owner(self) -> User | None:
        return db.session.get(User, self.owner_id) if self.owner_id else None

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise JobTimedOut()


def _beat_key(job_id: int) -> str:
    return f"academy:job-heartbeat:{job_id}"


def live_beat(job_id: int) -> dict | None:
    """The last heartbeat of a running job: {"at": epoch seconds, "done": n, "total": n}.

    Heartbeats live in the queue's storage (Redis, or the queue's own SQLite file), not in the
    app's database: on SQLite a long import holds the database's write lock, and a heartbeat
    written there would wait behind the very job it vouches for. None when there is none, or
    when the queue cannot be read (a reader then does not condemn the job)."""
    from academy.jobs.queue import huey

    try:
        return huey.get(_beat_key(job_id), peek=True)
    except Exception:
        return {"at": time.time(), "unknown": True}


class _Heartbeat(threading.Thread):
    """Writes the job's heartbeat and progress every JOB_HEARTBEAT_SECONDS (sooner when the
    progress moved, at most twice a second) while the job runs."""

    def __init__(self, app, context: JobContext):
        super().__init__(name=f"job-{context.job_id}-heartbeat", daemon=True)
        self.context = context
        self.stopped = threading.Event()
        self.every = app.config["JOB_HEARTBEAT_SECONDS"]

    def beat(self) -> None:
        from academy.jobs.queue import huey

        beat = {"at": time.time(), "done": self.context.done, "total": self.context.total}
        try:
            huey.put(_beat_key(self.context.job_id), beat)
        except Exception as error:  # the queue's storage is down: the reaper will judge
            log.warning("job %s: heartbeat not written: %s", self.context.job_id, error)

    def run(self) -> None:
        last, due = None, 0.0
        self.beat()
        while not self.stopped.wait(0.5):
            now = time.monotonic()
            current = (self.context.done, self.context.total)
            if current != last or now >= due:
                self.beat()
                last, due = current, now + self.every

    def stop(self) -> None:
        from academy.jobs.queue import huey

        self.stopped.set()
        self.join(timeout=5)
        try:
            huey.delete(_beat_key(self.context.job_id))
        except Exception:
            pass


def _finish(
    job_id: int,
    state: JobState,
    message: str | None = None,
    result=None,
    only_from: JobState = JobState.RUNNING,
    done=None,
    total=None,
) -> bool:
    values = {"state": state, "message": message, "result": result, "finished_at": utcnow()}
    if done is not None:
        values.update(progress_done=done, progress_total=total)
    states = (only_from, JobState.QUEUED) if only_from == JobState.RUNNING else (only_from,)
    changed = db.session.execute(
        sa.update(Job).where(Job.id == job_id, Job.state.in_(states)).values(**values)
    ).rowcount
    db.session.commit()
    return bool(changed)


def run(job_id: int) -> None:
    """Claim the job and run its handler in the owner's language; record how it ended."""
    claimed = db.session.execute(
        sa.update(Job)
        .where(Job.id == job_id, Job.state == JobState.QUEUED)
        .values(state=JobState.RUNNING, started_at=utcnow(), heartbeat_at=utcnow())
    ).rowcount
    db.session.commit()
    if not claimed:
        log.warning("job %s is not queued any more: not run again", job_id)
        return
    job = db.session.get(Job, job_id)
    context = JobContext(job)
    app = current_app._get_current_object()
    heartbeat = _Heartbeat(app, context)
    started = time.monotonic()
    with bind_request_id(job.request_id), force_locale(job.locale):
        log.info("job %s (%s) started", job_id, job.kind)
        heartbeat.start()
        try:
            result = HANDLERS[job.kind].run(context)
        except JobFailed as failed:
            db.session.rollback()
            _finish(job_id, JobState.FAILED, message=str(failed))
            log.info("job %s (%s) refused: %s", job_id, job.kind, failed)
        except JobTimedOut:
            db.session.rollback()
            minutes = max(1, context.time_limit // 60)
            _finish(
                job_id,
                JobState.FAILED,
                message=_(
                    "This took longer than %(minutes)s minutes and was stopped. Nothing was "
                    "written.",
                    minutes=minutes,
                ),
            )
            log.error("job %s (%s) over its time limit", job_id, job.kind)
        except Exception:
            db.session.rollback()
            log.exception("job %s (%s) failed", job_id, job.kind)
            _finish(
                job_id,
                JobState.FAILED,
                message=_(
                    "Something went wrong while doing this. Nothing was written: please try again, "
                    "and tell the administrator if it happens again."
                ),
            )
        else:
            _finish(
                job_id, JobState.DONE, result=result or {}, done=context.done, total=context.total
            )
            log.info("job %s (%s) done in %.1f s", job_id, job.kind, time.monotonic() - started)
        finally:
            heartbeat.stop()
            db.session.remove()


def owned_or_none(job_id: int, user: User) -> Job | None:
    """A job is shown only to the person who started it."""
    job = get(job_id)
    if job is None or job.owner_id != user.id:
        return None
    return job


def request_locale() -> str:
    from flask_babel import get_locale

    return str(get_locale()) if has_request_context() else "ko"
