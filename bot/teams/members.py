"""Who sent an activity: our Sender, with the email Teams' roster knows (looked up once, cached, never slow)."""

from __future__ import annotations

import asyncio
import logging
import time

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity

from handlers import Sender

log = logging.getLogger(__name__)

EMAIL_TTL = 3600.0  # seconds a looked-up email is trusted
MISS_TTL = 600.0  # seconds before a failed lookup is tried again
LOOKUP_TIMEOUT = 1.5  # seconds a reply may wait for the roster


def user_id_of(activity: Activity) -> str:
    """The stable id: the Entra (AAD) object id Teams sends; the channel id in the Emulator. An activity
    without a sender id never gets here (the route answers 400): there is no shared fallback identity."""
    frm = activity.from_property
    for candidate in (getattr(frm, "aad_object_id", None), getattr(frm, "id", None)):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    raise ValueError("a Teams activity without from.id has no sender")


def sender_key(activity: Activity) -> str:
    return f"teams:{user_id_of(activity)}"


class MemberDirectory:
    """Email addresses from `TeamsInfo.get_member`, cached per user (including misses)."""

    def __init__(self, *, timeout: float = LOOKUP_TIMEOUT, clock=time.monotonic):
        self.timeout = timeout
        self.clock = clock
        self._cache: dict[str, tuple[str | None, float]] = {}
        self.lookups = 0

    async def email(self, context: TurnContext) -> str | None:
        activity = context.activity
        key = user_id_of(activity)
        cached = self._cache.get(key)
        if cached and cached[1] > self.clock():
            return cached[0]
        self.lookups += 1
        email: str | None = None
        try:
            member = await asyncio.wait_for(TeamsInfo.get_member(context, activity.from_property.id), self.timeout)
            email = (member.email or member.user_principal_name or "").strip() or None
        except Exception as e:  # no roster in this conversation, connector slow or down: carry on without
            log.info("Teams roster lookup for %s failed: %s", key, type(e).__name__)
        self._cache[key] = (email, self.clock() + (EMAIL_TTL if email else MISS_TTL))
        return email

    async def sender(self, context: TurnContext) -> Sender:
        activity = context.activity
        name = (activity.from_property.name or "").strip() or "Teams user"
        return Sender(key=sender_key(activity), display_name=name, email=await self.email(context))
