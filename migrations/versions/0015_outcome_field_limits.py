"""outcome field limits: the job figures take the same ranges in the database as in the outcome
form and the outcomes importer (weekly hours 1–168, contract 1–120 months, pay 0–100,000,000 won)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 14:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# The limits as this revision writes them (the model's Limits may move on; a migration may not).
NEW = {
    "weekly_hours_range": "weekly_hours IS NULL OR weekly_hours BETWEEN 1 AND 168",
    "contract_months_range": "contract_months IS NULL OR contract_months BETWEEN 1 AND 120",
    "monthly_pay_range": "monthly_pay IS NULL OR monthly_pay BETWEEN 0 AND 100000000",
}
OLD = {
    "weekly_hours_range": "weekly_hours IS NULL OR weekly_hours BETWEEN 0 AND 168",
    "contract_months_positive": "contract_months IS NULL OR contract_months > 0",
    "pay_not_negative": "monthly_pay IS NULL OR monthly_pay >= 0",
}


def _refuse_rows_outside(checks: dict[str, str]) -> None:
    """Name the rows the new checks would refuse, rather than fail mid-way on the first."""
    connection = op.get_bind()
    for name, condition in checks.items():
        found = (
            connection.execute(
                sa.text(
                    f"SELECT id FROM outcome_record WHERE NOT ({condition}) ORDER BY id LIMIT 20"
                )
            )
            .scalars()
            .all()
        )
        if found:
            raise RuntimeError(
                f"outcome_record rows outside {name} ({condition}): ids {found}; correct them "
                "(a new version of the outcome) before upgrading"
            )


def _replace(drop: dict[str, str], create: dict[str, str]) -> None:
    with op.batch_alter_table("outcome_record", schema=None) as batch_op:
        for name in drop:
            batch_op.drop_constraint(batch_op.f(f"ck_outcome_record_{name}"), type_="check")
        for name, condition in create.items():
            batch_op.create_check_constraint(name, condition)


def upgrade():
    _refuse_rows_outside(NEW)
    _replace(OLD, NEW)


def downgrade():
    _replace(NEW, OLD)
