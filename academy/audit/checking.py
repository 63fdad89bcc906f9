"""Checking the chain: all of it, or from the checkpoint the review page remembers."""

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from academy.audit.chain import GENESIS_HASH, compute_hash
from academy.extensions import db
from academy.models import (
    AccessLog,
    AccessLogAnchor,
    AccessLogCheckpoint,
    utcnow,
)


@dataclass(frozen=True)
class ChainBreak:
    """The first entry where the chain does not hold, and why."""

    seq: int
    entry_id: int | None
    problem: str


def _entries_in_order(after_seq: int | None = None, batch: int = 2000) -> Iterator[sa.Row]:
    columns = [c for c in AccessLog.__table__.c]
    last_seq = after_seq
    while True:
        select = sa.select(*columns).order_by(AccessLog.seq).limit(batch)
        if last_seq is not None:
            select = select.where(AccessLog.seq > last_seq)
        rows = db.session.execute(select).all()
        yield from rows
        if len(rows) < batch:
            return
        last_seq = rows[-1].seq


def chain_start() -> tuple[int, str]:
    """Where the kept chain starts: after the latest purge anchor, else at 1 from genesis."""
    anchor = db.session.execute(
        sa.select(AccessLogAnchor.first_seq, AccessLogAnchor.prev_hash)
        .order_by(AccessLogAnchor.id.desc())
        .limit(1)
    ).first()
    return (anchor.first_seq, anchor.prev_hash) if anchor else (1, GENESIS_HASH)


@dataclass(frozen=True)
class _Walk:
    broken: ChainBreak | None
    last: tuple[int, str] | None  # the last entry found whole
    checked: int


def _walk(expected_seq: int, expected_prev: str, after_seq: int | None = None) -> _Walk:
    last, checked = None, 0
    for row in _entries_in_order(after_seq):
        checked += 1
        if row.seq != expected_seq:
            return _Walk(
                ChainBreak(row.seq, row.id, f"entry {expected_seq} is missing"), last, checked
            )
        if row.prev_hash != expected_prev:
            return _Walk(
                ChainBreak(row.seq, row.id, "does not link to the entry before it"), last, checked
            )
        if compute_hash(row) != row.entry_hash:
            return _Walk(ChainBreak(row.seq, row.id, "its contents were changed"), last, checked)
        expected_seq, expected_prev = row.seq + 1, row.entry_hash
        last = (row.seq, row.entry_hash)
    return _Walk(None, last, checked)


def verify_chain() -> ChainBreak | None:
    """None when every entry hashes to its stored hash and links to the one before, from the
    latest purge anchor (or the genesis hash) on; else the first entry that does not."""
    return _walk(*chain_start()).broken


@dataclass(frozen=True)
class ChainCheck:
    """What the review page found: the first break (or None), the last entry known whole, how
    many entries it hashed now, and whether it started from the remembered checkpoint."""

    broken: ChainBreak | None
    through_seq: int | None
    checked: int
    from_checkpoint: bool


CHECKPOINT_ID = 1


def verify_since_checkpoint() -> ChainCheck:
    """The chain from the last entry found whole, and the checkpoint moved to the newest entry.

    The checkpoint's own entry is hashed again and must still carry the remembered hash; if it
    does not, or the checkpoint is older than the latest purge, the whole chain is checked.
    An entry that was checked once and has since disappeared (the newest entries deleted
    outside the application, which no walk of the remaining chain can see) is a break too.
    Entries before the checkpoint are left to `flask academy audit verify`, the full check.
    """
    start_seq, start_prev = chain_start()
    checkpoint = db.session.get(AccessLogCheckpoint, CHECKPOINT_ID)
    if checkpoint is not None and checkpoint.seq >= start_seq:
        row = db.session.execute(
            sa.select(*AccessLog.__table__.c).where(AccessLog.seq == checkpoint.seq)
        ).first()
        if row is None:
            walk = _walk(start_seq, start_prev)
            broken = walk.broken or ChainBreak(
                checkpoint.seq, None, f"entry {checkpoint.seq}, checked before, is missing"
            )
            return ChainCheck(broken, None, walk.checked, False)
        if row.entry_hash == checkpoint.entry_hash and compute_hash(row) == row.entry_hash:
            walk = _walk(row.seq + 1, row.entry_hash, after_seq=row.seq)
            if walk.broken is None:
                _remember(walk.last)
            through = walk.last[0] if walk.last else row.seq
            return ChainCheck(walk.broken, through, walk.checked + 1, True)
    walk = _walk(start_seq, start_prev)
    if walk.broken is None:
        _remember(walk.last)
    return ChainCheck(walk.broken, walk.last[0] if walk.last else None, walk.checked, False)


def _remember(last: tuple[int, str] | None) -> None:
    """Move the checkpoint forward, never back (two reviewers at once both move it forward),
    in its own short transaction."""
    if last is None:
        return
    seq, entry_hash = last
    table = AccessLogCheckpoint.__table__
    values = {"seq": seq, "entry_hash": entry_hash, "verified_at": utcnow()}
    try:
        moved = db.session.execute(
            sa.update(table).where(table.c.id == CHECKPOINT_ID, table.c.seq < seq).values(values)
        ).rowcount
        if not moved and db.session.get(AccessLogCheckpoint, CHECKPOINT_ID) is None:
            db.session.execute(sa.insert(table).values(id=CHECKPOINT_ID, **values))
        db.session.commit()
    except sa.exc.IntegrityError:  # another reviewer wrote the first checkpoint just now
        db.session.rollback()
