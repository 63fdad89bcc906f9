"""Retention: purging entries whose keeping period has ended, and nothing younger."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from academy.audit.appending import entry, serialize_appends
from academy.audit.checking import verify_chain
from academy.clock import SEOUL
from academy.extensions import db
from academy.models import (
    AccessAction,
    AccessLog,
    AccessLogAnchor,
    User,
)


@contextmanager
def purge_allowed(connection: Connection) -> Iterator[None]:
    """Let this connection delete log rows for the statements run inside the block.

    For the retention purge, and for wiping a whole database (demo reset, test fixtures)."""
    if connection.dialect.name == "sqlite":
        switch = connection.connection.info.setdefault("academy_purge", [False])
        switch[0] = True
        try:
            yield
        finally:
            switch[0] = False
        return
    connection.exec_driver_sql("SET LOCAL academy.purge = 'on'")
    yield  # on an error the transaction rolls back, and SET LOCAL with it
    connection.exec_driver_sql("SET LOCAL academy.purge = 'off'")


@event.listens_for(Engine, "connect")
def _register_purge_switch(dbapi_connection, connection_record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        switch = connection_record.info.setdefault("academy_purge", [False])
        dbapi_connection.create_function("academy_purge_allowed", 0, lambda: int(switch[0]))


class PurgeRefused(RuntimeError):
    """The chain is broken: purging now would destroy the evidence."""


@dataclass(frozen=True)
class PurgeResult:
    deleted: int
    first_kept_seq: int | None


def purge(today: date | None = None, by: User | None = None) -> PurgeResult:
    """Delete the entries whose retention has ended, oldest first, and nothing younger.

    Only the oldest run of expired entries goes (an entry still kept, such as a role grant in
    its third year, keeps every later entry too), so the rest of the chain stays whole; an
    anchor records the hash the first kept entry links to, and a purge entry is appended.
    """
    today = today or datetime.now(SEOUL).date()
    broken = verify_chain()
    if broken is not None:
        raise PurgeRefused(f"the chain is broken at entry {broken.seq}: {broken.problem}")
    serialize_appends(db.session())
    first_kept = db.session.scalar(
        sa.select(sa.func.min(AccessLog.seq)).where(AccessLog.keep_until >= today)
    )
    doomed = sa.select(AccessLog.seq, AccessLog.entry_hash).order_by(AccessLog.seq.desc())
    if first_kept is not None:
        doomed = doomed.where(AccessLog.seq < first_kept)
    last = db.session.execute(doomed.limit(1)).first()
    if last is None:
        db.session.rollback()
        return PurgeResult(0, first_kept)
    connection = db.session.connection()
    with purge_allowed(connection):
        deleted = connection.execute(
            sa.delete(AccessLog.__table__).where(AccessLog.__table__.c.seq <= last.seq)
        ).rowcount
    db.session.add(
        AccessLogAnchor(
            first_seq=last.seq + 1, prev_hash=last.entry_hash, purged=deleted, purged_before=today
        )
    )
    db.session.flush()  # the purge entry below links to the anchor when nothing else is left
    db.session.add(
        entry(
            AccessAction.PURGE,
            subject="access_log",
            detail={"deleted": deleted, "through_seq": last.seq, "before": today.isoformat()},
            by=by,
        )
    )
    db.session.commit()
    return PurgeResult(deleted, last.seq + 1)
