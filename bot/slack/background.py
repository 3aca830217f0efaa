"""Work that must not hold up Slack's 3-second acknowledgement: started after the listener, tracked, logged.

Each task's failure is logged with an error id (never raised into bolt); shutdown waits briefly, then cancels.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine

from handlers.errors import new_error_id

log = logging.getLogger(__name__)


class Background:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task] = set()

    def spawn(self, work: Coroutine, name: str) -> asyncio.Task:
        task = asyncio.create_task(self._guarded(work, name), name=f"slack-{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @staticmethod
    async def _guarded(work: Coroutine, name: str):
        try:
            return await work
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("error id %s: Slack background work %s failed", new_error_id(), name)
            return None

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def settle(self) -> None:
        """Wait until nothing is running (work may start more work; wait for that too)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self, grace: float = 5.0) -> None:
        if not self._tasks:
            return
        _done, still = await asyncio.wait(list(self._tasks), timeout=grace)
        for task in still:
            task.cancel()
        if still:
            await asyncio.gather(*still, return_exceptions=True)
