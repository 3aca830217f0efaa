"""manifest/slack/*.yaml against the code: the command, the routes, every event handled, and scopes that
cover every Web API method the code calls (read from the source; the recording server checks the rest)."""

from __future__ import annotations

import ast
import logging
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.scopes import (
    APP_LEVEL_SCOPES,
    COMMAND,
    EVENT_SCOPES,
    EVENTS_PATH,
    WEB_API_SCOPES,
    required_bot_scopes,
)
from handlers.commands import ALL_COMMANDS
from tests.slack.conftest import texts

REPO = Path(__file__).resolve().parents[2]
HTTP = REPO / "manifest" / "slack" / "manifest.yaml"
SOCKET = REPO / "manifest" / "slack" / "manifest.socket-mode.yaml"


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def web_api_methods_called_in(source_dir: Path) -> set[str]:
    """`client.chat_postMessage(...)` and the like anywhere in bot/slack -> {"chat.postMessage", ...}."""
    methods = set()
    for path in source_dir.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and "_" in node.attr.strip("_")
                and node.attr != "api_call"
                and callable(getattr(AsyncWebClient, node.attr, None))
            ):
                methods.add(node.attr.replace("_", "."))
    return methods


@pytest.mark.parametrize("path", [HTTP, SOCKET], ids=["http", "socket-mode"])
def test_manifest_declares_the_command_events_and_exactly_the_scopes_the_code_needs(path):
    manifest = load(path)
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == COMMAND
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == set(EVENT_SCOPES)
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == required_bot_scopes()
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert manifest["features"]["bot_user"]["display_name"]


@pytest.mark.parametrize("path", [HTTP, SOCKET], ids=["http", "socket-mode"])
def test_the_slash_commands_usage_hint_is_the_one_the_commands_declare(path):
    [command] = load(path)["features"]["slash_commands"]
    assert command["usage_hint"] == ALL_COMMANDS.usage_hint()
    assert "support [problem]" in command["usage_hint"] and "resolve ICT-42 note" in command["usage_hint"]


@pytest.mark.parametrize("path", [HTTP, SOCKET], ids=["http", "socket-mode"])
def test_the_slash_command_sends_people_mentioned_as_their_member_ids(path):
    """`/ict grant agent @Priya` names Priya by her member id (<@U...>) only when Slack escapes mentions."""
    [command] = load(path)["features"]["slash_commands"]
    assert command["should_escape"] is True


def test_http_manifest_points_every_request_url_at_our_route_on_a_placeholder_host():
    manifest = load(HTTP)
    urls = [
        manifest["features"]["slash_commands"][0]["url"],
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["settings"]["interactivity"]["request_url"],
    ]
    for url in urls:
        parsed = urlparse(url)
        assert parsed.scheme == "https" and parsed.hostname.endswith("example.org")
        assert parsed.path == EVENTS_PATH
    assert manifest["settings"]["socket_mode_enabled"] is False


def test_socket_mode_manifest_differs_only_in_the_switch_and_urls():
    http, socket = load(HTTP), load(SOCKET)
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "url" not in socket["features"]["slash_commands"][0]
    assert "request_url" not in socket["settings"]["event_subscriptions"]
    assert "request_url" not in socket["settings"]["interactivity"]
    for section in (http, socket):
        section["settings"].pop("socket_mode_enabled")
        section["features"]["slash_commands"][0].pop("url", None)
        section["settings"]["event_subscriptions"].pop("request_url", None)
        section["settings"]["interactivity"].pop("request_url", None)
    assert http == socket


def test_every_web_api_method_in_the_code_is_declared_with_its_scopes():
    called = web_api_methods_called_in(REPO / "bot" / "slack")
    assert {"chat.postMessage", "chat.update", "conversations.open", "users.info", "views.open"} <= called
    assert called <= set(WEB_API_SCOPES) | set(APP_LEVEL_SCOPES), called - set(WEB_API_SCOPES)


async def test_the_running_app_answers_the_manifests_command_at_its_route(workspace):
    manifest = load(HTTP)
    assert manifest["features"]["slash_commands"][0]["command"] == COMMAND
    routes = {(r.method, r.resource.canonical) for r in workspace.app.router.routes()}
    assert ("POST", urlparse(manifest["settings"]["event_subscriptions"]["request_url"]).path) in routes
    ack = await workspace.ict("help")
    assert "ICT Assistant" in texts(ack["blocks"])


async def test_every_declared_event_has_a_listener(workspace, caplog):
    samples = {
        "app_mention": {"type": "app_mention", "user": "UROB", "text": "<@UBOT> help", "channel": "C1", "ts": "1.1"},
        "message.im": {
            "type": "message",
            "channel_type": "im",
            "user": "UROB",
            "text": "help",
            "channel": "D1",
            "ts": "1.2",
        },
        "app_home_opened": {"type": "app_home_opened", "user": "UROB", "channel": "D1", "tab": "home"},
    }
    assert set(samples) == set(load(HTTP)["settings"]["event_subscriptions"]["bot_events"])
    with caplog.at_level(logging.WARNING, logger="slack_bolt"):
        for n, (name, event) in enumerate(samples.items()):
            response = await workspace.event(event, event_id=f"EvManifest{n}")
            assert response.status == 200, name
        await workspace.settle()
    assert not [r for r in caplog.records if "Unhandled request" in r.getMessage()]
    assert workspace.fake.of("views.publish") and workspace.fake.of("chat.postMessage")
