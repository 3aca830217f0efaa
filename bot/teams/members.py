"""Who sent an activity: our Sender, with the email Teams' roster knows; and who the people mentioned in it
are (looked up once, cached, never slow)."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity

from bot.teams.references import PLATFORM
from handlers import Sender

log = logging.getLogger(__name__)

EMAIL_TTL = 3600.0  # seconds a looked-up email is trusted
MISS_TTL = 600.0  # seconds before a failed lookup is tried again
LOOKUP_TIMEOUT = 1.5  # seconds a reply may wait for the roster
_MARKUP = re.compile(r"</?at\b[^>]*>", re.IGNORECASE)


def user_id_of(activity: Activity) -> str:
    """The stable id: the Entra (AAD) object id Teams sends; the channel id in the Emulator. An activity
    without a sender id never gets here (the route answers 400): there is no shared fallback identity."""
    frm = activity.from_property
    for candidate in (getattr(frm, "aad_object_id", None), getattr(frm, "id", None)):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    raise ValueError("a Teams activity without from.id has no sender")


def sender_key(activity: Activity) -> str:
    return f"{PLATFORM}:{user_id_of(activity)}"


@dataclass(frozen=True, slots=True)
class Member:
    """What the roster says of one member: their Entra (AAD) object id and email."""

    aad_object_id: str | None
    email: str | None


class MemberDirectory:
    """Members looked up with `TeamsInfo.get_member`, cached per member (including misses): the sender's
    email, and who a mention in the text names."""

    def __init__(self, *, timeout: float = LOOKUP_TIMEOUT, clock=time.monotonic):
        self.timeout = timeout
        self.clock = clock
        self._cache: dict[str, tuple[Member | None, float]] = {}
        self.lookups = 0

    async def _member(self, context: TurnContext, member_id: str) -> Member | None:
        cached = self._cache.get(member_id)
        if cached and cached[1] > self.clock():
            return cached[0]
        self.lookups += 1
        member: Member | None = None
        try:
            found = await asyncio.wait_for(TeamsInfo.get_member(context, member_id), self.timeout)
            email = (found.email or found.user_principal_name or "").strip() or None
            member = Member((found.aad_object_id or "").strip() or None, email)
        except Exception as e:  # no roster in this conversation, connector slow or down: carry on without
            log.info("Teams roster lookup for %s failed: %s", member_id, type(e).__name__)
        self._cache[member_id] = (member, self.clock() + (EMAIL_TTL if member and member.email else MISS_TTL))
        return member

    async def email(self, context: TurnContext) -> str | None:
        member = await self._member(context, context.activity.from_property.id)
        return member.email if member else None

    async def sender(self, context: TurnContext) -> Sender:
        activity = context.activity
        name = (activity.from_property.name or "").strip() or "Teams user"
        return Sender(key=sender_key(activity), display_name=name, email=await self.email(context))

    async def people_as_keys(self, context: TurnContext, text: str) -> str:
        """`text` with each person's `<at>Name</at>` mention written as their user key (`@teams:<aadObjectId>`),
        so a command can name someone by mentioning them. The bot's own mention is left alone (it is removed
        before); a person the roster cannot place is left as their name."""
        activity = context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        for mention in TurnContext.get_mentions(activity):
            details = mention.additional_properties or {}
            mentioned, tag = details.get("mentioned"), details.get("text")
            if not isinstance(mentioned, dict) or not isinstance(tag, str) or tag not in text:
                continue
            member_id = mentioned.get("id")
            if not isinstance(member_id, str) or not member_id or member_id == bot_id:
                continue
            aad = mentioned.get("aadObjectId")
            if not isinstance(aad, str) or not aad.strip():
                member = await self._member(context, member_id)
                aad = member.aad_object_id if member else None
            text = text.replace(tag, f"@{PLATFORM}:{aad.strip()}" if aad else _MARKUP.sub("", tag).strip())
        return text
