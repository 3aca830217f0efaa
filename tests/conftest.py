"""Shared fixtures: a migrated database per test (SQLite always, PostgreSQL when configured), a store,
a controllable clock, and a conversation helper so handler tests read like chats."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from handlers import Assistant, Origin, Sender
from storage import Store
from storage.db import create_engine
from storage.migrate import current_revision, head_revision, upgrade
from storage.models import Base

PG_URL_ENV = "ICTBOT_TEST_DATABASE_URL"
PG_URL = os.environ.get(PG_URL_ENV, "").strip()
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

BROWSER_ENV = "ICTBOT_TEST_BROWSER"


def pytest_report_header(config) -> list[str]:
    """Say which optional parts of the suite run, so leaving them out is never silent."""
    browser = os.environ.get(BROWSER_ENV, "").strip() not in ("", "0")
    return [
        f"databases: {', '.join(BACKENDS)}" + ("" if PG_URL else f" (PostgreSQL too when {PG_URL_ENV} is set)"),
        "browser tests (tests/visual): "
        + ("on" if browser else f"off (set {BROWSER_ENV}=1 with Debian's chromium and npm ci in tests/visual)"),
    ]


async def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The PostgreSQL URL, schema freshly migrated. Configured but unreachable is a failure, not a skip."""
    if not PG_URL:
        pytest.fail(f"{PG_URL_ENV} is not set")
    try:
        # In a thread of its own: the fixture may be first requested from inside a running event loop.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(lambda: asyncio.run(asyncio.wait_for(_reset_postgres(PG_URL), timeout=60))).result()
    except Exception as e:
        shown = make_url(PG_URL).render_as_string(hide_password=True)
        pytest.fail(f"{PG_URL_ENV} is set but PostgreSQL at {shown} is unusable: {type(e).__name__}: {e}")
    return PG_URL


async def _truncate_postgres(engine) -> None:
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
async def database_url(request, tmp_path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'ictbot-test.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    try:
        if await current_revision(engine) != head_revision():  # a migration test left it at an older revision
            await upgrade(engine)
        await _truncate_postgres(engine)
    finally:
        await engine.dispose()
    yield url


@pytest.fixture
async def engine(database_url):
    engine = create_engine(database_url)
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def store(engine) -> Store:
    return Store(engine)


class Clock:
    """A settable clock: tests move time forward instead of sleeping."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2019, 11, 25, 9, 30, tzinfo=UTC))


@pytest.fixture
async def seeded_store(store) -> Store:
    from storage.kb_file import seed_sample_articles_if_empty
    from storage.plan_io import seed_sample_if_empty

    assert await seed_sample_if_empty(store)
    assert await seed_sample_articles_if_empty(store)
    return store


@pytest.fixture
def assistant(seeded_store, clock) -> Assistant:
    return Assistant(seeded_store, clock=clock)


class Person:
    """One local user talking to the assistant; `say` returns the plain-text reply."""

    def __init__(self, assistant: Assistant, name: str, email: str | None = None, platform: str = "local"):
        self.assistant = assistant
        self.sender = Sender(key=f"{platform}:{name.lower()}", display_name=name, email=email)
        self.origin = Origin(platform=platform, conversation=self.sender.key)
        self.last = None

    async def send(self, text: str):
        self.last = await self.assistant.handle(text, self.sender, self.origin)
        return self.last

    async def say(self, text: str) -> str:
        from bot.text import render_text

        outcome = await self.send(text)
        return render_text(outcome.reply) if outcome.reply else ""


@pytest.fixture
def person(assistant):
    def make(name: str, email: str | None = None, platform: str = "local") -> Person:
        return Person(assistant, name, email, platform)

    return make


@pytest.fixture
async def agent(person, seeded_store) -> Person:
    await seeded_store.set_role("local:alex", "agent", True, display_name="Alex")
    return person("Alex")


@pytest.fixture
async def admin(person, seeded_store) -> Person:
    await seeded_store.set_role("local:ada", "admin", True, display_name="Ada")
    return person("Ada")
