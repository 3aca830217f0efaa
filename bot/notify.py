"""Delivers the outbox: notifications written by storage with each change, sent by channel deliverers.

A failed delivery is logged and retried with back-off a bounded number of times (storage decides when
to give up); the request change that owed it is already committed and is never rolled back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from storage import Store
from storage.records import NotificationRecord, TicketRecord

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    def __init__(self, message: str, *, retry_after: float | None = None, permanent: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


class Deliverer(Protocol):
    channel: str

    async def deliver(self, notice: NotificationRecord, ticket: TicketRecord) -> None:
        """Send one notification; raise DeliveryError to have it retried (or dropped, if permanent)."""


class Outbox:
    def __init__(self, store: Store, *, interval: float = 5.0, metrics=None):
        self.store = store
        self.interval = interval
        self.metrics = metrics
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
        while True:
            try:
                await self.drain()
            except Exception:
                log.exception("outbox pass failed; retrying in %.0fs", self.interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
            self._wake.clear()

    async def drain(self) -> int:
        """Deliver everything due now; returns how many were attempted."""
        if not self.deliverers:
            return 0
        attempted = 0
        async with self._lock:
            while True:
                due = await self.store.due_notifications(list(self.deliverers))
                if not due:
                    return attempted
                for notice in due:
                    attempted += 1
                    await self._deliver_one(notice)

    async def _deliver_one(self, notice: NotificationRecord) -> None:
        deliverer = self.deliverers[notice.channel]
        try:
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
                notice.request_ref,
                state.attempts,
                e,
            )
            self._count(notice.channel, "failed")
        except Exception as e:
            log.exception("notification %s (%s %s) failed unexpectedly", notice.id, notice.kind, notice.request_ref)
            await self.store.mark_notification_failed(notice.id, f"{type(e).__name__}: {e}")
            self._count(notice.channel, "error")
        else:
            await self.store.mark_notification_sent(notice.id)
            self._count(notice.channel, "sent")

    def _count(self, channel: str, result: str) -> None:
        if self.metrics is not None:
            self.metrics.notifications.labels(channel, result).inc()
