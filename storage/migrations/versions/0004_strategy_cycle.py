"""the strategy cycle: owners by identity, change history, retired and carried-forward actions, Board
meetings, job runs, and notices about the plan (not about a request)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 07:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ACTION_COLUMNS = (
    ("owner_key", lambda: sa.Column("owner_key", sa.String(length=200), nullable=True)),
    (
        "deputies",
        lambda: sa.Column("deputies", sa.String(length=1000), nullable=False, server_default=""),
    ),
    ("start", lambda: sa.Column("start", sa.Date(), nullable=True)),
    ("proposed_due", lambda: sa.Column("proposed_due", sa.Date(), nullable=True)),
    ("retired_at", lambda: sa.Column("retired_at", UTCDateTime(), nullable=True)),
    ("carried_from_id", lambda: sa.Column("carried_from_id", sa.Integer(), nullable=True)),
    ("file_values", lambda: sa.Column("file_values", sa.JSON(), nullable=True)),
    ("last_reported_at", lambda: sa.Column("last_reported_at", UTCDateTime(), nullable=True)),
)


def _drop_unique_ref() -> None:
    """The ref alone was unique (an unnamed constraint); now a ref is unique within its plan year."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        return  # the batch below recreates the table from the reflected copy, which we strip of it
    inspector = sa.inspect(bind)
    for constraint in inspector.get_unique_constraints("actions"):
        if constraint["column_names"] == ["ref"]:
            op.drop_constraint(constraint["name"], "actions", type_="unique")


def upgrade() -> None:
    _drop_unique_ref()
    bind = op.get_bind()
    batch_kwargs = {}
    if bind.dialect.name == "sqlite":
        meta = sa.MetaData()
        actions = sa.Table("actions", meta, autoload_with=bind)
        for constraint in list(actions.constraints):
            if isinstance(constraint, sa.UniqueConstraint) and [c.name for c in constraint.columns] == ["ref"]:
                actions.constraints.discard(constraint)
        batch_kwargs = {"copy_from": actions, "recreate": "always"}
    with op.batch_alter_table("actions", schema=None, **batch_kwargs) as batch_op:
        for _name, column in _ACTION_COLUMNS:
            batch_op.add_column(column())
        batch_op.create_foreign_key(
            "fk_actions_carried_from", "actions", ["carried_from_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_unique_constraint("uq_actions_ref_year", ["ref", "plan_year"])
        batch_op.create_index("ix_actions_owner_key", ["owner_key"], unique=False)

    with op.batch_alter_table("action_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), nullable=False, server_default="update"))
        batch_op.add_column(sa.Column("status", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("changes", sa.JSON(), nullable=True))

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column("request_id", existing_type=sa.Integer(), nullable=True)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_lead", sa.Boolean(), nullable=False, server_default=sa.false()))

    op.create_table(
        "board_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("on"),
    )
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("job", "due_at", name="uq_job_runs_job_due"),
    )


def downgrade() -> None:
    op.drop_table("job_runs")
    op.drop_table("board_meetings")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("is_lead")
    op.execute("DELETE FROM notifications WHERE request_id IS NULL")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column("request_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("action_updates", schema=None) as batch_op:
        batch_op.drop_column("changes")
        batch_op.drop_column("status")
        batch_op.drop_column("kind")
    # Carried-forward copies share their ref with the live action; only the live one survives a downgrade.
    op.execute("DELETE FROM actions WHERE status = 'carried forward'")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index("ix_actions_owner_key")
        batch_op.drop_constraint("uq_actions_ref_year", type_="unique")
        batch_op.drop_constraint("fk_actions_carried_from", type_="foreignkey")
        for name, _column in reversed(_ACTION_COLUMNS):
            batch_op.drop_column(name)
        batch_op.create_unique_constraint("uq_actions_ref", ["ref"])
