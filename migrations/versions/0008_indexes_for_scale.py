"""Indexes for five years at the 2030 rate (50,000 trainees), checked with benchmarks/explain.py:
a partial index for the outcome verification queue, and no single-column index where a unique
constraint already leads with the column (each cost a write per attendance mark for nothing).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

PENDING = "verification IN ('self_reported', 'evidence_attached', 'returned')"

# (index, table, column): each duplicates the leading column of the table's unique constraint.
REDUNDANT = (
    ("ix_attendance_mark_session_id", "attendance_mark", "session_id"),
    ("ix_class_session_cohort_id", "class_session", "cohort_id"),
    ("ix_enrolment_cohort_id", "enrolment", "cohort_id"),
    ("ix_outcome_record_enrolment_id", "outcome_record", "enrolment_id"),
)


def upgrade():
    for index, table, _ in REDUNDANT:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(index)
    with op.batch_alter_table("outcome_record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outcome_record_pending",
            ["enrolment_id", "version"],
            unique=False,
            postgresql_where=sa.text(PENDING),
            sqlite_where=sa.text(PENDING),
        )


def downgrade():
    with op.batch_alter_table("outcome_record", schema=None) as batch_op:
        batch_op.drop_index("ix_outcome_record_pending")
    for index, table, column in reversed(REDUNDANT):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(index, [column], unique=False)
