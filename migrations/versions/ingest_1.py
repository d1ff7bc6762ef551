"""Relayed alerts (issue 23): where an alert came from, and the polled sources

Revision ID: ingest_1
Revises: staff_1
Create Date: 2026-12-07 17:43:53.396378

"""
from alembic import op
import sqlalchemy as sa

import civic.db


# revision identifiers, used by Alembic.
revision = 'ingest_1'
down_revision = 'staff_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('alert_ingest_sources',
    sa.Column('url', sa.String(length=1024), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('etag', sa.String(length=200), nullable=False),
    sa.Column('last_modified', sa.String(length=64), nullable=False),
    sa.Column('polled_at', civic.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('succeeded_at', civic.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('retry_at', civic.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_ingest_sources')),
    sa.UniqueConstraint('url', name=op.f('uq_alert_ingest_sources_url'))
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('source_ref', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('source_name', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('source_sent_at', civic.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint('uq_alerts_source_ref', ['source', 'source_ref'])



def downgrade():
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_constraint('uq_alerts_source_ref', type_='unique')
        batch_op.drop_column('source_sent_at')
        batch_op.drop_column('source_name')
        batch_op.drop_column('source_ref')
        batch_op.drop_column('source')

    op.drop_table('alert_ingest_sources')
