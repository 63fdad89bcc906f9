"""cohort KPI facts name the counting code that wrote them: rows written by other code (before
a release that changes a definition, or by a server of the other version during a rolling
deploy) do not hold, and those cohorts are counted by the engine until counted again

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 02:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    # Rows from before this revision have no name (NULL): none holds, as if they were missing.
    with op.batch_alter_table("cohort_kpi_facts") as batch:
        batch.add_column(sa.Column("counted_by", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("cohort_kpi_facts") as batch:
        batch.drop_column("counted_by")
