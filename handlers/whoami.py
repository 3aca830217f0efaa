"""`whoami`: the person's user key (to be granted a role by), their accounts on each platform, and what we
know of them."""

from __future__ import annotations

from handlers.context import Context
from handlers.people import PLATFORM_NAMES, identity_text
from handlers.registry import Command, Place
from handlers.reply import Field, Reply

GRANTED = "Give your user key to an admin to be granted a role."


def _platforms(keys: tuple[str, ...]) -> str:
    names = list(dict.fromkeys(PLATFORM_NAMES.get(k.split(":", 1)[0], k) for k in keys))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


async def whoami(ctx: Context, rest: str) -> Reply:
    u = ctx.user
    accounts = await ctx.store.identities(u.key)
    keys = tuple(a.key for a in accounts)
    if not u.email:
        text = (
            f"{GRANTED} I don't know your email, so this account is not linked to any other of yours. "
            f"An admin can link it with: set-email {u.key} ADDRESS"
        )
    elif len(accounts) > 1:
        text = f"Your accounts on {_platforms(keys)} are one person: roles, requests and actions follow you. {GRANTED}"
    else:
        text = f"{GRANTED} Your accounts elsewhere with the email {u.email} will be linked to this one."
    return Reply(
        title=u.display_name,
        text=text,
        personal=True,
        fields=(
            Field("User key", u.key),
            Field("Email", u.email or "unknown"),
            Field("Council", u.council or "unknown"),
            Field("Roles", ", ".join(u.roles) or "none"),
            *(
                Field("Account" if len(accounts) == 1 else f"Account {i}", identity_text(a))
                for i, a in enumerate(accounts, 1)
            ),
        ),
    )


COMMANDS = (
    Command(
        "whoami",
        whoami,
        "whoami",
        "whoami",
        "Your user key, accounts and roles",
        aliases=("me", "roles"),
        offered=frozenset({Place.PERSONAL_CHAT}),
        reads_only=True,
    ),
)
