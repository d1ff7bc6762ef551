"""statistics window rollups (filled by the first dashboard of the day, or `flask stats rebuild`)

Revision ID: statperf_1
Revises: words_1
Create Date: 2026-12-07 17:45:29.850472

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'statperf_1'
down_revision = 'words_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stat_window_starts',
    sa.Column('days', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('days', name=op.f('pk_stat_window_starts'))
    )
    op.create_table('stat_windows',
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=40), nullable=False),
    sa.Column('k1', sa.String(length=40), nullable=False),
    sa.Column('k2', sa.String(length=40), nullable=False),
    sa.Column('k3', sa.String(length=40), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('days', 'metric', 'k1', 'k2', 'k3', name=op.f('pk_stat_windows'))
    )


def downgrade():
    op.drop_table('stat_windows')
    op.drop_table('stat_window_starts')
