"""cohort KPI facts: each cohort's counts as of a date, kept by every write, so today's figures
sum one row per cohort instead of classifying every person of the year; and covering indexes
for the year's trainees' exams and internships.

The table starts empty: a cohort without facts is counted by the engine until the nightly
refresh (or `flask kpi refresh-facts`) or its next write fills its row, so the upgrade does not
depend on the application's code.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 14:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COUNTS = ("enrolled", "completers", "early_employed", "excluded", "employed_at_start",
          "employed", "employed_incl_pending", "employed_90d", "quality_employed",
          "quality_employed_incl_pending", "unknown", "cancelled", "non_completers",
          "non_completers_employed", "non_completers_employed_incl_pending",
          "employed_insurance_match",
          "internship_started", "rostered")  # fmt: skip


def upgrade():
    op.create_table(
        "cohort_kpi_facts",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.Column("recorded_at", sa.DateTime(), nullable=True),
        sa.Column("verified_at", sa.DateTime(), nullable=True),
        sa.Column("enrolled_at", sa.DateTime(), nullable=True),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohort.id"],
            name=op.f("fk_cohort_kpi_facts_cohort_id_cohort"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cohort_id", name=op.f("pk_cohort_kpi_facts")),
    )
    with op.batch_alter_table("cohort_kpi_facts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cohort_kpi_facts_valid_until"), ["valid_until"], unique=False
        )
    # The figures that still read people (certifications, internships) look up the year's
    # trainees from its cohorts through these indexes alone; they lead with the trainee, so the
    # single-column trainee indexes go.
    op.drop_index("ix_exam_attempt_trainee_id", "exam_attempt")
    op.drop_index("ix_internship_placement_trainee_id", "internship_placement")
    op.create_index("ix_enrolment_cohort_id_status_trainee_id", "enrolment",
                    ["cohort_id", "status", "trainee_id"])  # fmt: skip
    op.create_index("ix_exam_attempt_trainee_id_sat_on", "exam_attempt",
                    ["trainee_id", "sat_on"],
                    postgresql_include=["certification_id", "result"])  # fmt: skip
    op.create_index("ix_internship_placement_trainee_id_starts_on", "internship_placement",
                    ["trainee_id", "starts_on"],
                    postgresql_include=["status", "opening_id"])  # fmt: skip


def downgrade():
    op.drop_index("ix_internship_placement_trainee_id_starts_on", "internship_placement")
    op.drop_index("ix_exam_attempt_trainee_id_sat_on", "exam_attempt")
    op.drop_index("ix_enrolment_cohort_id_status_trainee_id", "enrolment")
    op.create_index("ix_internship_placement_trainee_id", "internship_placement", ["trainee_id"])
    op.create_index("ix_exam_attempt_trainee_id", "exam_attempt", ["trainee_id"])
    with op.batch_alter_table("cohort_kpi_facts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohort_kpi_facts_valid_until"))
    op.drop_table("cohort_kpi_facts")
