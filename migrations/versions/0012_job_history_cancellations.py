"""job history and cancellations: each outcome version belongs to a numbered job of the
person, enrolments can be cancelled (취소) before the start or in a course's grace days

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 11:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

OLD_STATUSES = ("enrolled", "waitlisted", "withdrawn", "completed", "not_completed",
                "early_employed")  # fmt: skip
NEW_STATUSES = (*OLD_STATUSES, "cancelled")
OLD_LEAVING = "status NOT IN ('withdrawn', 'early_employed') OR left_on IS NOT NULL"
NEW_LEAVING = "status NOT IN ('withdrawn', 'early_employed', 'cancelled') OR left_on IS NOT NULL"


def _status_check(statuses: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")"


def upgrade():
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cancellation_grace_days", sa.Integer(), server_default="3", nullable=False)
        )
        batch_op.create_check_constraint(
            "cancellation_grace_days_range", "cancellation_grace_days BETWEEN 0 AND 30"
        )
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_enrolment_enrolment_status"), type_="check")
        batch_op.create_check_constraint("enrolment_status", _status_check(NEW_STATUSES))
        batch_op.drop_constraint(batch_op.f("ck_enrolment_leaving_has_a_date"), type_="check")
        batch_op.create_check_constraint("leaving_has_a_date", NEW_LEAVING)
    with op.batch_alter_table("outcome_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("job", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_check_constraint("job_number_positive", "job >= 1")


def downgrade():
    # A cancelled place had never started: under the old schema it was a withdrawal.
    op.execute("UPDATE enrolment SET status = 'withdrawn' WHERE status = 'cancelled'")
    with op.batch_alter_table("outcome_record", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_outcome_record_job_number_positive"), type_="check")
        batch_op.drop_column("job")
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_enrolment_leaving_has_a_date"), type_="check")
        batch_op.create_check_constraint("leaving_has_a_date", OLD_LEAVING)
        batch_op.drop_constraint(batch_op.f("ck_enrolment_enrolment_status"), type_="check")
        batch_op.create_check_constraint("enrolment_status", _status_check(OLD_STATUSES))
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_course_cancellation_grace_days_range"), type_="check"
        )
        batch_op.drop_column("cancellation_grace_days")
