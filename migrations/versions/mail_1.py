"""mail: outbox, digest items, delivery preferences, e-mail confirmation (accounts that exist
before it count as confirmed: they were made before addresses were checked)

Revision ID: mail_1
Revises: ev_1
Create Date: 2026-12-07 17:43:42.560913

"""
from alembic import op
import sqlalchemy as sa

import civic.db


# revision identifiers, used by Alembic.
revision = 'mail_1'
down_revision = 'ev_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('delivery_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('petition_channel', sa.String(length=10), nullable=False),
    sa.Column('update_mail', sa.String(length=10), nullable=False),
    sa.Column('updated_at', civic.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_delivery_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_delivery_preferences'))
    )
    op.create_table('mail_digest_items',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('digest_key', sa.String(length=200), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', civic.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_digest_items_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_digest_items')),
    sa.UniqueConstraint('user_id', 'key', name='uq_mail_digest_items_user_key')
    )
    with op.batch_alter_table('mail_digest_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_digest_items_digest_key'), ['digest_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_digest_items_user_id'), ['user_id'], unique=False)

    op.create_table('mail_outbox',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('essential', sa.Boolean(), nullable=False),
    sa.Column('unsubscribe_scope', sa.String(length=20), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=False),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('not_before', civic.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=False),
    sa.Column('sent_at', civic.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', civic.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', civic.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_outbox_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')),
    sa.UniqueConstraint('key', 'recipient', name='uq_mail_outbox_key_recipient')
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_mail_outbox_state_not_before', ['state', 'not_before'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_outbox_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', civic.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('pending_email', sa.String(length=254), nullable=True))

    op.execute("UPDATE users SET email_confirmed_at = created_at WHERE email IS NOT NULL")



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('pending_email')
        batch_op.drop_column('email_confirmed_at')

    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_outbox_user_id'))
        batch_op.drop_index('ix_mail_outbox_state_not_before')

    op.drop_table('mail_outbox')
    with op.batch_alter_table('mail_digest_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_digest_items_user_id'))
        batch_op.drop_index(batch_op.f('ix_mail_digest_items_digest_key'))

    op.drop_table('mail_digest_items')
    op.drop_table('delivery_preferences')
