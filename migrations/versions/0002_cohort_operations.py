"""cohort operations: closing, completion overrides, waitlist promotion, the not-completed status

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 11:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OLD_STATUSES = ("enrolled", "waitlisted", "withdrawn", "completed", "early_employed")
NEW_STATUSES = ("enrolled", "waitlisted", "withdrawn", "completed", "not_completed",
                "early_employed")  # fmt: skip


def _status_check(statuses: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")"


def upgrade():
    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("closed_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cohort_closed_by_id"), ["closed_by_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_cohort_closed_by_id_user"), "user", ["closed_by_id"], ["id"]
        )
        batch_op.create_check_constraint(
            "closed_after_end", "closed_on IS NULL OR closed_on >= ends_on"
        )

    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("promoted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("completion_override_reason", sa.String(length=500), nullable=True)
        )
        batch_op.add_column(sa.Column("completion_overridden_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("completion_overridden_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_enrolment_completion_overridden_by_id"),
            ["completion_overridden_by_id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_enrolment_completion_overridden_by_id_user"),
            "user",
            ["completion_overridden_by_id"],
            ["id"],
        )
        batch_op.drop_constraint(batch_op.f("ck_enrolment_enrolment_status"), type_="check")
        batch_op.create_check_constraint("enrolment_status", _status_check(NEW_STATUSES))
        batch_op.create_check_constraint(
            "override_has_a_reason",
            "(completion_override_reason IS NULL) = (completion_overridden_at IS NULL)",
        )
        batch_op.create_check_constraint(
            "override_only_of_completion",
            "completion_override_reason IS NULL OR status IN ('completed', 'not_completed')",
        )


def downgrade():
    # Nobody is "not completed" under the old schema: they go back to the roster as enrolled.
    op.execute(
        "UPDATE enrolment SET status = 'enrolled', completion_override_reason = NULL, "
        "completion_overridden_at = NULL, completion_overridden_by_id = NULL "
        "WHERE status = 'not_completed'"
    )
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_enrolment_override_only_of_completion"), type_="check"
        )
        batch_op.drop_constraint(batch_op.f("ck_enrolment_override_has_a_reason"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_enrolment_enrolment_status"), type_="check")
        batch_op.create_check_constraint("enrolment_status", _status_check(OLD_STATUSES))
        batch_op.drop_constraint(
            batch_op.f("fk_enrolment_completion_overridden_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_enrolment_completion_overridden_by_id"))
        batch_op.drop_column("completion_overridden_by_id")
        batch_op.drop_column("completion_overridden_at")
        batch_op.drop_column("completion_override_reason")
        batch_op.drop_column("promoted_at")

    with op.batch_alter_table("cohort", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_cohort_closed_after_end"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_cohort_closed_by_id_user"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_cohort_closed_by_id"))
        batch_op.drop_column("closed_by_id")
        batch_op.drop_column("closed_on")
