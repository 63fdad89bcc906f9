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

The modules: `chain` (retention and hashing), `appending` (writing entries), `checking` (the
chain and the review page's checkpoint), `anchor` (the head kept outside the database),
`retention` (the purge), `review` (the log page's query) and `reasons` (why a download happens).
Callers use this package's names: `from academy import audit; audit.entry(...)`.
"""

from flask import Flask

from academy.audit.anchor import (
    AnchorError,
    Head,
    anchor_problem,
    chain_head,
    read_anchor,
    write_anchor,
)
from academy.audit.appending import (
    PendingEntry,
    append_many,
    cohort_trainee_ids,
    entry,
    record,
    role_change,
    role_entry,
    write_pending,
)
from academy.audit.chain import (
    ACCESS_RETENTION_YEARS,
    GENESIS_HASH,
    LOCK_NAME,
    MAX_REASON,
    ROLE_ACTIONS,
    ROLE_RETENTION_YEARS,
    canonical,
    compute_hash,
    entry_fields,
    keep_until,
)
from academy.audit.checking import (
    CHECKPOINT_ID,
    ChainBreak,
    ChainCheck,
    chain_start,
    verify_chain,
    verify_since_checkpoint,
)
from academy.audit.reasons import (
    DOWNLOAD_REASONS,
    REASONS_KEY,
    REMEMBERED_REASONS,
    REMEMBERED_TRAINEES,
    ReasonMissing,
    ask_for_reason,
    require_reason,
)
from academy.audit.retention import PurgeRefused, PurgeResult, purge, purge_allowed
from academy.audit.review import MAX_PEOPLE_BY_NAME, LogFilters, log_query

__all__ = [
    "ACCESS_RETENTION_YEARS",
    "CHECKPOINT_ID",
    "DOWNLOAD_REASONS",
    "GENESIS_HASH",
    "LOCK_NAME",
    "MAX_PEOPLE_BY_NAME",
    "MAX_REASON",
    "REASONS_KEY",
    "REMEMBERED_REASONS",
    "REMEMBERED_TRAINEES",
    "ROLE_ACTIONS",
    "ROLE_RETENTION_YEARS",
    "AnchorError",
    "ChainBreak",
    "ChainCheck",
    "Head",
    "LogFilters",
    "PurgeRefused",
    "PurgeResult",
    "ReasonMissing",
    "anchor_problem",
    "PendingEntry",
    "append_many",
    "canonical",
    "chain_head",
    "chain_start",
    "cohort_trainee_ids",
    "compute_hash",
    "entry",
    "entry_fields",
    "keep_until",
    "log_query",
    "purge",
    "purge_allowed",
    "read_anchor",
    "record",
    "register",
    "require_reason",
    "role_change",
    "role_entry",
    "verify_chain",
    "verify_since_checkpoint",
    "write_anchor",
]


def register(app: Flask) -> None:
    app.after_request(write_pending)
    app.register_error_handler(ReasonMissing, ask_for_reason)
