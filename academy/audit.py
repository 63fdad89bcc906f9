"""접속기록 (the personal-data access record): writing entries, checking the chain, purging.

Standard: 개인정보의 안전성 확보조치 기준 제8조. Each entry records the account, the time (UTC,
shown in Asia/Seoul), the address, the person concerned and what was done; it is kept at least
two years, role grants and revocations three. Entries are chained: `entry_hash` is the SHA-256 of
the entry's fields and `prev_hash`, the previous entry's hash, so a changed, removed or inserted
row breaks the chain at that point and `verify_chain()` names it.

Every AccessLog added to a session is chained when the session flushes (whoever built it), under
a lock that makes appenders take turns until their transaction ends: an advisory lock on
PostgreSQL, the database write lock (BEGIN IMMEDIATE) on SQLite. `seq` and `prev_hash` are unique,
so even a writer that bypassed the lock could not fork the chain.
"""

import hashlib
import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import (
    Flask,
    abort,
    current_app,
    g,
    has_request_context,
    render_template,
    request,
    session,
)
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from academy.clock import SEOUL
from academy.extensions import db
from academy.models import (
    AccessAction,
    AccessLog,
    AccessLogAnchor,
    AccessLogCheckpoint,
    Trainee,
    User,
    utcnow,
)

log = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
ACCESS_RETENTION_YEARS = 2  # 제8조②: at least two years
ROLE_RETENTION_YEARS = 3  # 제5조⑤: granting, changing and revoking access rights, three years
ROLE_ACTIONS = frozenset({AccessAction.ROLE_GRANT, AccessAction.ROLE_REVOKE})
LOCK_NAME = "academy.access_log"

# Why a person's data leaves the system: the common answers, and "other" with free text.
DOWNLOAD_REASONS = {
    "verification": _l("Verifying a job outcome or evidence"),
    "subsidy": _l("Processing a subsidy claim or payment"),
    "audit": _l("Audit or inspection request"),
    "reporting": _l("Report required by the city"),
    "trainee_request": _l("Request from the trainee concerned"),
    "other": _l("Other (write the reason)"),
}
MAX_REASON = 500


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def keep_until(action: AccessAction, at: datetime) -> date:
    """The last day (Seoul) an entry must be kept; the purge removes it only after that day."""
    seoul_day = at.replace(tzinfo=UTC).astimezone(SEOUL).date()
    years = ROLE_RETENTION_YEARS if action in ROLE_ACTIONS else ACCESS_RETENTION_YEARS
    return _add_years(seoul_day, years)


