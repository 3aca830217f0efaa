"""Who a Slack user is: display name and email from users.info, cached, never holding up an ack.

The payload's own name is used at once; the first time a user is seen their profile is fetched in the
background (no Web API call is awaited before Slack gets its answer; `first_wait` can allow one, tests that
look at names set it), and their next command carries their real name and email. Profiles are kept for an
hour. They only travel in the Sender: the handlers record the person (name and email) with every command,
so nothing here writes to the store.

A failed look-up is remembered too. When Slack answers that one user cannot be looked up, that answer is
kept for a few minutes; when the API itself is unwell (a 5xx, a body that is not Slack's JSON, a rate limit,
no answer at all), look-ups pause for everyone, for Retry-After when Slack gave one: a broken API is asked
once, and logged once, per pause, rather than on every request.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.notify import retry_after_seconds
from bot.slack import translate
from bot.slack.api_errors import api_failure
from bot.slack.background import Background
from handlers import Sender

log = logging.getLogger(__name__)

FAILED_USER_TTL = 300.0  # seconds a "this user cannot be looked up" answer is kept
API_PAUSE = 60.0  # seconds look-ups pause when the API is unwell and did not say for how long


@dataclass(frozen=True, slots=True)
class Profile:
    name: str | None
    email: str | None


class Profiles:
    def __init__(
        self,
        client: AsyncWebClient,
        background: Background,
        *,
        first_wait: float = 0.0,
        ttl: float = 3600.0,
        size: int = 5000,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.client = client
        self.background = background
        self.first_wait = first_wait
        self.ttl = ttl
        self.size = size
        self.clock = clock
        self._cache: OrderedDict[str, tuple[float, Profile]] = OrderedDict()
        self._inflight: dict[str, asyncio.Task] = {}
        self._paused_until = 0.0

    async def sender(self, user_id: str, fallback_name: str | None = None) -> Sender:
        cached = self._cache.get(user_id)
        if cached is not None:
            expires, profile = cached
            if expires < self.clock() and not self.paused:
                self._refresh(user_id, fallback_name)
            return translate.sender(user_id, profile.name or fallback_name, profile.email)
        if self.paused:
            return translate.sender(user_id, fallback_name)
        task = self._refresh(user_id, fallback_name)
        if self.first_wait <= 0:  # the usual case: answer with what the payload says, enrich later
            return translate.sender(user_id, fallback_name)
        done, _ = await asyncio.wait({task}, timeout=self.first_wait)
        profile = task.result() if done else None
        if profile is None:
            return translate.sender(user_id, fallback_name)
        return translate.sender(user_id, profile.name or fallback_name, profile.email)

    @property
    def paused(self) -> bool:
        return self.clock() < self._paused_until

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
            failure = api_failure(e)
            if failure.server_side:
                self._pause(retry_after_seconds(failure.retry_after, default=API_PAUSE), f"users.info: {failure}")
            else:
                log.warning("users.info for %s failed: %s", user_id, failure)
                self._remember(user_id, Profile(fallback_name, None), ttl=min(self.ttl, FAILED_USER_TTL))
            return None
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as e:
            self._pause(API_PAUSE, f"users.info unreachable: {type(e).__name__}")
            return None
        finally:
            self._inflight.pop(user_id, None)
        user = response.get("user") or {}
        details = user.get("profile") or {}
        name = details.get("real_name") or details.get("display_name") or user.get("real_name") or user.get("name")
        profile = Profile(name or fallback_name, details.get("email"))
        self._remember(user_id, profile, ttl=self.ttl)
        return profile

    def _pause(self, seconds: float, why: str) -> None:
        if not self.paused:
            log.warning("%s; profile look-ups pause for %.0f s (names from the payloads meanwhile)", why, seconds)
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    def _remember(self, user_id: str, profile: Profile, *, ttl: float) -> None:
        self._cache[user_id] = (self.clock() + ttl, profile)
        self._cache.move_to_end(user_id)
        while len(self._cache) > self.size:
            self._cache.popitem(last=False)
