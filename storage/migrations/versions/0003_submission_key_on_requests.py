"""submission key on support requests: one request per button press or form submission

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 21:55:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submission_key", sa.String(length=200), nullable=True))
        batch_op.create_index("uq_requests_submission_key", ["submission_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.drop_index("uq_requests_submission_key")
        batch_op.drop_column("submission_key")
