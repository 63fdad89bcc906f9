"""Anchoring the head outside the database.

The chain proves that no entry was changed and none removed from the middle; the newest
entries, deleted by someone who can bypass the trigger (the database owner), leave a shorter
chain that still verifies. The anchor keeps the head's sequence number and hash where the
database's owner cannot reach: a file on other storage, or Redis. `flask academy audit
anchor` writes it (a scheduled job calls `write_anchor`), `verify --anchor` checks it.
"""

import json
import os
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

import sqlalchemy as sa
from flask import (
    current_app,
)

from academy.audit.checking import chain_start
from academy.extensions import db
from academy.models import (
    AccessLog,
    utcnow,
)


@dataclass(frozen=True)
class Head:
    seq: int
    entry_hash: str
    at: str  # when the anchor was written (UTC, ISO 8601)


class AnchorError(RuntimeError):
    """The anchor cannot be written or read, or the log no longer holds what it anchored."""


def chain_head() -> tuple[int, str] | None:
    row = db.session.execute(
        sa.select(AccessLog.seq, AccessLog.entry_hash).order_by(AccessLog.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.entry_hash) if row else None


def _redis_key() -> str:
    return current_app.config["AUDIT_ANCHOR_REDIS_KEY"]


def read_anchor(target: str) -> Head | None:
    """The anchor at `target` (a file path, or a redis:// URL), None if none was written."""
    if target.startswith(("redis://", "rediss://", "unix://")):
        import redis

        raw = redis.Redis.from_url(target, socket_timeout=5).get(_redis_key())
    else:
        path = Path(target)
        raw = path.read_bytes() if path.exists() else None
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        return Head(int(data["seq"]), str(data["entry_hash"]), str(data["at"]))
    except (ValueError, KeyError, TypeError) as error:
        raise AnchorError(f"the anchor at {target} is not readable: {error}") from None


def _store_anchor(target: str, head: Head) -> None:
    body = json.dumps({"seq": head.seq, "entry_hash": head.entry_hash, "at": head.at})
    if target.startswith(("redis://", "rediss://", "unix://")):
        import redis

        redis.Redis.from_url(target, socket_timeout=5).set(_redis_key(), body)
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(body)
        out.flush()
        os.fsync(out.fileno())
    tmp.replace(path)


def anchor_problem(anchor: Head | None) -> str | None:
    """Why the log no longer holds the anchored head, or None when it does.

    The anchored entry must still be there with the same hash. An anchored entry older than the
    chain's start was purged by retention, which is allowed (the purge keeps its own anchor)."""
    if anchor is None:
        return None
    start_seq, _ = chain_start()
    if anchor.seq < start_seq:
        return None
    stored = db.session.scalar(sa.select(AccessLog.entry_hash).where(AccessLog.seq == anchor.seq))
    if stored is None:
        head = chain_head()
        newest = head[0] if head else 0
        return (
            f"entry {anchor.seq}, anchored at {anchor.at}, is missing: the log ends at "
            f"entry {newest} (the newest entries were deleted)"
        )
    if stored != anchor.entry_hash:
        return f"entry {anchor.seq} no longer has the hash anchored at {anchor.at}"
    return None


def write_anchor(target: str | None = None) -> Head | None:
    """Anchor the current head at `target` (default: the AUDIT_ANCHOR setting). Refuses when
    the log no longer holds the previous anchor, so a deletion is not papered over by the next
    scheduled run. None when the log is empty."""
    target = target or current_app.config.get("AUDIT_ANCHOR")
    if not target:
        raise AnchorError("no anchor target: set AUDIT_ANCHOR (a file path or a redis:// URL)")
    problem = anchor_problem(read_anchor(target))
    if problem:
        raise AnchorError(problem)
    head = chain_head()
    if head is None:
        return None
    anchored = Head(head[0], head[1], utcnow().replace(tzinfo=UTC).isoformat(timespec="seconds"))
    _store_anchor(target, anchored)
    return anchored