def canonical(fields: dict) -> bytes:
    """One byte string per entry, whatever the database: sorted keys, no spaces, UTF-8."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_fields(entry: AccessLog | sa.Row) -> dict:
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(timespec="microseconds"),
        "user_id": entry.user_id,
        "actor_email": entry.actor_email,
        "actor_role": entry.actor_role,
        "ip_address": entry.ip_address,
        "trainee_id": entry.trainee_id,
        "action": AccessAction(entry.action).value,
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
        "reason": entry.reason,
        "detail": entry.detail,
        "keep_until": entry.keep_until.isoformat(),
        "prev_hash": entry.prev_hash,
    }


def compute_hash(entry: AccessLog | sa.Row) -> str:
    return hashlib.sha256(canonical(entry_fields(entry))).hexdigest()


# --- appending -----------------------------------------------------------------------------


def _serialize_appends(session: Session) -> None:
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        if not connection.connection.dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    connection.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(LOCK_NAME))))


def _chain_head(session: Session) -> tuple[int, str]:
    """The next seq and the hash it links to: after the last entry, else after the anchor."""
    last = session.execute(
        sa.select(AccessLog.seq, AccessLog.entry_hash).order_by(AccessLog.seq.desc()).limit(1)
    ).first()
    if last is not None:
        return last.seq + 1, last.entry_hash
    anchor = session.execute(
        sa.select(AccessLogAnchor.first_seq, AccessLogAnchor.prev_hash)
        .order_by(AccessLogAnchor.id.desc())
        .limit(1)
    ).first()
    if anchor is not None:
        return anchor.first_seq, anchor.prev_hash
    return 1, GENESIS_HASH


@event.listens_for(Session, "before_flush")
def _chain_new_entries(session: Session, _context, _instances) -> None:
    entries = [obj for obj in session.new if isinstance(obj, AccessLog)]
    if not entries:
        return
    entries.sort(key=lambda entry: getattr(entry, "_order", 0))
    _chain(session, entries)


def _chain(session: Session, entries: list) -> None:
    _fill_snapshots(session, entries)
    _serialize_appends(session)
    seq, prev_hash = _chain_head(session)
    now, kept = utcnow(), {}
    for entry in entries:
        entry.at = entry.at or now
        key = (entry.action, entry.at)
        if key not in kept:
            kept[key] = keep_until(AccessAction(entry.action), entry.at)
        entry.keep_until = kept[key]
        entry.seq, entry.prev_hash = seq, prev_hash
        entry.entry_hash = compute_hash(entry)
        seq, prev_hash = seq + 1, entry.entry_hash


@dataclass(slots=True)
class PendingEntry:
    """An entry for append_many: the AccessLog's columns as plain attributes, without the ORM's
    bookkeeping (building 10,000 AccessLog objects cost more than chaining and inserting them)."""

    action: AccessAction
    subject_type: str
    subject_id: int | None
    trainee_id: int | None
    reason: str | None
    detail: str | None
    user_id: int | None
    actor_email: str | None
    actor_role: str | None
    ip_address: str | None
    at: datetime | None = None
    keep_until: date | None = None
    seq: int | None = None
    prev_hash: str | None = None
    entry_hash: str | None = None


def append_many(entries: list) -> None:
    """Write many unsaved entries (from entry() or role_entry(), best with plain=True) in one
    INSERT, chained as a flush would chain them, in the caller's transaction. For bulk writers:
    the ORM inserts entries one statement each, since it must fetch every new id."""
    if not entries:
        return
    session = db.session()
    session.flush()  # entries already pending take their places in the chain first
    _chain(session, entries)
    columns = [c.key for c in AccessLog.__table__.c if c.key != "id"]
    session.execute(
        sa.insert(AccessLog.__table__), [{c: getattr(e, c) for c in columns} for e in entries]
    )


def _fill_snapshots(session: Session, entries: list[AccessLog]) -> None:
    """Entries built from a user id get the account's e-mail and role as they are now (one
    query for all), and a person's own record names that person."""
    missing = {e.user_id for e in entries if e.user_id is not None and e.actor_email is None}
    accounts = {}
    if missing:
        accounts = {
            row.id: row
            for row in session.execute(
                sa.select(User.id, User.email, User.role).where(User.id.in_(missing))
            )
        }
    for entry in entries:
        account = accounts.get(entry.user_id)
        if account is not None:
            entry.actor_email, entry.actor_role = account.email, str(account.role.value)
        if entry.trainee_id is None and entry.subject_type == "trainee":
            entry.trainee_id = entry.subject_id
        if entry.reason is not None:
            entry.reason = entry.reason[:MAX_REASON]


def _subject(subject) -> tuple[str, int | None]:
    if isinstance(subject, str):
        return subject, None
    if isinstance(subject, tuple):
        return subject
    return subject.__table__.name, subject.id


def entry(
    action: AccessAction,
    *,
    subject,
    trainee_id: int | None = None,
    trainee_ids: Iterable[int] | None = None,
    reason: str | None = None,
    detail: str | dict | None = None,
    by: User | None = None,
    ip_address: str | None = None,
    plain: bool = False,
) -> AccessLog | PendingEntry:
    """An unsaved entry. `subject` is a model instance, a (type, id) pair or a type name;
    `trainee_ids` lists everyone a page showed (one entry per page, not one per person).
    plain=True gives a PendingEntry, for append_many only."""
    subject_type, subject_id = _subject(subject)
    if trainee_ids is not None:
        ids = sorted(set(trainee_ids))
        detail = {**(detail if isinstance(detail, dict) else {}), "trainees": ids}
        if len(ids) == 1 and trainee_id is None:
            trainee_id = ids[0]
    if isinstance(detail, dict):
        detail = canonical(detail).decode()
    if by is None and has_request_context() and current_user.is_authenticated:
        by = current_user
    if ip_address is None and has_request_context():
        ip_address = request.remote_addr
    return (PendingEntry if plain else AccessLog)(
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        trainee_id=trainee_id,
        reason=reason[:MAX_REASON] if reason else None,
        detail=detail,
        user_id=by.id if by is not None else None,
        actor_email=by.email if by is not None else None,
        actor_role=str(by.role.value) if by is not None else None,
        ip_address=ip_address,
    )


def record(action: AccessAction, *, subject, **fields) -> AccessLog:
    """Log an access. In a request the entry is written when the page has been rendered, with
    the request's other entries in one insert and its own commit (the page's objects stay
    loaded, and nothing the view left uncommitted rides along). Outside a request it joins the
    session and the caller's commit."""
    new = entry(action, subject=subject, **fields)
    if has_request_context():
        g.setdefault("audit_entries", []).append(new)
    else:
        db.session.add(new)
    return new


def _write_pending(response):
    entries = g.pop("audit_entries", None)
    if not entries:
        return response
    try:
        db.session.rollback()  # what the view left uncommitted is not part of the record
        db.session.add_all(entries)
        db.session.commit()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        log.exception("access log entry could not be written")
        abort(500)  # no personal data leaves without its record
    return response


