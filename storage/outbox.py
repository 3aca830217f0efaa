"""The notification outbox: notices queued in the same transaction as the request change they report,
then read when due, and marked sent or failed (with back-off, up to NOTIFY_MAX_ATTEMPTS) by the deliverers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import conversation
from storage import models as m
from storage.convert import notification_record
from storage.enums import NoticeKind, NoticeState
from storage.errors import NotFound
from storage.records import NotificationRecord

#: Deliveries tried before a notice is given up as failed.
NOTIFY_MAX_ATTEMPTS = 5
#: The longest back-off between two tries, in seconds.
MAX_BACKOFF_SECONDS = 300


class Outbox:
    """Queues notices in the caller's session. `notify_channels` are the channels (slack, teams) that want
    triage posts about requests."""

    def __init__(self, notify_channels: Sequence[str] = ()):
        self.notify_channels = tuple(notify_channels)

    def notify(
        self,
        s: AsyncSession,
        ticket: m.SupportRequest,
        kind: NoticeKind,
        channel: str,
        recipient: str | None,
        now: datetime,
        **payload,
    ) -> None:
        s.add(m.Notification(**self.row(ticket.id, kind, channel, recipient, now, **payload)))

    def row(self, number: int, kind: NoticeKind, channel: str, recipient: str | None, now: datetime, **payload) -> dict:
        """One notice as a row of the notifications table, for the caller to insert."""
        return dict(
            request_id=number,
            kind=kind.value,
            channel=channel,
            recipient_key=recipient,
            payload=payload,
            state=NoticeState.PENDING.value,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )

    def strategy_row(
        self, kind: NoticeKind, recipient: str | None, now: datetime, *, channel: str | None = None, **payload
    ) -> dict:
        """A notice about the strategy plan (not a request), as a row: to a person on the platform their user
        key names, or (recipient None) to `channel`'s strategy channel. `payload` is the data (refs, titles,
        due dates, the Board date); the words are the handlers'."""
        if recipient is None and channel is None:
            raise ValueError("a notice to a strategy channel needs its channel")
        row = self.row(0, kind, channel or recipient.split(":", 1)[0], recipient, now, **payload)
        row["request_id"] = None
        return row

    def notify_person(self, s: AsyncSession, ticket: m.SupportRequest, kind: NoticeKind, key: str, now, **payload):
        """To one person, on the platform their user key names; the request is the last exchange of their
        personal chat, where the notice arrives."""
        self.notify(s, ticket, kind, key.split(":", 1)[0], key, now, **payload)
        s.add(conversation.row(key, conversation.PERSONAL_CHAT, ticket.id, None, now))

    def notify_requester(self, s: AsyncSession, ticket: m.SupportRequest, kind: NoticeKind, now, **payload) -> None:
        self.notify_person(s, ticket, kind, ticket.requester_key, now, **payload)

    def notify_triage(self, s: AsyncSession, ticket: m.SupportRequest, kind: NoticeKind, now: datetime, **payload):
        """To every triage channel: a new request, or a change to one already posted."""
        for channel in self.notify_channels:
            self.notify(s, ticket, kind, channel, None, now, **payload)

    def triage_rows(self, number: int, kind: NoticeKind, now: datetime) -> list[dict]:
        """notify_triage as rows, for the caller to insert."""
        return [self.row(number, kind, channel, None, now) for channel in self.notify_channels]


async def due(
    s: AsyncSession, channels: Sequence[str], *, recipient_key: str | None, now: datetime, limit: int
) -> list[NotificationRecord]:
    stmt = select(m.Notification).where(
        m.Notification.state == NoticeState.PENDING.value,
        m.Notification.next_attempt_at <= now,
        m.Notification.channel.in_(list(channels)),
    )
    if recipient_key is not None:
        stmt = stmt.where(m.Notification.recipient_key == recipient_key)
    rows = await s.scalars(stmt.order_by(m.Notification.id).limit(limit))
    return [notification_record(n) for n in rows.all()]


async def mark_sent(s: AsyncSession, notification_ids: Sequence[int], now: datetime) -> None:
    await s.execute(
        update(m.Notification)
        .where(m.Notification.id.in_(list(notification_ids)))
        .values(state=NoticeState.SENT.value, sent_at=now, attempts=m.Notification.attempts + 1)
    )


async def mark_failed(
    s: AsyncSession, notification_id: int, error: str, *, retry_after: float | None, permanent: bool, now: datetime
) -> NotificationRecord:
    """Record a failed delivery; back off exponentially, give up after NOTIFY_MAX_ATTEMPTS."""
    n = await s.get(m.Notification, notification_id)
    if n is None:
        raise NotFound("notification", notification_id)
    n.attempts += 1
    n.last_error = error[:2000]
    if permanent or n.attempts >= NOTIFY_MAX_ATTEMPTS:
        n.state = NoticeState.FAILED.value
    else:
        delay = retry_after if retry_after is not None else min(2**n.attempts, MAX_BACKOFF_SECONDS)
        n.next_attempt_at = now + timedelta(seconds=delay)
    return notification_record(n)


async def states(s: AsyncSession, request_number: int) -> list[tuple[str, str, str, int]]:
    """(kind, channel, state, attempts) for every notification about a request, oldest first."""
    rows = await s.execute(
        select(m.Notification.kind, m.Notification.channel, m.Notification.state, m.Notification.attempts)
        .where(m.Notification.request_id == request_number)
        .order_by(m.Notification.id)
    )
    return [tuple(r) for r in rows.all()]
