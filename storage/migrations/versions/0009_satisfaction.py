"""The requester's answer to "How did we do?" on a resolved request: a score of 1-5 and a comment

Requests resolved before this runs have no rating; their requesters are not asked again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 13:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rating", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rating_comment", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("rated_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("rating_changes", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index("ix_requests_rated_at", ["rated_at"], unique=False)
        batch_op.create_check_constraint("rating_range", "rating IS NULL OR (rating >= 1 AND rating <= 5)")


def downgrade() -> None:
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.drop_constraint("rating_range", type_="check")
        batch_op.drop_index("ix_requests_rated_at")
        batch_op.drop_column("rating_changes")
        batch_op.drop_column("rated_at")
        batch_op.drop_column("rating_comment")
        batch_op.drop_column("rating")
