"""Switching the channel on and off, and Socket Mode over a real WebSocket to the local fake Slack."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.runtime import build_runtime
from bot.server import create_app
from bot.settings import Settings
from bot.slack.app import SLACK, setup_slack
from tests.slack.conftest import slack_settings, texts


def test_slack_stays_off_without_its_tokens(tmp_path):
    app = web.Application()
    settings = Settings(_env_file=None, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    assert setup_slack(app, settings) is None
    assert list(app.router.routes()) == []
    half = Settings(_env_file=None, SLACK_BOT_TOKEN="xoxb-1", DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    assert setup_slack(app, half) is None


async def test_health_lists_slack_among_the_channels(workspace):
    response = await workspace.client.get("/healthz")
    assert (await response.json())["channels"] == ["slack"]


async def test_startup_log_names_the_mode_and_triage_channel(tmp_path, fake_slack, caplog):
    settings = slack_settings(tmp_path, fake_slack)
    with caplog.at_level(logging.INFO, logger="bot"):
        async with TestClient(TestServer(create_app(settings, setups=[setup_slack]))):
            pass
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Slack on: HTTP at /slack/events; triage channel #ict-desk" in logged
    assert "channels on: slack" in logged
    assert "xoxb-test-token" not in logged


async def test_socket_mode_carries_a_slash_command_over_the_websocket(tmp_path, fake_slack):
    settings = slack_settings(tmp_path, fake_slack, SLACK_SIGNING_SECRET="", SLACK_APP_TOKEN="xapp-test-token")
    runtime = await build_runtime(settings)
    app = create_app(settings, runtime=runtime, setups=[setup_slack])
    try:
        async with TestClient(TestServer(app)) as client:
            assert (await client.post("/slack/events", data="x")).status in (404, 405)  # no HTTP endpoint
            await asyncio.wait_for(fake_slack.socket_connected.wait(), timeout=10)
            [opened] = fake_slack.of("apps.connections.open")
            assert opened.token == "xapp-test-token"
            ack = await fake_slack.send_envelope(
                {
                    "envelope_id": "env-1",
                    "type": "slash_commands",
                    "accepts_response_payload": True,
                    "payload": {
                        "team_id": "T0MKS",
                        "channel_id": "CGENERAL",
                        "user_id": "UROB",
                        "user_name": "rob",
                        "command": "/ict",
                        "text": "support the plotter is out of ink",
                        "response_url": fake_slack.response_url(),
                        "trigger_id": "trigger-socket",
                    },
                }
            )
            assert "ICT-1 raised" in texts(ack["payload"]["blocks"])
            await app[SLACK].background.settle()
            await runtime.outbox.drain()
            assert [c.args["channel"] for c in fake_slack.of("chat.postMessage")] == ["#ict-desk"]
    finally:
        await runtime.close()
