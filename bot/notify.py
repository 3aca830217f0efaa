"""Delivers the outbox: notifications written by storage with each change, sent by channel deliverers.

A failed delivery is logged and retried with back-off a bounded number of times (storage decides when
to give up); the request change that owed it is already committed and is never rolled back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol

from bot.bookkeeping import delivery_pass
from storage import Store
from storage.records import NotificationRecord, TicketRecord
from storage.write_queue import background_writes

log = logging.getLogger(__name__)

#: Deliveries under way at once (different requests; one request's notifications go in order).
IN_FLIGHT = 4


RETRY_AFTER_DEFAULT = 30.0  # seconds, when a platform throttles without saying for how long
RETRY_AFTER_CAP = 3600.0  # never park a notification longer than this on a platform's word


def retry_after_seconds(
    value: str | None,
    *,
    default: float = RETRY_AFTER_DEFAULT,
    cap: float = RETRY_AFTER_CAP,
    now: datetime | None = None,
) -> float:
    """Seconds to wait, from a Retry-After header value: delta-seconds (`120`) or an HTTP-date
    (`Wed, 21 Oct 2026 07:28:00 GMT`, RFC 9110 10.2.3). Missing or unreadable: `default`; never below 0
    nor above `cap`."""
    text = (value or "").strip()
    seconds: float | None = None
    if text:
        try:
            seconds = float(text)
        except ValueError:
            try:
                when = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                when = None
            if when is not None:
                if when.tzinfo is None:
                    when = when.replace(tzinfo=UTC)
                seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds is None or not math.isfinite(seconds):
        seconds = default
    return min(max(seconds, 0.0), cap)


class DeliveryError(Exception):
    def __init__(self, message: str, *, retry_after: float | None = None, permanent: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


class Deliverer(Protocol):
    channel: str

    async def deliver(self, notice: NotificationRecord, ticket: TicketRecord | None) -> None:
        """Send one notification; raise DeliveryError to have it retried (or dropped, if permanent).
        `ticket` is the request it is about, or None for a notice about the strategy plan."""


class Outbox:
    def __init__(
        self,
        store: Store,
        *,
        interval: float = 5.0,
        metrics=None,
        in_flight: int = IN_FLIGHT,
        recipient_key: str | None = None,
    ):
        """recipient_key: deliver only that person's notices (a terminal delivers its own person's only)."""
        self.store = store
        self.recipient_key = recipient_key
        self.interval = interval
        self.metrics = metrics
        self.in_flight = in_flight
        self.deliverers: dict[str, Deliverer] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._lock = asyncio.Lock()

    def register(self, deliverer: Deliverer) -> None:
        self.deliverers[deliverer.channel] = deliverer

    def kick(self) -> None:
        """Deliver soon (after a command that may have queued notifications)."""
        self._wake.set()

    def start(self) -> None:
        if self._task is None and self.deliverers:
            self._task = asyncio.create_task(self._loop(), name="ictbot-outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        with background_writes():  # never ahead of a person waiting for an answer (storage/write_queue.py)
            await self._run()

    async def _run(self) -> None:
        while True:
            try:
                await self.drain()
            except Exception:
                log.exception("outbox pass failed; retrying in %.0fs", self.interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
            self._wake.clear()

    async def drain(self) -> int:
        """Deliver everything due now; returns how many were attempted.

        Each pass takes the due notifications and delivers those of different requests concurrently (at most
        `in_flight` at once), those of one request in order (a triage post before its updates); the ones sent
        are marked in one write after the pass, with the channel posts the pass made (bot/bookkeeping.py), before
        the next pass looks for more, so each is sent once."""
        if not self.deliverers:
            return 0
        attempted = 0
        async with self._lock:
            while True:
                due = await self.store.due_notifications(list(self.deliverers), recipient_key=self.recipient_key)
                if not due:
                    return attempted
                attempted += len(due)
                by_request: dict[int, list[NotificationRecord]] = {}
                # Notices about the strategy plan (no request) each go on their own, to different people.
                groups: list[list[NotificationRecord]] = []
                for notice in due:
                    if notice.request_number is None:
                        groups.append([notice])
                    else:
                        by_request.setdefault(notice.request_number, []).append(notice)
                groups += by_request.values()
                numbers = list(by_request)
                tickets = await self.store.get_tickets_unchecked(numbers) if numbers else {}
                slots = asyncio.Semaphore(self.in_flight)
                sent: list[int] = []
                async with delivery_pass(self.store, numbers) as batch:
                    try:
                        await asyncio.gather(*(self._deliver_in_order(group, tickets, slots, sent) for group in groups))
                    finally:
                        if sent or batch.made:
                            await self.store.mark_notifications_sent(sent, posts=list(batch.made.values()))

    async def _deliver_in_order(
        self,
        notices: list[NotificationRecord],
        tickets: dict[int, TicketRecord],
        slots: asyncio.Semaphore,
        sent: list[int],
    ) -> None:
        async with slots:
            for notice in notices:
                ticket = tickets.get(notice.request_number) if notice.request_number is not None else None
                if await self._deliver_one(notice, ticket):
                    sent.append(notice.id)

    async def _deliver_one(self, notice: NotificationRecord, ticket: TicketRecord | None = None) -> bool:
        """True when delivered (to be marked sent by the caller); a failure is recorded here."""
        deliverer = self.deliverers[notice.channel]
        try:
            if ticket is None and notice.request_number is not None:
                ticket = await self.store.get_ticket_unchecked(notice.request_number)
            await deliverer.deliver(notice, ticket)
        except DeliveryError as e:
            state = await self.store.mark_notification_failed(
                notice.id, str(e), retry_after=e.retry_after, permanent=e.permanent
            )
            log.warning(
                "notification %s (%s %s) failed, attempt %s: %s",
                notice.id,
                notice.kind,
                notice.request_ref or "plan",
                state.attempts,
                e,
            )
            self._count(notice.channel, "failed")
        except Exception as e:
            log.exception(
                "notification %s (%s %s) failed unexpectedly", notice.id, notice.kind, notice.request_ref or "plan"
            )
            await self.store.mark_notification_failed(notice.id, f"{type(e).__name__}: {e}")
            self._count(notice.channel, "error")
        else:
            self._count(notice.channel, "sent")
            return True
        return False

    def _count(self, channel: str, result: str) -> None:
        if self.metrics is not None:
            self.metrics.notifications.labels(channel, result).inc()
