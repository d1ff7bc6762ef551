"""petition deadlines in legal units (immediate, days, weeks, months, years) and departments'
canned answers (answer templates); the audit log records the actor's own role and department

Revision ID: staff_1
Revises: mail_1
Create Date: 2026-12-07 17:37:59.453298

"""
from alembic import op
import sqlalchemy as sa

import civic.db


# revision identifiers, used by Alembic.
revision = 'staff_1'
down_revision = 'mail_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('petition_answer_templates',
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', civic.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_petition_answer_templates_department_id_departments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_answer_templates'))
    )
    with op.batch_alter_table('petition_answer_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_answer_templates_department_id'), ['department_id'], unique=False)

    with op.batch_alter_table('petition_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_unit', sa.String(length=10), server_default='days', nullable=False))

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_role', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('actor_department_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_audit_log_actor_department_id_departments'), 'departments',
                                    ['actor_department_id'], ['id'])



def downgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_log_actor_department_id_departments'), type_='foreignkey')
        batch_op.drop_column('actor_department_id')
        batch_op.drop_column('actor_role')

    with op.batch_alter_table('petition_types', schema=None) as batch_op:
        batch_op.drop_column('deadline_unit')

    with op.batch_alter_table('petition_answer_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petition_answer_templates_department_id'))

    op.drop_table('petition_answer_templates')
