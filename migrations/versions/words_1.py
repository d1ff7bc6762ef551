"""privacy consents: the version of the personal-data notice each account accepted, and when

Revision ID: words_1
Revises: stats_1
Create Date: 2026-11-30 22:20:00

"""
from alembic import op
import sqlalchemy as sa

import civic.db


# revision identifiers, used by Alembic.
revision = 'words_1'
down_revision = 'stats_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('privacy_consents',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('accepted_at', civic.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', civic.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_privacy_consents_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_consents'))
    )
    with op.batch_alter_table('privacy_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_privacy_consents_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('privacy_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_consents_user_id'))
    op.drop_table('privacy_consents')
