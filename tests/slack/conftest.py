"""Slack channel fixtures: the real server with the real bolt app, signed requests over HTTP, and a
recording fake Slack Web API on port 0 (SLACK_API_URL points at it). Tests read like a Slack workspace."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient, TestServer
from slack_sdk.signature import SignatureVerifier

from bot.runtime import RUNTIME, build_runtime
from bot.server import create_app
from bot.settings import Settings
from bot.slack.app import SLACK, setup_slack
from bot.slack.scopes import WEB_API_SCOPES
from tests.slack.fake_slack import TEAM_ID, FakeSlack

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SUPPORT_CHANNEL = "#ict-desk"

PEOPLE = {
    "UROB": {"real_name": "Rob Requester", "email": "rob.requester@maidstone.gov.uk"},
    "UALEX": {"real_name": "Alex Agent", "email": "alex.agent@midkent.gov.uk"},
    "ULUKE": {"real_name": "Luke Fenwick", "email": "luke.fenwick@midkent.gov.uk"},  # owns actions in the plan
    "UEVE": {"real_name": "Eve Nosy", "email": "eve@swale.gov.uk"},
}


def sign(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
    }


class Workspace:
    """A Slack workspace talking to the bot: every method posts a signed request into the running app."""

    def __init__(self, client: TestClient, fake: FakeSlack, app):
        self.client = client
        self.fake = fake
        self.app = app
        self.channel_id = "CGENERAL"

    @property
    def runtime(self):
        return self.app[RUNTIME]

    @property
    def store(self):
        return self.runtime.store

    async def post(self, body: str, content_type: str, headers: dict | None = None, **sign_args):
        signed = sign(body, **sign_args) if headers is None else headers
        return await self.client.post(
            "/slack/events", data=body.encode(), headers={**signed, "Content-Type": content_type}
        )

    async def command(self, text: str, user: str = "UROB", *, channel: str | None = None, **sign_args):
        """`/ict <text>` typed by `user`; returns the HTTP response (the ack)."""
        body = urlencode(
            {
                "token": "unused",
                "team_id": TEAM_ID,
                "team_domain": "mks",
                "channel_id": channel or self.channel_id,
                "channel_name": "general",
                "user_id": user,
                "user_name": user.lower(),
                "command": "/ict",
                "text": text,
                "api_app_id": "A1",
                "response_url": self.fake.response_url(),
                "trigger_id": f"trigger-{user}-{time.monotonic_ns()}",
            }
        )
        return await self.post(body, "application/x-www-form-urlencoded", **sign_args)

    async def ict(self, text: str, user: str = "UROB") -> dict:
        """`/ict <text>`, asserting a 200 ack; returns the ack's JSON ({} when empty)."""
        response = await self.command(text, user)
        assert response.status == 200, await response.text()
        raw = await response.text()
        return json.loads(raw) if raw else {}

    async def interact(self, payload: dict):
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded")

    async def click(
        self, button: dict, user: str = "UALEX", *, container: dict | None = None, channel: str | None = None
    ):
        """Press a button taken from rendered blocks (its action_id and value)."""
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM_ID, "domain": "mks"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID},
            "api_app_id": "A1",
            "trigger_id": f"trigger-{user}-{time.monotonic_ns()}",
            "container": container or {"type": "message", "channel_id": channel or self.channel_id},
            "actions": [
                {
                    "type": "button",
                    "block_id": "b1",
                    "action_id": button["action_id"],
                    "value": button.get("value", ""),
                    "text": button["text"],
                    "action_ts": str(time.time()),
                }
            ],
        }
        if payload["container"]["type"] == "message":
            payload["channel"] = {"id": channel or self.channel_id, "name": "general"}
            payload["response_url"] = self.fake.response_url()
        elif payload["container"]["type"] == "view":
            payload["view"] = {"id": "V1", "type": payload["container"].get("view_type", "home")}
        return await self.interact(payload)

    async def choose(self, view: dict, value: str, user: str = "UROB", *, view_id: str = "VPICK"):
        """Choose `value` in the select of a modal (as opened with views.open), as Slack sends it: block_actions
        from inside the view, with the view's id, hash and private_metadata, and no response_url."""
        [select] = [b["accessory"] for b in view["blocks"] if (b.get("accessory") or {}).get("type") == "static_select"]
        [option] = [o for o in select["options"] if o["value"] == value]
        opened = {**view, "id": view_id, "hash": "1700000000.hash", "state": {"values": {}}}
        return await self.interact(
            {
                "type": "block_actions",
                "team": {"id": TEAM_ID, "domain": "mks"},
                "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID},
                "api_app_id": "A1",
                "trigger_id": f"trigger-{user}-{time.monotonic_ns()}",
                "container": {"type": "view", "view_id": view_id},
                "view": opened,
                "actions": [
                    {
                        "type": "static_select",
                        "block_id": "pick",
                        "action_id": select["action_id"],
                        "selected_option": option,
                        "placeholder": select.get("placeholder"),
                        "action_ts": str(time.time()),
                    }
                ],
            }
        )

    async def submit(self, view: dict, values: dict[str, str], user: str = "UROB", *, view_id: str | None = None):
        """Submit a modal (as opened with views.open) with the given input values. Slack gives every opened
        modal its own id; pass the same view_id to submit one modal again."""
        state: dict = {}
        for block in view["blocks"]:
            if block["type"] != "input":
                continue
            element = block["element"]
            name = block["block_id"]
            if name not in values:
                continue
            if element["type"] == "static_select":
                state[name] = {
                    element["action_id"]: {"type": "static_select", "selected_option": {"value": values[name]}}
                }
            else:
                state[name] = {element["action_id"]: {"type": element["type"], "value": values[name]}}
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID},
            "user": {"id": user, "username": user.lower(), "name": user.lower()},
            "api_app_id": "A1",
            "trigger_id": "trigger-submit",
            "view": {
                "id": view_id or f"V{time.monotonic_ns()}",
                "type": "modal",
                "callback_id": view["callback_id"],
                "private_metadata": view.get("private_metadata", ""),
                "state": {"values": state},
            },
        }
        return await self.interact(payload)

    async def event(self, event: dict, *, event_id: str, retry: int | None = None):
        body = json.dumps(
            {
                "token": "unused",
                "team_id": TEAM_ID,
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(time.time()),
                "event": event,
            }
        )
        signed = sign(body)
        if retry is not None:
            signed = {**signed, "X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.post(body, "application/json", headers=signed)

    async def settle(self) -> None:
        """Let everything after the acks finish: background replies, then the outbox, then what it started."""
        channel = self.app[SLACK]
        for _ in range(3):
            await channel.background.settle()
            await self.runtime.outbox.drain()
        await channel.background.settle()

    async def make_agent(self, user: str) -> None:
        await self.store.set_role(f"slack:{user}", "agent", True, display_name=PEOPLE[user]["real_name"])


def slack_settings(tmp_path, fake: FakeSlack, **extra) -> Settings:
    values = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'slack.db'}",
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "SLACK_SUPPORT_CHANNEL": SUPPORT_CHANNEL,
        "ICTBOT_TEAMS_ENABLED": False,
        "ICTBOT_NOTIFY_INTERVAL": 3600,
        **extra,
    }
    return Settings(_env_file=None, **values)


