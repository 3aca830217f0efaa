"""Write sessions that queue for SQLite's one write lock inside the process, instead of spinning on it.

SQLite lets one writer at a time hold the database. A second `BEGIN IMMEDIATE` does not wait in line: the
driver's busy handler sleeps and retries (1, 2, 5 ... up to 100 ms between tries) on a pool connection, so in a
burst writers hold most of the pool while they sleep, and each wakes up to tens of milliseconds after the lock
came free. Here every write transaction of the process first takes one asyncio lock for its engine (FIFO,
taken before a connection is checked out and released after COMMIT), so writers wait their turn on the event
loop and the next one starts the moment the last one commits. The busy timeout stays, for other processes
(the CLI) writing to the same file. PostgreSQL needs none of this: its writers do not share one lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import weakref
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

#: One queue per database engine, shared by every Store on it.
_QUEUES: weakref.WeakKeyDictionary[Engine, WriteQueue] = weakref.WeakKeyDictionary()
_BACKGROUND: contextvars.ContextVar[bool] = contextvars.ContextVar("ictbot_background_writes", default=False)


@contextmanager
def background_writes() -> Iterator[None]:
    """Writes made in here (and in tasks started from here) wait while anyone answering a person waits:
    the outbox's bookkeeping never holds up a request in a burst; it catches up as soon as the burst eases."""
    token = _BACKGROUND.set(True)
    try:
        yield
    finally:
        _BACKGROUND.reset(token)


class WriteQueue:
    """One write transaction at a time (in this process), first come first served, except that background
    writes (see background_writes) go after every waiting foreground one. A task holding a turn may not ask
    for another (it would wait for itself)."""

    def __init__(self) -> None:
        self._busy = False
        self._holder: asyncio.Task | None = None
        self._waiting: tuple[deque[asyncio.Future], deque[asyncio.Future]] = (deque(), deque())
        #: Write transactions that had to wait for another, since start (for metrics and benchmarks).
        self.waited = 0

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        task = asyncio.current_task()
        if task is not None and task is self._holder:
            raise RuntimeError("a write transaction was opened inside another one in the same task")
        if self._busy or any(self._waiting):
            self.waited += 1
            waiter = asyncio.get_running_loop().create_future()
            lane = self._waiting[1 if _BACKGROUND.get() else 0]
            lane.append(waiter)
            try:
                await waiter  # handed the turn by the previous holder (_busy stays True)
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._hand_on()  # it was ours already: pass it on
                else:
                    with contextlib.suppress(ValueError):
                        lane.remove(waiter)
                raise
        else:
            self._busy = True
        self._holder = task
        try:
            yield
        finally:
            self._holder = None
            self._hand_on()

    def _hand_on(self) -> None:
        for lane in self._waiting:
            while lane:
                waiter = lane.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._busy = False

    @classmethod
    def of(cls, engine: Engine) -> WriteQueue:
        queue = _QUEUES.get(engine)
        if queue is None:
            queue = _QUEUES[engine] = cls()
        return queue


class WriteSessions:
    """Like the async_sessionmaker it wraps (`begin()` and `()`), with each session's life inside a turn of the
    queue when there is one (SQLite); with none (PostgreSQL) it is the session maker alone."""

    def __init__(self, maker: async_sessionmaker[AsyncSession], queue: WriteQueue | None):
        self._maker = maker
        self.queue = queue

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        if self.queue is None:
            async with self._maker.begin() as session:
                yield session
            return
        async with self.queue.turn(), self._maker.begin() as session:
            yield session

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[AsyncSession]:
        if self.queue is None:
            async with self._maker() as session:
                yield session
            return
        async with self.queue.turn(), self._maker() as session:
            yield session
