"""The runtime every channel calls: each interaction is counted, home and welcome included; labels are closed."""

from __future__ import annotations

import pytest

from bot.runtime import build_runtime
from bot.settings import Settings
from handlers import Origin, Sender


@pytest.fixture
async def runtime(tmp_path):
    rt = await build_runtime(
        Settings(_env_file=None, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'rt.db'}", ICTBOT_TEAMS_ENABLED=False)
    )
    yield rt
    await rt.close()


SENDER = Sender(key="local:m", display_name="M")
ORIGIN = Origin(platform="local", conversation="local:m")


async def test_home_and_welcome_are_counted(runtime):
    home = await runtime.home("local", SENDER, ORIGIN)
    welcome = await runtime.welcome("teams", SENDER, ORIGIN, personal=True)
    assert home.reply is not None and welcome.reply is not None and welcome.reply.title
    body = runtime.metrics.exposition().decode()
    assert 'ictbot_commands_total{channel="local",command="home",outcome="ok"} 1.0' in body
    assert 'ictbot_commands_total{channel="teams",command="welcome",outcome="ok"} 1.0' in body


async def test_unknown_channels_forms_and_outcomes_share_one_label(runtime):
    for n in range(50):
        await runtime.submit_form(f"channel-{n}", f"form-{n}", {}, SENDER, ORIGIN)
    runtime.metrics.observe("local", "status", "surprising", 0.001)
    body = runtime.metrics.exposition().decode()
    assert "form-" not in body and "channel-" not in body and "surprising" not in body
    assert 'ictbot_commands_total{channel="unknown",command="unknown",outcome="usage"} 50.0' in body
    assert 'ictbot_commands_total{channel="local",command="status",outcome="unknown"} 1.0' in body


async def test_only_changes_wake_the_outbox(runtime):
    runtime.outbox._wake.clear()
    await runtime.handle("local", "status", SENDER, ORIGIN)
    await runtime.handle("local", "queue", SENDER, ORIGIN)  # denied: nothing changed
    assert not runtime.outbox._wake.is_set()
    await runtime.handle("local", "support the printer is jammed", SENDER, ORIGIN)
    assert runtime.outbox._wake.is_set()


async def test_the_staleness_setting_reaches_the_flags_status_shows(tmp_path):
    rt = await build_runtime(
        Settings(
            _env_file=None,
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'stale.db'}",
            ICTBOT_TEAMS_ENABLED=False,
            ICTBOT_STALE_DAYS=7,
        )
    )
    try:
        assert rt.store.stale_days == 7
    finally:
        await rt.close()


async def test_the_follow_up_setting_reaches_the_store(tmp_path):
    rt = await build_runtime(
        Settings(
            _env_file=None,
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'context.db'}",
            ICTBOT_TEAMS_ENABLED=False,
            ICTBOT_CONTEXT_MINUTES=3,
        )
    )
    try:
        assert rt.store.context_expiry.total_seconds() == 180
    finally:
        await rt.close()
