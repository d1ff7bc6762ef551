"""jobs: the durable queue of the embedded job pool (JOBS_BACKEND=pool, the default without Redis);
alerts.planned_at: when a fan-out's delivery rows were all written (an alert is sent only after it)

Revision ID: alertsend_1
Revises: statperf_1
Create Date: 2026-12-07 17:48:56.276127

"""
from alembic import op
import sqlalchemy as sa

import civic.db


# revision identifiers, used by Alembic.
revision = 'alertsend_1'
down_revision = 'statperf_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('planned_at', civic.db.UTCDateTime(timezone=True), nullable=True))
    # Alerts sent before this version were planned in one statement: planned when sent.
    op.execute("UPDATE alerts SET planned_at = sent_at WHERE status <> 'draft'")
    op.create_table('jobs',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('queue', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.LargeBinary(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('retry_intervals', sa.String(length=100), nullable=False),
    sa.Column('run_at', civic.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lease_until', civic.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('owner', sa.String(length=32), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('finished_at', civic.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', civic.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_state_run_at', ['state', 'run_at'], unique=False)



def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_state_run_at')

    op.drop_table('jobs')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_column('planned_at')
