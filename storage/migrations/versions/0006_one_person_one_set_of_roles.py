"""a person's identities (users sharing one email) hold the same roles

Before 0006 a Slack, a Teams and a console user with the same email were separate people, each with its own
roles. From now on they are one person (storage.users), whose roles every identity holds; this brings the
existing users into line: each identity gets every role any identity with its email holds. Nothing is
taken away, so nobody loses access on upgrade. The downgrade leaves the roles as they are (they were valid
roles before too).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 11:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ROLES = ("is_agent", "is_admin", "is_lead")


def upgrade() -> None:
    users = sa.table(
        "users", sa.column("id", sa.Integer), sa.column("email", sa.String), *(sa.column(r, sa.Boolean) for r in ROLES)
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(users).where(users.c.email.is_not(None))).mappings().all()
    people: dict[str, list] = {}
    for row in rows:
        people.setdefault(row["email"].strip().lower(), []).append(row)
    for identities in people.values():
        if len(identities) < 2:
            continue
        held = {r: any(bool(i[r]) for i in identities) for r in ROLES}
        for identity in identities:
            if any(bool(identity[r]) != held[r] for r in ROLES):
                conn.execute(sa.update(users).where(users.c.id == identity["id"]).values(**held))


def downgrade() -> None:
    pass
