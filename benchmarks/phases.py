"""Where a request's wall time goes, inside our server process (slack_bench.py --phases).

Wraps a few coroutines (the listener, the profile look-up, the handler, the store's writes, the outbox's
delivery) and times every SQL statement with engine events, then prints count / total / mean / p99 of each at
shutdown. Wall time, not CPU: a phase that waits for the SQLite write lock or a pool connection shows it.
"""

from __future__ import annotations

import functools
import time
from collections import defaultdict

TIMES: dict[str, list[float]] = defaultdict(list)


def timed(owner, name: str, label: str | None = None) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    async def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return await original(*args, **kwargs)
        finally:
            TIMES[label or f"{owner.__name__}.{name}"].append(time.perf_counter() - started)

    setattr(owner, name, wrapper)


def install(engine) -> None:
    """Time the coroutines that matter for `/ict support`, and every statement sent to the database."""
    from sqlalchemy import event

    from bot.notify import Outbox
    from bot.slack.deliver import SlackDeliverer
    from bot.slack.listeners import SlackListeners
    from bot.slack.profiles import Profiles
    from handlers import Assistant
    from storage import Store

    timed(SlackListeners, "on_command", "listener (whole /ict)")
    timed(Profiles, "sender", "profile look-up before the handler")
    timed(Assistant, "handle", "handler (Assistant.handle)")
    for method in ("ensure_user", "create_ticket", "mark_notifications_sent", "save_channel_post", "get_channel_post"):
        timed(Store, method)
    timed(Store, "due_notifications")
    _time_write_queue()
    timed(Outbox, "_deliver_one", "outbox: one notification")
    timed(SlackDeliverer, "deliver", "outbox: Slack delivery (Web API + store)")

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("phase_started", []).append(time.perf_counter())

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        started = conn.info["phase_started"].pop()
        kind = statement.split(None, 2)
        label = " ".join(kind[:2]) if kind[0] == "BEGIN" else kind[0]
        TIMES[f"SQL {label}"].append(time.perf_counter() - started)

    from sqlalchemy.ext.asyncio.session import AsyncSessionTransaction

    timed(AsyncSessionTransaction, "commit", "session commit (flush + COMMIT)")


def _time_write_queue() -> None:
    """SQLite: how long write transactions wait for their turn, and how long they hold it."""
    from contextlib import asynccontextmanager

    from storage.write_queue import WriteQueue

    original = WriteQueue.turn

    @asynccontextmanager
    async def turn(self):
        asked = time.perf_counter()
        async with original(self):
            got = time.perf_counter()
            TIMES["write queue: waiting for a turn"].append(got - asked)
            try:
                yield
            finally:
                TIMES["write queue: holding the turn"].append(time.perf_counter() - got)

    WriteQueue.turn = turn


def report() -> str:
    lines = [f"{'phase':48} {'count':>7} {'total s':>8} {'mean ms':>8} {'p99 ms':>8}"]
    for label, values in sorted(TIMES.items(), key=lambda kv: -sum(kv[1])):
        values = sorted(values)
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        lines.append(
            f"{label:48} {len(values):7d} {sum(values):8.2f} {1000 * sum(values) / len(values):8.2f} {1000 * p99:8.2f}"
        )
    return "\n".join(lines)
