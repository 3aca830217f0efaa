"""Where requests come from, what the desk last said, major incidents and links to strategy actions

Adds a request's work setting (home, office, out in the borough) and the person's remembered one; the latest
public comment and internal note (shown on the triage post); when the requester last replied and awaits the
desk; major incidents (INC-n) that requests can join; and links from requests to strategy actions. Requests
raised before keep no work setting (the desk report counts them as "not known").

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 14:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("opened_by_key", sa.String(length=200), nullable=False),
        sa.Column("opened_by_name", sa.String(length=200), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "request_action_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("linked_by", sa.String(length=200), nullable=False),
        sa.Column("linked_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["support_requests.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id", "action_id", name="uq_request_action_link"),
    )
    op.create_index("ix_request_action_links_action_id", "request_action_links", ["action_id"])
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("work_setting", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("latest_comment", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("latest_note", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("requester_replied_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_support_requests_incident_id", "incidents", ["incident_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("work_setting", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("work_setting")
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.drop_constraint("fk_support_requests_incident_id", type_="foreignkey")
        batch_op.drop_column("incident_id")
        batch_op.drop_column("requester_replied_at")
        batch_op.drop_column("latest_note")
        batch_op.drop_column("latest_comment")
        batch_op.drop_column("work_setting")
    op.drop_index("ix_request_action_links_action_id", table_name="request_action_links")
    op.drop_table("request_action_links")
    op.drop_table("incidents")
