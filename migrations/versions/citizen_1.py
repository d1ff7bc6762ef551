"""Assignees of reports and proposals (issue 21): the staff desk's assignee column

Revision ID: citizen_1
Revises: tidy_1
Create Date: 2026-12-07 21:19:12.282003

"""
from alembic import op
import sqlalchemy as sa

import civic.db


# revision identifiers, used by Alembic.
revision = 'citizen_1'
down_revision = 'tidy_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_proposals_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_proposals_assignee_id_users'), 'users', ['assignee_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reports_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_reports_assignee_id_users'), 'users', ['assignee_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reports_assignee_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reports_assignee_id'))
        batch_op.drop_column('assignee_id')

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proposals_assignee_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_proposals_assignee_id'))
        batch_op.drop_column('assignee_id')
