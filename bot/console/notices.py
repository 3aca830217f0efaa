"""Notices for the person at this terminal, delivered through the outbox like any channel's: the outbox's
"local" deliverer prints them, and the console's outbox takes only this person's notices (other local users'
wait for their own terminal). Notices about the strategy plan (check-ins, nudges, the digest) are printed
whole, with their actions, through the same text renderer as replies."""

from __future__ import annotations

from collections.abc import Callable

from bot.text import render_text
from handlers.cycle import cycle_notice
from handlers.notices import person_notice
from storage.records import NotificationRecord, TicketRecord

CHANNEL = "local"


class TerminalDeliverer:
    channel = CHANNEL

    def __init__(self, out: Callable[[str], None]):
        self.out = out

    async def deliver(self, notice: NotificationRecord, ticket: TicketRecord | None) -> None:
        if ticket is None:
            self.out(f"* {render_text(cycle_notice(notice))}")
        else:
            self.out(f"* {person_notice(notice, ticket).text}")
