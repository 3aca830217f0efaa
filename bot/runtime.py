"""The running bot's parts, built once at start-up and handed to every channel (no module globals)."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.metrics import Metrics
from bot.notify import Outbox
from bot.settings import Settings
from handlers import Assistant, Origin, Outcome, Sender
from storage import Store
from storage.db import create_engine
from storage.migrate import upgrade
from storage.plan_io import seed_sample_if_empty


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    store: Store
    assistant: Assistant
    metrics: Metrics
    outbox: Outbox
    channels: list[str] = field(default_factory=list)

    async def close(self) -> None:
        await self.outbox.stop()
        await self.engine.dispose()

    async def _timed(self, channel: str, call) -> Outcome:
        queued = self.store.notices_queued
        with self.metrics.timed() as t:
            outcome = await call
        self.metrics.observe(channel, outcome.command, outcome.status, t["seconds"])
        if self.store.notices_queued != queued:
            self.outbox.kick()
        return outcome

    async def handle(self, channel: str, text: str, sender: Sender, origin: Origin) -> Outcome:
        return await self._timed(channel, self.assistant.handle(text, sender, origin))

    async def click(self, channel: str, action_id: str, value: str, sender: Sender, origin: Origin) -> Outcome:
        return await self._timed(channel, self.assistant.click(action_id, value, sender, origin))

    async def submit_form(
        self, channel: str, form_id: str, values: dict[str, str], sender: Sender, origin: Origin, metadata: str = ""
    ) -> Outcome:
        return await self._timed(channel, self.assistant.submit_form(form_id, values, sender, origin, metadata))


#: Where the aiohttp application keeps the Runtime (set at start-up; channels read it in their cleanup_ctx).
RUNTIME = web.AppKey("runtime", Runtime)


async def open_store(settings: Settings) -> tuple[AsyncEngine, Store]:
    """Engine, schema brought up to date, sample plan loaded when the database has none."""
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        store = Store(engine, notify_channels=settings.notify_channels)
        if settings.seed_sample:
            await seed_sample_if_empty(store)
    except BaseException:
        await engine.dispose()
        raise
    return engine, store


async def build_runtime(settings: Settings, *, metrics: Metrics | None = None) -> Runtime:
    engine, store = await open_store(settings)
    metrics = metrics or Metrics()
    return Runtime(
        settings=settings,
        engine=engine,
        store=store,
        assistant=Assistant(store),
        metrics=metrics,
        outbox=Outbox(store, interval=settings.notify_interval, metrics=metrics),
    )
