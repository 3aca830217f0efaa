"""The aiohttp server over real HTTP: health (with a real database check), metrics, errors."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.runtime import build_runtime
from bot.server import create_app
from bot.settings import Settings


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        _env_file=None, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}", ICTBOT_TEAMS_ENABLED=False
    )


async def test_healthz_reports_database_ok(settings):
    async with TestClient(TestServer(create_app(settings, setups=[]))) as client:
        response = await client.get("/healthz")
        assert response.status == 200
        assert (await response.json())["database"] == "ok"


async def test_healthz_is_503_when_database_unreachable(tmp_path):
    settings = Settings(
        _env_file=None, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'gone.db'}", ICTBOT_TEAMS_ENABLED=False
    )
    runtime = await build_runtime(settings)
    try:
        async with TestClient(TestServer(create_app(settings, runtime=runtime, setups=[]))) as client:
            (tmp_path / "gone.db").unlink()
            await runtime.engine.dispose()  # drop pooled connections to the deleted file
            (tmp_path / "gone.db").mkdir()  # and make the path unopenable as a database
            response = await client.get("/healthz")
            assert response.status == 503
            assert await response.json() == {"status": "unavailable", "database": "unreachable"}
    finally:
        await runtime.close()


async def test_metrics_count_commands_by_outcome(settings):
    runtime = await build_runtime(settings)
    try:
        from handlers import Origin, Sender

        sender = Sender(key="local:m", display_name="M")
        await runtime.handle("local", "status", sender, Origin(platform="local"))
        await runtime.handle("local", "queue", sender, Origin(platform="local"))
        async with TestClient(TestServer(create_app(settings, runtime=runtime, setups=[]))) as client:
            response = await client.get("/metrics")
            body = await response.text()
        assert response.status == 200 and response.content_type == "text/plain"
        assert 'ictbot_commands_total{channel="local",command="status",outcome="ok"} 1.0' in body
        assert 'ictbot_commands_total{channel="local",command="queue",outcome="denied"} 1.0' in body
        assert "ictbot_command_seconds_bucket" in body
    finally:
        await runtime.close()


async def test_unknown_route_is_404_not_a_stack_trace(settings):
    async with TestClient(TestServer(create_app(settings, setups=[]))) as client:
        response = await client.get("/nope")
        assert response.status == 404
        assert "Traceback" not in await response.text()


async def test_server_seeds_sample_plan_on_a_new_database(settings):
    runtime = await build_runtime(settings)
    try:
        assert len(await runtime.store.list_themes()) == 6
    finally:
        await runtime.close()


async def test_old_event_ids_are_forgotten_recent_ones_kept(settings):
    from datetime import UTC, datetime, timedelta

    from bot.server import forget_old_event_ids

    runtime = await build_runtime(settings)
    try:
        now = datetime.now(UTC)
        assert await runtime.store.claim_event("old", now=now - timedelta(days=8))
        assert await runtime.store.claim_event("new", now=now - timedelta(days=1))
        assert await forget_old_event_ids(runtime) == 1
        assert await runtime.store.claim_event("old") is True
        assert await runtime.store.claim_event("new") is False
    finally:
        await runtime.close()
