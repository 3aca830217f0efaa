"""The last exchange with a person in each conversation, so a short follow-up ("yes", "it's still broken") is
read in its light: a row per exchange, the newest of a person and conversation counting for a few minutes.
Written by the handlers after each reply, and here with each notice queued for a person about a request."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage.records import ContextRecord
from storage.refs import TicketRef

#: The conversation a notice to a person arrives in: their personal chat with the bot, whatever its id.
PERSONAL_CHAT = "@personal"
#: How long the last exchange counts, unless the Store is told otherwise.
CONTEXT_MINUTES = 10
#: Conversation ids are kept up to this length.
CONVERSATION_MAX = 300
#: A person's rows older than this are deleted when they next have an exchange.
KEPT = timedelta(days=1)


def row(user_key: str, conversation: str, request_number: int | None, offer: str | None, now: datetime):
    return m.ConversationContext(
        user_key=user_key, conversation=conversation[:CONVERSATION_MAX], request_id=request_number, offer=offer, at=now
    )


async def save(
    s: AsyncSession, user_key: str, conversation: str, request: TicketRef | None, offer: str | None, now: datetime
) -> None:
    """The exchange just had: it replaces the conversation's earlier ones; the person's old rows go too. Only
    inserts and deletes, so two replicas saving at once never conflict."""
    c = m.ConversationContext
    conversation = conversation[:CONVERSATION_MAX]
    await s.execute(delete(c).where(c.user_key == user_key, or_(c.conversation == conversation, c.at < now - KEPT)))
    if request is not None and await s.get(m.SupportRequest, request.number) is None:
        request = None  # a request named that does not exist is no context
    s.add(row(user_key, conversation, request.number if request else None, offer, now))


async def latest(s: AsyncSession, user_key: str, conversations: Sequence[str], since: datetime) -> ContextRecord | None:
    """The newest exchange with the person in any of `conversations` since `since`; None when there is none
    (or the newest records nothing)."""
    c = m.ConversationContext
    found = (
        await s.execute(
            select(c.conversation, c.request_id, c.offer, c.at)
            .where(c.user_key == user_key, c.conversation.in_([x[:CONVERSATION_MAX] for x in conversations]))
            .where(c.at >= since)
            .order_by(c.at.desc(), c.id.desc())
            .limit(1)
        )
    ).first()
    if found is None or (found.request_id is None and found.offer is None):
        return None
    ref = TicketRef(found.request_id) if found.request_id is not None else None
    return ContextRecord(conversation=found.conversation, ticket_ref=ref, offer=found.offer, at=found.at)
