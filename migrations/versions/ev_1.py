"""places.properties_version; stat_open_petitions without a foreign key to petitions

The version of the stored feature properties (`flask places refresh-properties`), and the
open-petitions mirror no longer needs the petitions table (statistics work without that feature).

Revision ID: ev_1
Revises: alertsend_1
Create Date: 2026-12-07 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ev_1'
down_revision = 'alertsend_1'
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows get 0: `flask places refresh-properties` rewrites them in the release phase.
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.add_column(sa.Column('properties_version', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('stat_open_petitions', schema=None) as batch_op:
        batch_op.drop_constraint('fk_stat_open_petitions_petition_id_petitions', type_='foreignkey')


def downgrade():
    with op.batch_alter_table('stat_open_petitions', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_stat_open_petitions_petition_id_petitions', 'petitions', ['petition_id'],
                                    ['id'], ondelete='CASCADE')
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.drop_column('properties_version')
