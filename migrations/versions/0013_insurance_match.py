"""employment-insurance matches: the applied match files (deleted past their retention, the row
kept), and the outcome versions each verified

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 13:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "insurance_match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campus_id", sa.Integer(), nullable=True),
        sa.Column("stored_name", sa.String(length=100), nullable=True),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("purged_at", sa.DateTime(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("verified", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("at_start", sa.Integer(), nullable=False),
        sa.CheckConstraint("size_bytes > 0", name=op.f("ck_insurance_match_size_positive")),
        sa.CheckConstraint(
            "(stored_name IS NULL) = (purged_at IS NOT NULL)",
            name=op.f("ck_insurance_match_file_kept_or_purged"),
        ),
        sa.CheckConstraint(
            "rows_read >= 0 AND verified >= 0 AND added >= 0 AND at_start >= 0",
            name=op.f("ck_insurance_match_counts_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["campus_id"], ["campus.id"], name=op.f("fk_insurance_match_campus_id_campus")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user.id"], name=op.f("fk_insurance_match_uploaded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_match")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_insurance_match_stored_name")),
    )
    with op.batch_alter_table("insurance_match", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insurance_match_campus_id"), ["campus_id"])
        batch_op.create_index(batch_op.f("ix_insurance_match_uploaded_by_id"), ["uploaded_by_id"])
        batch_op.create_index(batch_op.f("ix_insurance_match_applied_at"), ["applied_at"])

    with op.batch_alter_table("outcome_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("insurance_match_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_outcome_record_insurance_match_id"), ["insurance_match_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outcome_record_insurance_match_id_insurance_match"),
            "insurance_match",
            ["insurance_match_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("outcome_record", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outcome_record_insurance_match_id_insurance_match"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outcome_record_insurance_match_id"))
        batch_op.drop_column("insurance_match_id")
    with op.batch_alter_table("insurance_match", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insurance_match_applied_at"))
        batch_op.drop_index(batch_op.f("ix_insurance_match_uploaded_by_id"))
        batch_op.drop_index(batch_op.f("ix_insurance_match_campus_id"))
    op.drop_table("insurance_match")
