"""instructors, internships, certifications and the exam-fee subsidy

Evidence file names beside their stored names, the cohort an exam was sat with, the campus of a
placement and of a subsidy claim, the early close of a subsidy programme, and two checks: an exam
fee is never negative and a rejected claim always says why.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('career_period', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_name', sa.String(length=255), nullable=True))

    with op.batch_alter_table('exam_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cohort_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('evidence_name', sa.String(length=255), nullable=True))
        batch_op.create_index(batch_op.f('ix_exam_attempt_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_exam_attempt_cohort_id_cohort'), 'cohort', ['cohort_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_exam_attempt_fee_paid_not_negative'), 'fee_paid >= 0')

    with op.batch_alter_table('internship_placement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campus_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_internship_placement_campus_id'), ['campus_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_internship_placement_campus_id_campus'), 'campus', ['campus_id'], ['id'])

    with op.batch_alter_table('subsidy_programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_early_on', sa.Date(), nullable=True))

    with op.batch_alter_table('subsidy_claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campus_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('receipt_name', sa.String(length=255), nullable=True))
        batch_op.create_index(batch_op.f('ix_subsidy_claim_campus_id'), ['campus_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_subsidy_claim_campus_id_campus'), 'campus', ['campus_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_subsidy_claim_rejection_has_reason'), "status <> 'rejected' OR decision_reason IS NOT NULL")


def downgrade():
    with op.batch_alter_table('subsidy_claim', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_subsidy_claim_rejection_has_reason'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_subsidy_claim_campus_id_campus'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_subsidy_claim_campus_id'))
        batch_op.drop_column('receipt_name')
        batch_op.drop_column('campus_id')

    with op.batch_alter_table('subsidy_programme', schema=None) as batch_op:
        batch_op.drop_column('closed_early_on')

    with op.batch_alter_table('internship_placement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_internship_placement_campus_id_campus'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_internship_placement_campus_id'))
        batch_op.drop_column('campus_id')

    with op.batch_alter_table('exam_attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_exam_attempt_fee_paid_not_negative'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_exam_attempt_cohort_id_cohort'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_exam_attempt_cohort_id'))
        batch_op.drop_column('evidence_name')
        batch_op.drop_column('cohort_id')

    with op.batch_alter_table('career_period', schema=None) as batch_op:
        batch_op.drop_column('evidence_name')
