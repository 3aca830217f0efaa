"""SLA clocks that stop while a request waits on the requester

Requests waiting when this runs keep their due time; their clock stops from their next change. Requests
raised before have no at-risk time: they are at risk, as before, in the last quarter of their window.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 12:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sla_at_risk", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("sla_paused_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("sla_paused_seconds", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.drop_column("sla_paused_seconds")
        batch_op.drop_column("sla_paused_at")
        batch_op.drop_column("sla_at_risk")
