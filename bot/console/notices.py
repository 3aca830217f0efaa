"""Notices for the person at this terminal, delivered through the outbox like any channel's: the outbox's
"local" deliverer prints them, and the console's outbox takes only this person's notices (other local users'
wait for their own terminal)."""

from __future__ import annotations

from collections.abc import Callable

from handlers.notices import person_notice
from storage.records import NotificationRecord, TicketRecord

CHANNEL = "local"


class TerminalDeliverer:
    channel = CHANNEL

    def __init__(self, out: Callable[[str], None]):
        self.out = out

    async def deliver(self, notice: NotificationRecord, ticket: TicketRecord) -> None:
        self.out(f"* {person_notice(notice, ticket).text}")
