"""The last exchange with each person in each conversation, so a short follow-up ("yes", "it's still broken")
is read in its light on any replica and after a restart

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_contexts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_key", sa.String(length=200), nullable=False),
        sa.Column("conversation", sa.String(length=300), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("offer", sa.Text(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["support_requests.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_conversation_contexts_person", "conversation_contexts", ["user_key", "conversation", "at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_conversation_contexts_person", table_name="conversation_contexts")
    op.drop_table("conversation_contexts")
