"""Notices for the person at this terminal, delivered through the outbox like any channel's: the outbox's
"local" deliverer prints them, and it sees only this person's notices (other local users' wait for their own
terminal)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from handlers.notices import person_notice
from storage import Store
from storage.records import NotificationRecord, TicketRecord

CHANNEL = "local"


class TerminalDeliverer:
    channel = CHANNEL

    def __init__(self, out: Callable[[str], None]):
        self.out = out

    async def deliver(self, notice: NotificationRecord, ticket: TicketRecord) -> None:
        self.out(f"* {person_notice(notice, ticket).text}")


class OnePersonsNotices:
    """The store as this terminal's outbox sees it: the due notices are this person's only."""

    def __init__(self, store: Store, recipient_key: str):
        self._store = store
        self._recipient_key = recipient_key

    async def due_notifications(self, channels: Sequence[str], **kwargs) -> list[NotificationRecord]:
        return await self._store.due_notifications(channels, **{**kwargs, "recipient_key": self._recipient_key})

    async def get_ticket_unchecked(self, number: int) -> TicketRecord:
        return await self._store.get_ticket_unchecked(number)

    async def get_tickets_unchecked(self, numbers: Iterable[int]) -> dict[int, TicketRecord]:
        return await self._store.get_tickets_unchecked(numbers)

    async def mark_notification_sent(self, notification_id: int, **kwargs) -> None:
        await self._store.mark_notification_sent(notification_id, **kwargs)

    async def mark_notifications_sent(self, notification_ids: Sequence[int], **kwargs) -> None:
        await self._store.mark_notifications_sent(notification_ids, **kwargs)

    async def mark_notification_failed(self, notification_id: int, error: str, **kwargs) -> NotificationRecord:
        return await self._store.mark_notification_failed(notification_id, error, **kwargs)
