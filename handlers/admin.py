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
IN_THE_CHANNEL = "Type this in the team channel (or group chat) where new requests should appear, mentioning me."


async def set_triage(ctx: Context, rest: str) -> Reply:
    """Typed by an admin, mentioning the bot, in the Teams channel where new requests should be posted."""
    if ctx.origin.platform != TEAMS:
        return Reply(tone=Tone.WARNING, text=f"This chooses where Teams posts new requests. In Teams: {IN_THE_CHANNEL}")
    if ctx.origin.personal or ctx.origin.channel_reference is None:
        return Reply(tone=Tone.WARNING, text=IN_THE_CHANNEL)
    await ctx.store.save_conversation_reference(TEAMS, TRIAGE_OWNER, ctx.origin.channel_reference)
    log.info("Teams triage conversation set by %s", ctx.user.key)
    return Reply(tone=Tone.SUCCESS, text="New support requests will be posted in this conversation.")


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
