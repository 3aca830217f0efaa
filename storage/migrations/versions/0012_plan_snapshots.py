"""Snapshots of the plan for the Board report

The plan's figures per action as they stood at each Board meeting and each month's end, written once by the
scheduler's `snapshot` job (or `ictbot report snapshot`); the Board report reads them for "as at" a date,
movement since the last Board and trends.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 23:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("taken_at", UTCDateTime(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("on", "kind", name="uq_plan_snapshots_on_kind"),
    )


def downgrade() -> None:
    op.drop_table("plan_snapshots")
