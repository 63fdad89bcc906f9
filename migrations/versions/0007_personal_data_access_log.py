"""personal-data access log (접속기록): account snapshot, person concerned, reason, retention,
hash chain, purge anchors, and triggers that make both tables append-only

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 13:00:00

"""

import hashlib
import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OLD_ACTIONS = ("view", "create", "update", "delete", "export", "download", "login",
               "login_failed", "logout")  # fmt: skip
NEW_ACTIONS = ("view", "create", "update", "delete", "print", "export", "download", "login",
               "login_failed", "logout", "role_grant", "role_revoke", "purge")  # fmt: skip
TABLES = ("access_log", "access_log_anchor")

# The trigger text as of this revision (academy/models/audit.py builds the same for create_all).
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


def _check(actions: tuple[str, ...]) -> str:
    return "action IN (" + ", ".join(f"'{a}'" for a in actions) + ")"


def _triggers(dialect: str, table: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION academy_append_only()",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION academy_append_only()",
        ]
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        "WHEN NOT academy_purge_allowed() "
        "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
    ]


def _trigger_names(dialect: str, table: str) -> list[str]:
    if dialect == "postgresql":
        return [f"{table}_append_only", f"{table}_no_truncate"]
    return [f"{table}_no_update", f"{table}_no_delete"]


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _chain_existing_rows(bind) -> None:
    """Entries written before the chain existed join it in id order, with the account as it
    is now (the best snapshot left) and two years' retention from their Seoul date."""
    seoul = ZoneInfo("Asia/Seoul")
    users = {
        row.id: (row.email, row.role)
        for row in bind.execute(sa.text('SELECT id, email, role FROM "user"'))
    }
    rows = bind.execute(
        sa.text(
            "SELECT id, at, user_id, ip_address, action, subject_type, subject_id, detail "
            "FROM access_log ORDER BY id"
        )
    ).all()
    prev_hash = "0" * 64
    for seq, row in enumerate(rows, start=1):
        at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(row.at)
        email, role = users.get(row.user_id, (None, None))
        keep = _add_years(at.replace(tzinfo=UTC).astimezone(seoul).date(), 2)
        trainee_id = row.subject_id if row.subject_type == "trainee" else None
        fields = {
            "seq": seq,
            "at": at.isoformat(timespec="microseconds"),
            "user_id": row.user_id,
            "actor_email": email,
            "actor_role": role,
            "ip_address": row.ip_address,
            "trainee_id": trainee_id,
            "action": row.action,
            "subject_type": row.subject_type,
            "subject_id": row.subject_id,
            "reason": None,
            "detail": row.detail,
            "keep_until": keep.isoformat(),
            "prev_hash": prev_hash,
        }
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        entry_hash = hashlib.sha256(canonical.encode()).hexdigest()
        bind.execute(
            sa.text(
                "UPDATE access_log SET seq = :seq, actor_email = :email, actor_role = :role, "
                "trainee_id = :trainee_id, keep_until = :keep, prev_hash = :prev, "
                "entry_hash = :hash WHERE id = :id"
            ),
            {
                "seq": seq,
                "email": email,
                "role": role,
                "trainee_id": trainee_id,
                "keep": keep,
                "prev": prev_hash,
                "hash": entry_hash,
                "id": row.id,
            },  # fmt: skip
        )
        prev_hash = entry_hash


def upgrade():
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("actor_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("actor_role", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("trainee_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("keep_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))
        batch_op.alter_column(
            "detail", existing_type=sa.String(length=500), type_=sa.Text(), existing_nullable=True
        )
        batch_op.drop_constraint(batch_op.f("ck_access_log_access_action"), type_="check")
        batch_op.create_check_constraint("access_action", _check(NEW_ACTIONS))

    _chain_existing_rows(op.get_bind())

    with op.batch_alter_table("access_log", schema=None) as batch_op:
        for column, type_ in (("seq", sa.BigInteger()), ("keep_until", sa.Date()),
                              ("prev_hash", sa.String(length=64)),
                              ("entry_hash", sa.String(length=64))):  # fmt: skip
            batch_op.alter_column(column, existing_type=type_, nullable=False)
        batch_op.create_index(batch_op.f("ix_access_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_access_log_actor_email"), ["actor_email"])
        batch_op.create_index(batch_op.f("ix_access_log_keep_until"), ["keep_until"])
        batch_op.create_index(batch_op.f("ix_access_log_trainee_id"), ["trainee_id"])
        batch_op.create_unique_constraint(batch_op.f("uq_access_log_seq"), ["seq"])
        batch_op.create_unique_constraint(batch_op.f("uq_access_log_prev_hash"), ["prev_hash"])
        batch_op.create_unique_constraint(batch_op.f("uq_access_log_entry_hash"), ["entry_hash"])

    op.create_table(
        "access_log_anchor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("first_seq", sa.BigInteger(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("purged", sa.Integer(), nullable=False),
        sa.Column("purged_before", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log_anchor")),
    )

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
    for table in TABLES:
        for statement in _triggers(dialect, table):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        for name in _trigger_names(dialect, table):
            op.execute(
                f"DROP TRIGGER IF EXISTS {name} ON {table}"
                if dialect == "postgresql"
                else f"DROP TRIGGER IF EXISTS {name}"
            )
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS academy_append_only()")
    op.drop_table("access_log_anchor")
    # Entries the old schema cannot hold: actions it did not know, details over 500 characters.
    op.execute("DELETE FROM access_log WHERE NOT (" + _check(OLD_ACTIONS) + ")")
    op.execute("UPDATE access_log SET detail = substr(detail, 1, 500)")
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_access_log_entry_hash"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_access_log_prev_hash"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_access_log_seq"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_access_log_trainee_id"))
        batch_op.drop_index(batch_op.f("ix_access_log_keep_until"))
        batch_op.drop_index(batch_op.f("ix_access_log_actor_email"))
        batch_op.drop_index(batch_op.f("ix_access_log_action"))
        batch_op.drop_constraint(batch_op.f("ck_access_log_access_action"), type_="check")
        batch_op.create_check_constraint("access_action", _check(OLD_ACTIONS))
        batch_op.alter_column(
            "detail", existing_type=sa.Text(), type_=sa.String(length=500), existing_nullable=True
        )
        for column in ("entry_hash", "prev_hash", "keep_until", "reason", "trainee_id",
                       "actor_role", "actor_email", "seq"):  # fmt: skip
            batch_op.drop_column(column)
