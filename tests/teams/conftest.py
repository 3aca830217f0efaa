"""Teams channel fixtures: the running app with the real CloudAdapter (local mode unless a test says
otherwise), and a recording fake Bot Connector on port 0 that the activities name as their serviceUrl."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.runtime import build_runtime
from bot.server import create_app
from bot.settings import Settings
from bot.teams.app import setup_teams

TENANT = "72f988bf-0000-4000-8000-000000000001"
BOT_ID = "28:ict-assistant-bot"
#: The published schemas, kept in the repository (see tests/schemas/README.md).
SCHEMAS = __import__("pathlib").Path(__file__).resolve().parents[1] / "schemas"
CARD_SCHEMA = SCHEMAS / "adaptive-card-1.5.structure.json"
MANIFEST_SCHEMA = SCHEMAS / "teams-manifest-v1.29.structure.json"


@dataclass
class Call:
    method: str
    path: str
    conversation: str
    body: dict | None
    activity_id: str | None = None

    @property
    def card(self) -> dict | None:
        for a in (self.body or {}).get("attachments") or []:
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive":
                return a["content"]
        return None

    @property
    def text(self) -> str:
        card = self.card
        return card["fallbackText"] if card else (self.body or {}).get("text", "")


@dataclass
class FakeConnector:
    """Plays the Bot Connector: records every call; `fail(status, times)` makes the next posts fail."""

    url: str = ""
    calls: list[Call] = field(default_factory=list)
    members: dict[str, dict] = field(default_factory=dict)
    failures: list[tuple[int, dict]] = field(default_factory=list)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    #: Files this server serves as SharePoint would at a file attachment's downloadUrl, and every download.
    files: dict[str, bytes] = field(default_factory=dict)
    downloads: list[Call] = field(default_factory=list)

    def file_url(self, name: str, data: bytes) -> str:
        """Serve `data` at a pre-authenticated download address (the key is in the URL, as SharePoint's is)."""
        key = f"k{next(self.ids)}"
        self.files[key] = data
        return f"{self.url}files/{key}/{name}?tempauth=secret-{key}"

    async def download(self, request: web.Request) -> web.Response:
        self.downloads.append(Call("GET", request.path, "", None))
        data = self.files.get(request.match_info["key"])
        if data is None or request.query.get("tempauth") != f"secret-{request.match_info['key']}":
            return web.Response(status=401)
        return web.Response(body=data, content_type="application/octet-stream")

    def fail(self, status: int, times: int = 1, headers: dict | None = None) -> None:
        self.failures += [(status, headers or {})] * times

    @property
    def sent(self) -> list[Call]:
        """Messages posted (new, replies and proactive), in order."""
        return [c for c in self.calls if c.method == "POST" and "/activities" in c.path]

    def sent_to(self, conversation: str) -> list[Call]:
        return [c for c in self.sent if c.conversation == conversation]

    @property
    def updates(self) -> list[Call]:
        return [c for c in self.calls if c.method == "PUT"]

    def _failure(self) -> web.Response | None:
        if not self.failures:
            return None
        status, headers = self.failures.pop(0)
        body = {"error": {"code": "BotNotInConversationRoster" if status == 403 else "Failure", "message": "fake"}}
        return web.json_response(body, status=status, headers=headers)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else None
        info = request.match_info
        call = Call(request.method, request.path, info.get("conversation", ""), body, info.get("activity"))
        self.calls.append(call)
        if request.method == "GET":  # a roster lookup
            member = self.members.get(info["member"])
            if member is None:
                return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)
            return web.json_response(member)
        failure = self._failure()
        if failure is not None:
            return failure
        if request.path == "/v3/conversations":
            user = body["members"][0]["id"].removeprefix("29:")
            return web.json_response({"id": f"a:personal-{user}", "activityId": None, "serviceUrl": self.url})
        if request.method == "PUT":
            return web.json_response({"id": info["activity"]})
        return web.json_response({"id": f"activity-{next(self.ids)}"})


@pytest.fixture
async def connector():
    fake = FakeConnector()
    app = web.Application()
    app.router.add_get("/v3/conversations/{conversation}/members/{member}", fake.handle)
    app.router.add_post("/v3/conversations", fake.handle)
    app.router.add_post("/v3/conversations/{conversation}/activities", fake.handle)
    app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", fake.handle)
    app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", fake.handle)
    app.router.add_get("/files/{key}/{name}", fake.download)
    server = TestServer(app, port=0)
    await server.start_server()
    fake.url = str(server.make_url("/"))
    yield fake
    await server.close()


