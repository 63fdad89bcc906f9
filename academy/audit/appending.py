"""Writing entries: building them, chaining them at flush time, writing a request's entries
once its page is rendered."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import (
    abort,
    g,
    has_request_context,
    request,
)
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from academy.audit.chain import (
    GENESIS_HASH,
    LOCK_NAME,
    MAX_REASON,
    canonical,
    compute_hash,
    keep_until,
)
from academy.database import bulk_insert
from academy.extensions import db
from academy.models import (
    AccessAction,
    AccessLog,
    AccessLogAnchor,
    User,
    utcnow,
)

log = logging.getLogger(__name__)


def serialize_appends(session: Session) -> None:
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
    serialize_appends(session)
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
    bulk_insert(session, AccessLog, [{c: getattr(e, c) for c in columns} for e in entries])


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
    by_id: int | None = None,
    plain: bool = False,
) -> AccessLog | PendingEntry:
    """An unsaved entry. `subject` is a model instance, a (type, id) pair or a type name;
    `trainee_ids` lists everyone a page showed (one entry per page, not one per person).
    `by_id` names the actor for a caller that holds only the account's id (the e-mail and role
    are read when the entry is written). plain=True gives a PendingEntry, for append_many only."""
    subject_type, subject_id = _subject(subject)
    if trainee_ids is not None:
        ids = sorted(set(trainee_ids))
        detail = {**(detail if isinstance(detail, dict) else {}), "trainees": ids}
        if len(ids) == 1 and trainee_id is None:
            trainee_id = ids[0]
    if isinstance(detail, dict):
        detail = canonical(detail).decode()
    if by is None and by_id is None and has_request_context() and current_user.is_authenticated:
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
        user_id=by.id if by is not None else by_id,
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


def write_pending(response):
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
