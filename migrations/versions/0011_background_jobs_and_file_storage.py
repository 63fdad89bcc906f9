"""background jobs and file storage: the job table the worker and the pages share, and archived
reports kept in the report store (storage_key) instead of the database

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "queued",
                "running",
                "done",
                "failed",
                name="job_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),  # fmt: skip
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("message", sa.String(length=1000), nullable=True),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("progress_done", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=False),
        sa.Column("time_limit_seconds", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "progress_done >= 0 AND progress_total >= 0", name=op.f("ck_job_progress_positive")
        ),
        sa.CheckConstraint("time_limit_seconds > 0", name=op.f("ck_job_time_limit_positive")),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"], name=op.f("fk_job_owner_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index("ix_job_owner_state", ["owner_id", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_created_at"), ["created_at"], unique=False)

    with op.batch_alter_table("archived_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("storage_key", sa.String(length=300), nullable=True))
        batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=True)
        batch_op.create_check_constraint(
            "content_or_storage_key", "content IS NOT NULL OR storage_key IS NOT NULL"
        )


def downgrade():
    # Reports kept only in the store cannot come back into the database: refuse rather than
    # lose them silently.
    connection = op.get_bind()
    stored = connection.execute(
        sa.text("SELECT count(*) FROM archived_report WHERE content IS NULL")
    ).scalar()
    if stored:
        raise RuntimeError(
            f"{stored} archived reports live only in the report store; export them first"
        )
    with op.batch_alter_table("archived_report", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_archived_report_content_or_storage_key"), type_="check")
        batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("storage_key")
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_created_at"))
        batch_op.drop_index(batch_op.f("ix_job_state"))
        batch_op.drop_index("ix_job_owner_state")
    op.drop_table("job")
