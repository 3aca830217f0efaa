"""plan files sent in chat, waiting for the admin to confirm the import

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-14 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uploader_key", sa.String(length=200), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("overwrite", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("retire_missing", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("plan_year", sa.String(length=7), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("plan_uploads")
