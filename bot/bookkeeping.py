"""What a channel records besides handling commands, through one narrow interface instead of the whole store:
platform event ids seen (so a retried event is handled once), where to reach people proactively, and the
messages posted to triage channels (so they are edited in place).

Inside an outbox pass (`delivery_pass`), channel posts are read for the whole pass in one query and the posts
the deliveries make are kept with the pass, to be written in the same transaction that marks its
notifications sent: one write per pass instead of one per post, and a post is on record exactly when the
notification that made it is marked sent.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field

from storage import Store
from storage.records import ChannelPostRecord
from storage.refs import TicketRef


@dataclass
class DeliveryPass:
    """The channel posts of one outbox pass: those on record for its requests, and those it has made."""

    store: Store
    request_numbers: frozenset[int]
    known: dict[tuple[int, str, str], ChannelPostRecord]
    made: dict[tuple[int, str, str], ChannelPostRecord] = field(default_factory=dict)

    def covers(self, store: Store, request_number: int) -> bool:
        return store is self.store and request_number in self.request_numbers

    def record(self, post: ChannelPostRecord) -> None:
        self.known[post.key] = self.made[post.key] = post


_current: ContextVar[DeliveryPass | None] = ContextVar("ictbot_delivery_pass", default=None)


@contextlib.asynccontextmanager
async def delivery_pass(store: Store, request_numbers: Iterable[int]) -> AsyncIterator[DeliveryPass]:
    """Deliveries inside this block read their requests' channel posts from one prefetch and keep the posts
    they make in the pass (`DeliveryPass.made`), for the caller to write with the notifications it marks sent."""
    numbers = frozenset(request_numbers)
    posts = await store.channel_posts_of(sorted(numbers))
    batch = DeliveryPass(store, numbers, {p.key: p for p in posts})
    token = _current.set(batch)
    try:
        yield batch
    finally:
        _current.reset(token)


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
        batch = _current.get()
        if batch is not None:
            number = TicketRef.parse(ref).number
            if batch.covers(self._store, number):
                return batch.known.get((number, platform, purpose))
        return await self._store.get_channel_post(ref, platform, purpose)

    async def save_channel_post(self, post: ChannelPostRecord) -> None:
        batch = _current.get()
        if batch is not None and batch.covers(self._store, post.request_number):
            batch.record(post)
        else:
            await self._store.save_channel_post(post)
