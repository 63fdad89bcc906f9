"""year picker indexes: the first and last dates of exam attempts, internship placements and
internship openings are read from one end of an index, not by reading every row of every year

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 02:00:00

"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_exam_attempt_sat_on", "exam_attempt", "sat_on"),
    ("ix_internship_placement_starts_on", "internship_placement", "starts_on"),
    ("ix_internship_opening_starts_on", "internship_opening", "starts_on"),
)


def upgrade():
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade():
    for name, table, _column in reversed(INDEXES):
        op.drop_index(name, table_name=table)