# --- checking ------------------------------------------------------------------------------


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


def _chain_start() -> tuple[int, str]:
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
            return _Walk(ChainBreak(row.seq, row.id, f"entry {expected_seq} is missing"),
                         last, checked)  # fmt: skip
        if row.prev_hash != expected_prev:
            return _Walk(ChainBreak(row.seq, row.id, "does not link to the entry before it"),
                         last, checked)  # fmt: skip
        if compute_hash(row) != row.entry_hash:
            return _Walk(ChainBreak(row.seq, row.id, "its contents were changed"), last, checked)
        expected_seq, expected_prev = row.seq + 1, row.entry_hash
        last = (row.seq, row.entry_hash)
    return _Walk(None, last, checked)


def verify_chain() -> ChainBreak | None:
    """None when every entry hashes to its stored hash and links to the one before, from the
    latest purge anchor (or the genesis hash) on; else the first entry that does not."""
    return _walk(*_chain_start()).broken


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
    start_seq, start_prev = _chain_start()
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


# --- anchoring the head outside the database ------------------------------------------------
#
# The chain proves that no entry was changed and none removed from the middle; the newest
# entries, deleted by someone who can bypass the trigger (the database owner), leave a shorter
# chain that still verifies. The anchor keeps the head's sequence number and hash where the
# database's owner cannot reach: a file on other storage, or Redis. `flask academy audit
# anchor` writes it (a scheduled job calls `write_anchor`), `verify --anchor` checks it.


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
    start_seq, _ = _chain_start()
    if anchor.seq < start_seq:
        return None
    stored = db.session.scalar(sa.select(AccessLog.entry_hash).where(AccessLog.seq == anchor.seq))
    if stored is None:
        head = chain_head()
        newest = head[0] if head else 0
        return (f"entry {anchor.seq}, anchored at {anchor.at}, is missing: the log ends at "
                f"entry {newest} (the newest entries were deleted)")  # fmt: skip
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


# --- retention -----------------------------------------------------------------------------


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
    _serialize_appends(db.session())
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


# --- review --------------------------------------------------------------------------------


@dataclass
class LogFilters:
    account: str | None = None  # e-mail fragment
    person: str | None = None  # a trainee id, or a fragment of the trainee's name
    action: AccessAction | None = None
    since: date | None = None  # Seoul dates, both inclusive
    until: date | None = None


def _utc(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), SEOUL).astimezone(UTC).replace(tzinfo=None)


def _names_person(ids: list[int]) -> sa.ColumnElement[bool]:
    """The entry is about one of `ids`, alone or in a list page's `"trainees":[...]`."""
    clauses = [AccessLog.trainee_id.in_(ids)]
    for person in ids:
        clauses += [AccessLog.detail.like(f'%"trainees":[{person}]%'),
                    AccessLog.detail.like(f'%"trainees":[{person},%'),
                    AccessLog.detail.like(f'%,{person},%'),
                    AccessLog.detail.like(f'%,{person}]%')]  # fmt: skip
    return sa.or_(*clauses)


MAX_PEOPLE_BY_NAME = 20


def log_query(filters: LogFilters) -> sa.Select:
    """Entries newest first, narrowed by account, person, action and Seoul date range."""
    select = sa.select(AccessLog).order_by(AccessLog.seq.desc())
    if filters.account:
        select = select.where(AccessLog.actor_email.contains(filters.account.strip().lower(),
                                                             autoescape=True))  # fmt: skip
    if filters.person:
        person = filters.person.strip()
        if person.isdigit():
            ids = [int(person)]
        else:
            ids = db.session.scalars(
                sa.select(Trainee.id)
                .join(User, Trainee.user_id == User.id)
                .where(User.name.contains(person, autoescape=True))
                .limit(MAX_PEOPLE_BY_NAME)
            ).all()
        select = select.where(_names_person(ids)) if ids else select.where(sa.false())
    if filters.action:
        select = select.where(AccessLog.action == filters.action)
    if filters.since:
        select = select.where(AccessLog.at >= _utc(filters.since))
    if filters.until:
        select = select.where(AccessLog.at < _utc(filters.until + timedelta(days=1)))
    return select


# --- reasons for downloads -----------------------------------------------------------------


class ReasonMissing(Exception):
    """A download of someone's personal data was asked for without saying why."""

    def __init__(self, problem: str | None) -> None:
        super().__init__(problem)
        self.problem = problem


REASONS_KEY = "download_reasons"
REMEMBERED_TRAINEES = 50  # the session is a cookie: a day's work, not every trainee ever opened
REMEMBERED_REASONS = 4


