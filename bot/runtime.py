"""The running bot's parts, built once at start-up and handed to every channel (no module globals).

Channels call only this: `handle`, `click`, `submit_form`, `home` and `welcome` run the handlers, count every
interaction in the metrics and wake the outbox when something may have changed; `bookkeeping` is the one
narrow way to record event ids, conversation references and triage posts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bookkeeping import Bookkeeping
from bot.metrics import Metrics
from bot.notify import Outbox
from bot.settings import Settings
from handlers import Assistant, Origin, Outcome, Sender
from handlers.assistant import INTERACTIONS
from handlers.messages import Attachment
from storage import Store
from storage.db import create_engine
from storage.kb_file import seed_sample_articles_if_empty
from storage.migrate import upgrade
from storage.plan_io import seed_sample_if_empty

#: Outcomes in which nothing was changed.
UNCHANGED = frozenset({"usage", "denied", "not_found", "conflict"})


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    store: Store
    assistant: Assistant
    metrics: Metrics
    outbox: Outbox
    bookkeeping: Bookkeeping
    channels: list[str] = field(default_factory=list)

    async def close(self) -> None:
        await self.outbox.stop()
        await self.engine.dispose()

    async def _timed(self, channel: str, call: Awaitable[Outcome]) -> Outcome:
        with self.metrics.timed() as t:
            outcome = await call
        self.metrics.observe(channel, outcome.command, outcome.status, t["seconds"])
        if outcome.status not in UNCHANGED and not self.assistant.changes_nothing(outcome.command):
            self.outbox.kick()
        return outcome

    async def handle(
        self, channel: str, text: str, sender: Sender, origin: Origin, *, files: Sequence[Attachment] = ()
    ) -> Outcome:
        return await self._timed(channel, self.assistant.handle(text, sender, origin, files=files))

    async def click(
        self,
        channel: str,
        action_id: str,
        value: str,
        sender: Sender,
        origin: Origin,
        *,
        submission: str | None = None,
    ) -> Outcome:
        return await self._timed(channel, self.assistant.click(action_id, value, sender, origin, submission=submission))

    async def submit_form(
        self,
        channel: str,
        form_id: str,
        values: dict[str, str],
        sender: Sender,
        origin: Origin,
        metadata: str = "",
        *,
        submission: str | None = None,
    ) -> Outcome:
        return await self._timed(
            channel, self.assistant.submit_form(form_id, values, sender, origin, metadata, submission=submission)
        )

    async def again(self, channel: str, text: str, sender: Sender, origin: Origin) -> Outcome | None:
        """A card's read-only command (Reply.again) run again for this person; None for any other text."""
        if not self.assistant.shows_again(text):
            return None
        return await self.handle(channel, text, sender, origin)

    async def home(self, channel: str, sender: Sender, origin: Origin) -> Outcome:
        """A personal overview (Slack's App Home)."""
        return await self._timed(channel, self.assistant.home(sender, origin))

    async def welcome(self, channel: str, sender: Sender, origin: Origin, *, personal: bool) -> Outcome:
        """The greeting when the bot is installed somewhere."""

        async def welcomed() -> Outcome:
            return Outcome(await self.assistant.welcome(sender, origin, personal=personal), "welcome", "ok")

        return await self._timed(channel, welcomed())


#: Where the aiohttp application keeps the Runtime (set at start-up; channels read it in their cleanup_ctx).
RUNTIME = web.AppKey("runtime", Runtime)


async def open_store(settings: Settings) -> tuple[AsyncEngine, Store]:
    """Engine, schema brought up to date, sample plan loaded when the database has none."""
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        store = Store(
            engine,
            notify_channels=settings.notify_channels,
            stale_days=settings.stale_days,
            sla=settings.sla_policy,
            context_minutes=settings.context_minutes,
        )
        if settings.seed_sample:
            await seed_sample_if_empty(store)
            await seed_sample_articles_if_empty(store)
    except BaseException:
        await engine.dispose()
        raise
    return engine, store


async def build_runtime(settings: Settings) -> Runtime:
    engine, store = await open_store(settings)
    assistant = Assistant(store)
    metrics = Metrics(commands=[*(command.name for command in assistant.commands), *INTERACTIONS])
    return Runtime(
        settings=settings,
        engine=engine,
        store=store,
        assistant=assistant,
        metrics=metrics,
        outbox=Outbox(store, interval=settings.notify_interval, metrics=metrics),
        bookkeeping=Bookkeeping(store),
    )
