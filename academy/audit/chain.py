"""What an entry is kept for and how it is hashed: retention periods and the canonical form."""

import hashlib
import json
from datetime import UTC, date, datetime

import sqlalchemy as sa

from academy.clock import SEOUL
from academy.models import (
    AccessAction,
    AccessLog,
)

GENESIS_HASH = "0" * 64
ACCESS_RETENTION_YEARS = 2  # 제8조②: at least two years
ROLE_RETENTION_YEARS = 3  # 제5조⑤: granting, changing and revoking access rights, three years
ROLE_ACTIONS = frozenset({AccessAction.ROLE_GRANT, AccessAction.ROLE_REVOKE})
LOCK_NAME = "academy.access_log"
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