@pytest.fixture
async def fake_slack():
    fake = FakeSlack()
    fake.users.update(PEOPLE)
    await fake.start()
    yield fake
    await fake.close()
    undeclared = fake.methods() - set(WEB_API_SCOPES) - {"response_url", "apps.connections.open"}
    assert not undeclared, f"Web API methods called but not declared in bot/slack/scopes.py: {undeclared}"


@pytest.fixture
async def workspace(tmp_path, fake_slack):
    settings = slack_settings(tmp_path, fake_slack)
    runtime = await build_runtime(settings)
    app = create_app(settings, runtime=runtime, setups=[setup_slack])
    try:
        async with TestClient(TestServer(app)) as client:
            app[SLACK].profiles.first_wait = 10.0  # a loaded CI machine must not turn names into user ids
            yield Workspace(client, fake_slack, app)
    finally:
        await runtime.close()


def buttons(blocks: list[dict]) -> list[dict]:
    """Every button in rendered blocks."""
    found = []
    for block in blocks:
        if block["type"] == "actions":
            found += [e for e in block["elements"] if e["type"] == "button"]
        accessory = block.get("accessory")
        if accessory and accessory.get("type") == "button":
            found.append(accessory)
    return found


def button(blocks: list[dict], label: str, value: str | None = None) -> dict:
    for b in buttons(blocks):
        if b["text"]["text"] == label and (value is None or b.get("value") == value):
            return b
    raise AssertionError(f"no button {label!r} ({value}) in {[x['text']['text'] for x in buttons(blocks)]}")


def texts(blocks: list[dict]) -> str:
    """All the text in rendered blocks, for 'is it there' checks."""
    out: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                out.append(node["text"])
            for value in node.values():
                if isinstance(value, dict | list):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return "\n".join(out)
