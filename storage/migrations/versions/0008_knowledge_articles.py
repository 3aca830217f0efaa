"""knowledge articles, and what came of offering them (deflections)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 14:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False, server_default=""),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("councils", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "self_help_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_slug", sa.String(length=100), nullable=False),
        sa.Column("article_title", sa.String(length=200), nullable=False),
        sa.Column("person_key", sa.String(length=200), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False, server_default=""),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("submission_key", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["support_requests.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_self_help_outcomes_at", "self_help_outcomes", ["at"], unique=False)
    op.create_index("uq_self_help_outcomes_submission_key", "self_help_outcomes", ["submission_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_self_help_outcomes_submission_key", table_name="self_help_outcomes")
    op.drop_index("ix_self_help_outcomes_at", table_name="self_help_outcomes")
    op.drop_table("self_help_outcomes")
    op.drop_table("kb_articles")
