"""Who a Slack user is: display name and email from users.info, cached, never holding up an ack.

The payload's own name is used at once; the first time a user is seen their profile is fetched in the
background (no Web API call is awaited before Slack gets its answer), and the store is told when it arrives,
so from then on their requests carry their real name and email. Profiles are kept for an hour.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import translate
from bot.slack.background import Background
from handlers import Sender
from storage import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Profile:
    name: str | None
    email: str | None


class Profiles:
    """first_wait: how long a first command may wait for the profile (0, the default: not at all; tests that
    look at names set it)."""

    def __init__(
        self,
        client: AsyncWebClient,
        store: Store,
        background: Background,
        *,
        first_wait: float = 0.0,
        ttl: float = 3600.0,
        size: int = 5000,
    ):
        self.client = client
        self.store = store
        self.background = background
        self.first_wait = first_wait
        self.ttl = ttl
        self.size = size
        self._cache: OrderedDict[str, tuple[float, Profile]] = OrderedDict()
        self._inflight: dict[str, asyncio.Task] = {}

    async def sender(self, user_id: str, fallback_name: str | None = None) -> Sender:
        cached = self._cache.get(user_id)
        if cached is not None:
            expires, profile = cached
            if expires < time.monotonic():
                self._refresh(user_id, fallback_name)
            return translate.sender(user_id, profile.name or fallback_name, profile.email)
        task = self._refresh(user_id, fallback_name)
        if self.first_wait <= 0:  # the usual case: answer with what the payload says, enrich later
            return translate.sender(user_id, fallback_name)
        done, _ = await asyncio.wait({task}, timeout=self.first_wait)
        profile = task.result() if done else None
        if profile is None:
            return translate.sender(user_id, fallback_name)
        return translate.sender(user_id, profile.name or fallback_name, profile.email)

    def _refresh(self, user_id: str, fallback_name: str | None) -> asyncio.Task:
        task = self._inflight.get(user_id)
        if task is None:
            task = self.background.spawn(self._fetch(user_id, fallback_name), f"users.info {user_id}")
            self._inflight[user_id] = task
        return task

    async def _fetch(self, user_id: str, fallback_name: str | None) -> Profile | None:
        try:
            response = await self.client.users_info(user=user_id)
        except SlackApiError as e:
            log.warning("users.info for %s failed: %s", user_id, e.response.get("error"))
            profile = Profile(fallback_name, None)
            self._remember(user_id, profile, ttl=min(self.ttl, 300.0))
            return None
        finally:
            self._inflight.pop(user_id, None)
        user = response.get("user") or {}
        details = user.get("profile") or {}
        name = details.get("real_name") or details.get("display_name") or user.get("real_name") or user.get("name")
        profile = Profile(name or fallback_name, details.get("email"))
        self._remember(user_id, profile, ttl=self.ttl)
        if profile.name or profile.email:
            await self.store.ensure_user(translate.user_key(user_id), profile.name or "", email=profile.email)
        return profile

    def _remember(self, user_id: str, profile: Profile, *, ttl: float) -> None:
        self._cache[user_id] = (time.monotonic() + ttl, profile)
        self._cache.move_to_end(user_id)
        while len(self._cache) > self.size:
            self._cache.popitem(last=False)
