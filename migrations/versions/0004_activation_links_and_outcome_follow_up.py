"""activation links and outcome follow-up

One-time activation links (hashes only), contact attempts of the follow-up, and who sent an
outcome back and when, with a check that a returned outcome always says why.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 11:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('activation_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_activation_token_expires_after_creation')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_activation_token_created_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_activation_token_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activation_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_activation_token_token_hash'))
    )
    with op.batch_alter_table('activation_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activation_token_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activation_token_user_id'), ['user_id'], unique=False)

    op.create_table('contact_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('phone', 'email', 'text', 'in_person', name='contact_channel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('result', sa.Enum('reached', 'no_answer', 'left_message', 'wrong_contact', 'sent', 'failed', name='contact_result', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('attempted_at', sa.DateTime(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['user.id'], name=op.f('fk_contact_attempt_by_id_user')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_contact_attempt_enrolment_id_enrolment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_attempt'))
    )
    with op.batch_alter_table('contact_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_attempt_attempted_at'), ['attempted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_attempt_by_id'), ['by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_attempt_enrolment_id'), ['enrolment_id'], unique=False)

    with op.batch_alter_table('outcome_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('returned_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('returned_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outcome_record_returned_by_id'), ['returned_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outcome_record_returned_by_id_user'), 'user', ['returned_by_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_outcome_record_returned_has_reason'), "verification <> 'returned' OR returned_reason IS NOT NULL")


def downgrade():
    with op.batch_alter_table('outcome_record', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outcome_record_returned_has_reason'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_outcome_record_returned_by_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outcome_record_returned_by_id'))
        batch_op.drop_column('returned_at')
        batch_op.drop_column('returned_by_id')

    with op.batch_alter_table('contact_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_attempt_enrolment_id'))
        batch_op.drop_index(batch_op.f('ix_contact_attempt_by_id'))
        batch_op.drop_index(batch_op.f('ix_contact_attempt_attempted_at'))

    op.drop_table('contact_attempt')
    with op.batch_alter_table('activation_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activation_token_user_id'))
        batch_op.drop_index(batch_op.f('ix_activation_token_created_by_id'))

    op.drop_table('activation_token')
