"""접속기록: who viewed, changed, printed or downloaded personal data, as the safeguards standard
(개인정보의 안전성 확보조치 기준, 제8조) requires.

Entries form a hash chain (each stores the previous entry's hash) and the database refuses to
change them: UPDATE always, DELETE unless the retention purge has switched it on for its own
statement (see academy.audit). The chain is written by academy.audit, never by hand.
"""

import enum
import itertools
from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import db
from academy.models.base import enum_column, utcnow

if TYPE_CHECKING:
    from academy.models.accounts import User


class AccessAction(enum.StrEnum):
    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    PRINT = "print"
    EXPORT = "export"
    DOWNLOAD = "download"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    ROLE_GRANT = "role_grant"
    ROLE_REVOKE = "role_revoke"
    PURGE = "purge"


_creation_order = itertools.count()


class AccessLog(db.Model):
    """One access to personal data. `trainee_id` is the person concerned (no foreign key: the
    record must outlive the trainee's data); lists name everyone shown in `detail`."""

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(sa.BigInteger, unique=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)
    # Snapshots: the account as it was at the time, whatever becomes of it later.
    actor_email: Mapped[Optional[str]] = mapped_column(sa.String(254), index=True)
    actor_role: Mapped[Optional[str]] = mapped_column(sa.String(20))
    ip_address: Mapped[Optional[str]] = mapped_column(sa.String(45))
    trainee_id: Mapped[Optional[int]] = mapped_column(index=True)
    action: Mapped[AccessAction] = mapped_column(
        enum_column(AccessAction, "access_action"), index=True
    )
    subject_type: Mapped[str] = mapped_column(sa.String(50))
    subject_id: Mapped[Optional[int]]
    reason: Mapped[Optional[str]] = mapped_column(sa.String(500))
    detail: Mapped[Optional[str]] = mapped_column(sa.Text)
    keep_until: Mapped[date] = mapped_column(index=True)
    prev_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    entry_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    user: Mapped[Optional["User"]] = relationship()

    def __init__(self, **fields) -> None:
        super().__init__(**fields)
        # Entries added in one flush are chained in the order they were made.
        self._order = next(_creation_order)


class AccessLogAnchor(db.Model):
    """Where the chain starts after a retention purge: the first kept entry's seq and the hash
    it must link to. Without an anchor the chain must start at seq 1 from the genesis hash."""

    __tablename__ = "access_log_anchor"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    first_seq: Mapped[int] = mapped_column(sa.BigInteger)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    purged: Mapped[int]
    purged_before: Mapped[date]


class AccessLogCheckpoint(db.Model):
    """The last entry the review page found whole (one row, id 1), so the page hashes only the
    entries written since. A cache, not evidence: `flask academy audit verify` still checks the
    whole chain, and a checkpoint whose entry no longer matches sends the page back to a full
    check. Not append-only: it moves forward as the log grows."""

    __tablename__ = "access_log_checkpoint"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    entry_hash: Mapped[str] = mapped_column(sa.String(64))
    verified_at: Mapped[datetime] = mapped_column(default=utcnow)


# The database refuses to change the log. PostgreSQL: DELETE (and TRUNCATE) only while the purge
# has set `academy.purge` for its transaction (SET LOCAL), UPDATE never. SQLite has no session
# settings: its DELETE trigger asks the function academy_purge_allowed(), which the app registers
# on each of its own connections and switches on only around the purge's DELETE statement; any
# other connection (the sqlite3 shell) lacks the function, so its DELETE fails as well.
POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION academy_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE')
       AND coalesce(current_setting('academy.purge', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the access log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$
"""


def postgresql_triggers(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION academy_append_only()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION academy_append_only()",
    ]


def sqlite_triggers(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        "WHEN NOT academy_purge_allowed() "
        "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
    ]


def _install_triggers(table: sa.Table) -> None:
    sa.event.listen(
        table,
        "after_create",
        sa.DDL(POSTGRESQL_FUNCTION.replace("%", "%%")).execute_if(dialect="postgresql"),
    )
    for statement in postgresql_triggers(table.name):
        sa.event.listen(table, "after_create", sa.DDL(statement).execute_if(dialect="postgresql"))
    for statement in sqlite_triggers(table.name):
        sa.event.listen(table, "after_create", sa.DDL(statement).execute_if(dialect="sqlite"))


_install_triggers(AccessLog.__table__)
_install_triggers(AccessLogAnchor.__table__)
