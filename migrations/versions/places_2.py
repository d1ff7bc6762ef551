"""places: location_precision and the pre-serialised feature properties

Revision ID: places_2
Revises: sec_1
Create Date: 2026-11-30 21:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'places_2'
down_revision = 'sec_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location_precision', sa.String(length=8), server_default='exact',
                                      nullable=False))
        batch_op.add_column(sa.Column('properties_json', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.drop_column('properties_json')
        batch_op.drop_column('location_precision')
