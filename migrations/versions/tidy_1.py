"""Client tokens (Idempotency-Key) on every creation of the JSON API

Revision ID: tidy_1
Revises: ingest_1
Create Date: 2026-12-07 21:07:07.848050

"""
from alembic import op
import sqlalchemy as sa

import civic.db


# revision identifiers, used by Alembic.
revision = 'tidy_1'
down_revision = 'ingest_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('map_points', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_map_points_client_token'), ['client_token'])

    with op.batch_alter_table('petition_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_petition_events_client_token'), ['client_token'])

    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_polls_client_token'), ['client_token'])

    with op.batch_alter_table('proposal_comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_proposal_comments_client_token'), ['client_token'])

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_proposals_client_token'), ['client_token'])

    with op.batch_alter_table('report_updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_report_updates_client_token'), ['client_token'])


def downgrade():
    with op.batch_alter_table('report_updates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_report_updates_client_token'), type_='unique')
        batch_op.drop_column('client_token')

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_proposals_client_token'), type_='unique')
        batch_op.drop_column('client_token')

    with op.batch_alter_table('proposal_comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_proposal_comments_client_token'), type_='unique')
        batch_op.drop_column('client_token')

    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_polls_client_token'), type_='unique')
        batch_op.drop_column('client_token')

    with op.batch_alter_table('petition_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_petition_events_client_token'), type_='unique')
        batch_op.drop_column('client_token')

    with op.batch_alter_table('map_points', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_map_points_client_token'), type_='unique')
        batch_op.drop_column('client_token')
