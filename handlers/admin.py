"""Administrative commands: choosing the Teams conversation where new requests are posted."""

from __future__ import annotations

import logging

from handlers.context import Context
from handlers.registry import Command, Who
from handlers.reply import Reply, Tone

log = logging.getLogger(__name__)

TEAMS = "teams"
#: The owner under which the Teams triage conversation's reference is stored.
TRIAGE_OWNER = "triage"


def in_the_channel(what: str) -> str:
    return f"Type this in the team channel (or group chat) where {what} should appear, mentioning me."


async def choose_teams_conversation(ctx: Context, owner: str, what: str, done: str) -> Reply:
    """Keep the Teams channel (or group chat) this was typed in as where `what` is posted, under `owner`."""
    if ctx.origin.platform != TEAMS:
        return Reply(tone=Tone.WARNING, text=f"This chooses where Teams posts {what}. In Teams: {in_the_channel(what)}")
    if ctx.origin.personal or ctx.origin.channel_reference is None:
        return Reply(tone=Tone.WARNING, text=in_the_channel(what))
    await ctx.store.save_conversation_reference(TEAMS, owner, ctx.origin.channel_reference)
    log.info("Teams %s conversation set by %s", owner, ctx.user.key)
    return Reply(tone=Tone.SUCCESS, text=done)


async def set_triage(ctx: Context, rest: str) -> Reply:
    """Typed by an admin, mentioning the bot, in the Teams channel where new requests should be posted."""
    return await choose_teams_conversation(
        ctx, TRIAGE_OWNER, "new requests", "New support requests will be posted in this conversation."
    )


COMMANDS = (
    Command(
        "set-triage",
        set_triage,
        "set-triage",
        "set-triage",
        "Post new support requests in this Teams channel",
        aliases=("teams set-triage",),
        who=Who.ADMINS,
        refusal="Only an ICT Assistant admin can choose the triage channel.",
    ),
)
