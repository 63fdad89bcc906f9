"""Background jobs: what a person asked the worker to do, and how far it has got."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import db
from academy.models.base import enum_column, utcnow

if TYPE_CHECKING:
    from academy.models.accounts import User


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    """One unit of background work, as its owner sees it.

    The queue (Huey) only carries the job's id; the row is the truth the pages read. A running
    job's worker touches `heartbeat_at` every few seconds: a row whose heartbeat stopped belongs
    to a worker that died, and is failed by academy.jobs.services.reap_stale.
    """

    __table_args__ = (
        sa.CheckConstraint("progress_done >= 0 AND progress_total >= 0", name="progress_positive"),
        sa.CheckConstraint("time_limit_seconds > 0", name="time_limit_positive"),
        sa.Index("ix_job_owner_state", "owner_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    state: Mapped[JobState] = mapped_column(
        enum_column(JobState, "job_state"), default=JobState.QUEUED, index=True
    )
    owner_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    result: Mapped[Optional[dict]] = mapped_column(sa.JSON)
    # What the owner reads when the job failed, already in their language.
    message: Mapped[Optional[str]] = mapped_column(sa.String(1000))
    locale: Mapped[str] = mapped_column(sa.String(10), default="ko")
    request_id: Mapped[Optional[str]] = mapped_column(sa.String(64))
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    time_limit_seconds: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[Optional[datetime]]
    heartbeat_at: Mapped[Optional[datetime]]
    finished_at: Mapped[Optional[datetime]]

    owner: Mapped[Optional["User"]] = relationship()

    @property
    def active(self) -> bool:
        return self.state in (JobState.QUEUED, JobState.RUNNING)

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))