def _remembered_reason(trainee_id: int | None) -> str | None:
    kept = session.get(REASONS_KEY)
    if trainee_id is None or not kept:
        return None
    index = kept["trainees"].get(str(trainee_id))
    return kept["reasons"][index] if index is not None else None


def _remember_reason(trainee_id: int | None, reason: str) -> None:
    """Keep the reason for this trainee until sign-out (a sign-in starts an empty session)."""
    if trainee_id is None:
        return
    kept = session.get(REASONS_KEY) or {"reasons": [], "trainees": {}}
    reasons, trainees = kept["reasons"], kept["trainees"]
    trainees.pop(str(trainee_id), None)
    if reason not in reasons:
        reasons.append(reason)
    trainees[str(trainee_id)] = reasons.index(reason)
    while len(trainees) > REMEMBERED_TRAINEES:
        trainees.pop(next(iter(trainees)))  # the trainee whose reason was given longest ago
    # Keep the reasons used most recently (and the trainees they cover), so the cookie stays small.
    last_use = {index: position for position, index in enumerate(trainees.values())}
    used = sorted(last_use, key=last_use.get)[-REMEMBERED_REASONS:]
    renumber = {old: new for new, old in enumerate(used)}
    session[REASONS_KEY] = {
        "reasons": [reasons[i] for i in used],
        "trainees": {t: renumber[i] for t, i in trainees.items() if i in renumber},
    }


def require_reason(trainee_id: int | None = None) -> str:
    """The reason given with this download (a common reason or, for "other", the free text),
    as it will be logged; without one, ReasonMissing shows the person the form to give it.

    For a trainee's files the reason is asked once per trainee per sign-in: the next file of the
    same trainee is logged with the reason already given (each file still has its own entry)."""
    remembered = _remembered_reason(trainee_id)
    if remembered is not None and "reason" not in request.args:
        return remembered
    code = request.args.get("reason", "")
    other = request.args.get("reason_other", "").strip()
    if code not in DOWNLOAD_REASONS:
        raise ReasonMissing(_l("Choose why you need this file.") if "reason" in request.args
                            else None)  # fmt: skip
    if code == "other":
        if len(other) < 4:
            raise ReasonMissing(_l("Write the reason in at least 4 characters."))
        reason = other[:MAX_REASON]
    else:
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            reason = f"{code}: {DOWNLOAD_REASONS[code]}"
    _remember_reason(trainee_id, reason)
    return reason


def _ask_for_reason(missing: ReasonMissing):
    """Not a dead end: the same address again, with the reason fields to fill in."""
    kept = [
        (k, v) for k, v in request.args.items(multi=True) if k not in ("reason", "reason_other")
    ]
    page = render_template(
        "audit/reason.html",
        reasons=DOWNLOAD_REASONS,
        kept=kept,
        problem=missing.problem,
        chosen=request.args.get("reason", ""),
        other=request.args.get("reason_other", ""),
    )
    return page, 422 if missing.problem else 200


def register(app: Flask) -> None:
    app.after_request(_write_pending)
    app.register_error_handler(ReasonMissing, _ask_for_reason)


def cohort_trainee_ids(cohort_id: int) -> list[int]:
    """Everyone on a cohort's roster or waitlist: who a roster, sheet or list page shows."""
    from academy.models import Enrolment

    return list(
        db.session.scalars(sa.select(Enrolment.trainee_id).where(Enrolment.cohort_id == cohort_id))
    )


def role_change(
    action: AccessAction,
    account: User,
    by: User | None = None,
    *,
    reason: str | None = None,
    change: str | None = None,
) -> AccessLog:
    """An unsaved ROLE_GRANT or ROLE_REVOKE entry naming the account's role and campus as they
    are at the call, kept three years (제5조⑤); the caller adds it to the transaction that makes
    the change. `change` says what happened (created, role, campus, disabled, enabled)."""
    return role_entry(
        action,
        user_id=account.id,
        email=account.email,
        role=account.role,
        campus_id=account.campus_id,
        active=account.active,
        by=by,
        reason=reason,
        change=change,
    )


def role_entry(
    action: AccessAction,
    *,
    user_id: int,
    email: str,
    role,
    campus_id: int | None,
    active: bool = True,
    by: User | None = None,
    reason: str | None = None,
    change: str | None = None,
    plain: bool = False,
) -> AccessLog | PendingEntry:
    """role_change() from the account's columns, for writers that insert accounts in bulk and
    hold no User objects (one entry per account, all added to one flush, or with plain=True
    written by append_many)."""
    detail = {"email": email, "role": str(getattr(role, "value", role)), "campus_id": campus_id}
    if not active:
        detail["active"] = False
    if change is not None:
        detail["change"] = change
    return entry(
        action, subject=("user", user_id), detail=detail, reason=reason, by=by, plain=plain
    )
