"""What a channel records besides handling commands, through one narrow interface instead of the whole store:
platform event ids seen (so a retried event is handled once), where to reach people proactively, and the
messages posted to triage channels (so they are edited in place)."""

from __future__ import annotations

from storage import Store
from storage.records import ChannelPostRecord


class Bookkeeping:
    def __init__(self, store: Store):
        self._store = store

    async def first_time(self, event_id: str) -> bool:
        """True for the first delivery of a platform event id, False for every repeat (retries included)."""
        return await self._store.claim_event(event_id)

    async def conversation_reference(self, platform: str, owner_key: str) -> dict | None:
        return await self._store.get_conversation_reference(platform, owner_key)

    async def save_conversation_reference(self, platform: str, owner_key: str, reference: dict) -> None:
        await self._store.save_conversation_reference(platform, owner_key, reference)

    async def channel_post(self, ref: str, platform: str, purpose: str) -> ChannelPostRecord | None:
        return await self._store.get_channel_post(ref, platform, purpose)

    async def save_channel_post(self, post: ChannelPostRecord) -> None:
        await self._store.save_channel_post(post)
