"""`whoami`: the person's user key (to be granted a role by) and what we know of them."""

from __future__ import annotations

from handlers.context import Context
from handlers.registry import Command, Place
from handlers.reply import Field, Reply


async def whoami(ctx: Context, rest: str) -> Reply:
    u = ctx.user
    return Reply(
        title=u.display_name,
        text="Give this key to an admin to be granted a role.",
        fields=(
            Field("User key", u.key),
            Field("Email", u.email or "unknown"),
            Field("Council", u.council or "unknown"),
            Field("Roles", ", ".join(u.roles) or "none"),
        ),
    )


COMMANDS = (
    Command(
        "whoami",
        whoami,
        "whoami",
        "whoami",
        "Your user key and roles",
        aliases=("me", "roles"),
        offered=frozenset({Place.PERSONAL_CHAT}),
        reads_only=True,
    ),
)