def teams_settings(tmp_path, **overrides) -> Settings:
    values = {
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'teams.db'}",
        "microsoft_app_id": "",
        "notify_interval": 3600.0,
        "seed_sample": True,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@dataclass
class TeamsUser:
    aad: str
    name: str
    email: str | None = None

    @property
    def key(self) -> str:
        return f"teams:{self.aad}"

    @property
    def channel_id(self) -> str:
        return f"29:{self.aad}"

    def account(self) -> dict:
        return {"id": self.channel_id, "name": self.name, "aadObjectId": self.aad}


class Teams:
    """Posts activities shaped as Teams sends them to /api/messages of the running app."""

    def __init__(self, client: TestClient, connector: FakeConnector, runtime):
        self.client = client
        self.connector = connector
        self.runtime = runtime
        self.ids = itertools.count(1)

    def activity(self, user: TeamsUser, *, kind: str = "personal", conversation: str | None = None, **extra) -> dict:
        conversation = conversation or (f"a:personal-{user.aad}" if kind == "personal" else "19:general@thread.tacv2")
        channel_data = {"tenant": {"id": TENANT}}
        if kind == "channel":
            channel_data |= {"team": {"id": "19:team@thread.tacv2"}, "channel": {"id": conversation}}
        activity = {
            "id": f"in-{next(self.ids)}",
            "channelId": "msteams",
            "serviceUrl": self.connector.url,
            "timestamp": "2019-11-25T09:30:00.000Z",
            "from": user.account(),
            "recipient": {"id": BOT_ID, "name": "ICT Assistant"},
            "conversation": {
                "id": conversation,
                "conversationType": kind,
                "tenantId": TENANT,
                **({"isGroup": True} if kind != "personal" else {}),
            },
            "channelData": channel_data,
            "locale": "en-GB",
        }
        activity.update(extra)
        return activity

    def message(self, user: TeamsUser, text: str, *, kind: str = "personal", mention: bool = False, **extra) -> dict:
        entities = []
        if mention:
            text = f"<at>ICT Assistant</at> {text}"
            entities.append(
                {
                    "type": "mention",
                    "text": "<at>ICT Assistant</at>",
                    "mentioned": {"id": BOT_ID, "name": "ICT Assistant"},
                }
            )
        return self.activity(user, kind=kind, type="message", text=text, entities=entities, **extra)

    async def post(self, activity: dict, headers: dict | None = None):
        return await self.client.post(
            "/api/messages", data=json.dumps(activity), headers={"Content-Type": "application/json", **(headers or {})}
        )

    async def say(self, user: TeamsUser, text: str, **kwargs) -> Call:
        """Send a message; returns the one reply the connector received."""
        before = len(self.connector.sent)
        response = await self.post(self.message(user, text, **kwargs))
        assert response.status in (200, 201), await response.text()
        replies = self.connector.sent[before:]
        assert len(replies) == 1, replies
        return replies[0]


def execute_invoke(teams: Teams, user, action: dict, inputs: dict | None = None, kind: str = "personal") -> dict:
    """The invoke Teams sends when `user` presses an Action.Execute (`action`, from a card we sent), with the
    card's input values."""
    data = dict(action["data"]) | (inputs or {})
    value = {"action": {"type": "Action.Execute", "verb": action["verb"], "data": data}, "trigger": "manual"}
    return teams.activity(user, kind=kind, type="invoke", name="adaptiveCard/action", value=value)


@pytest.fixture
async def teams_app(tmp_path, connector):
    """(Teams helper, runtime) with the real app on a test server; the outbox is drained by the tests. Files
    sent in chat may be downloaded from the fake connector's server too (as from SharePoint)."""
    settings = teams_settings(tmp_path, teams_files_base_url=connector.url)
    runtime = await build_runtime(settings)
    app = create_app(settings, runtime=runtime, setups=[setup_teams])
    client = TestClient(TestServer(app, port=0))
    await client.start_server()
    await runtime.outbox.stop()  # tests call runtime.outbox.drain() themselves
    yield Teams(client, connector, runtime)
    await client.close()
    await runtime.close()


@pytest.fixture
def teams(teams_app) -> Teams:
    return teams_app


@pytest.fixture
def card_schema() -> dict:
    return json.loads(CARD_SCHEMA.read_text())


@pytest.fixture
def validate_card(card_schema):
    import jsonschema

    validator = jsonschema.Draft6Validator(card_schema)

    def check(card: dict) -> dict:
        errors = sorted(validator.iter_errors(card), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
        assert card.get("fallbackText")
        return card

    return check
