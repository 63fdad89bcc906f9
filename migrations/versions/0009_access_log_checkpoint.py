"""access log checkpoint: the last entry the review page found whole, so the page checks only
the entries written since (the command-line verify still checks the whole chain)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 13:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "access_log_checkpoint",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("verified_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log_checkpoint")),
    )


def downgrade():
    op.drop_table("access_log_checkpoint")
