"""`help` and the welcome: what the assistant can do, read from its commands."""

from __future__ import annotations

from handlers.context import Context
from handlers.registry import Command, Place, Registry, Who
from handlers.reply import Button, Item, Reply
from storage.records import UserRecord


def help_reply(commands: Registry, user: UserRecord) -> Reply:
    """Every command, those this person may not run marked with who may."""
    return Reply(
        title="ICT Assistant: what I can do",
        text="Type a command, or just tell me about an IT problem.",
        items=tuple(
            Item(
                title=c.syntax,
                text=f"{c.summary}{'' if c.who.permits(user) else c.who.help_mark}. Example: {c.example}",
            )
            for c in commands
            if not c.hidden
        ),
    )


async def help_(ctx: Context, rest: str) -> Reply:
    return help_reply(ctx.commands, ctx.user)


def welcome_reply(commands: Registry, *, personal: bool) -> Reply:
    """The first message where the bot is installed: in a personal chat, what anyone can do."""
    if personal:
        return Reply(
            title="Hello, I'm the ICT Assistant",
            text=(
                "I'm the Mid Kent Services ICT service desk and ICT Strategy 2019-2024 tracker for Maidstone, "
                "Swale and Tunbridge Wells. Tell me about an IT problem and I'll raise a request, or ask how "
                "the strategy is going."
            ),
            items=tuple(
                Item(title=c.syntax, text=c.summary)
                for c in commands
                if c.who in (Who.EVERYONE, Who.OWNERS) and not c.hidden
            ),
            buttons=(Button("Strategy status", "status"), Button("Ask ICT for help", "support")),
        )
    return Reply(
        title="ICT Assistant",
        text=(
            "Hello! I track the MKS ICT Strategy 2019-2024 and the ICT service desk. "
            "Mention me with 'status' to see how the plan is going, or 'help' for everything I can do."
        ),
    )


COMMANDS = (
    Command(
        "help",
        help_,
        "help",
        "help",
        "This list",
        aliases=("?", "commands", "hi", "hello", "hey", "start"),
        offered=frozenset(Place),
        hint="help",
        reads_only=True,
    ),
)
