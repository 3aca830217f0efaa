"""Channel bookkeeping: inbound event ids seen (to drop retries), conversation references to reply in later,
and the channel posts about a request (to update the triage message in place)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage.convert import channel_post_record
from storage.records import ChannelPostRecord

#: Event ids are stored up to this length.
EVENT_ID_MAX = 200


def seen_event(event_id: str, now: datetime) -> m.ProcessedEvent:
    """The row that claims an inbound event id; adding it fails on a duplicate."""
    return m.ProcessedEvent(event_id=event_id[:EVENT_ID_MAX], at=now)


async def forget_events_before(s: AsyncSession, cutoff: datetime) -> int:
    result = await s.execute(delete(m.ProcessedEvent).where(m.ProcessedEvent.at < cutoff))
    return result.rowcount or 0


def _reference_of(platform: str, owner_key: str, *columns):
    """The stored conversation reference of one person (or conversation) on one platform."""
    c = m.ConversationReference
    return select(*(columns or (c,))).where(c.platform == platform, c.owner_key == owner_key)


async def save_conversation_reference(
    s: AsyncSession, platform: str, owner_key: str, reference: dict, now: datetime
) -> None:
    row = await s.scalar(_reference_of(platform, owner_key))
    if row is None:
        s.add(m.ConversationReference(platform=platform, owner_key=owner_key, reference=reference, updated_at=now))
    elif row.reference != reference:
        row.reference = reference
        row.updated_at = now


async def get_conversation_reference(s: AsyncSession, platform: str, owner_key: str) -> dict | None:
    return await s.scalar(_reference_of(platform, owner_key, m.ConversationReference.reference))


def _post_of(request_number: int, platform: str, purpose: str):
    return select(m.ChannelPost).where(
        m.ChannelPost.request_id == request_number,
        m.ChannelPost.platform == platform,
        m.ChannelPost.purpose == purpose,
    )


async def save_channel_posts(s: AsyncSession, posts: Sequence[ChannelPostRecord], now: datetime) -> None:
    """Posts saved or replaced together (an outbox pass's, or one): one read of those on record, one multi-row INSERT of the new
    ones, an UPDATE for each one that replaces a post on record (rare: a post remade after it was lost)."""
    if not posts:
        return
    c = m.ChannelPost
    on_record = {
        (row.request_id, row.platform, row.purpose): row.id
        for row in await s.execute(
            select(c.id, c.request_id, c.platform, c.purpose).where(c.request_id.in_({p.request_number for p in posts}))
        )
    }
    new: dict[tuple[int, str, str], dict] = {}
    for post in posts:
        values = {"conversation": post.conversation, "message_id": post.message_id, "updated_at": now}
        if post.key in on_record:
            await s.execute(update(c).where(c.id == on_record[post.key]).values(**values))
        else:
            new[post.key] = {
                "request_id": post.request_number,
                "platform": post.platform,
                "purpose": post.purpose,
                **values,
            }
    if new:
        await s.execute(insert(c), list(new.values()))


async def channel_posts_of(s: AsyncSession, request_numbers: Sequence[int]) -> list[ChannelPostRecord]:
    """Every channel post about these requests (any platform, any purpose), in one query."""
    if not request_numbers:
        return []
    rows = await s.scalars(select(m.ChannelPost).where(m.ChannelPost.request_id.in_(list(request_numbers))))
    return [channel_post_record(row) for row in rows]


async def get_channel_post(
    s: AsyncSession, request_number: int, platform: str, purpose: str
) -> ChannelPostRecord | None:
    row = await s.scalar(_post_of(request_number, platform, purpose))
    return channel_post_record(row) if row else None
