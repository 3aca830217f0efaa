"""A local aiohttp server on port 0 that plays the Slack Web API (and response_url, and Socket Mode's
WebSocket) and records every call, like bolt-python's tests/mock_web_api_server, without a fixed port."""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T0MKS"


@dataclass
class Call:
    method: str  # Web API method, or "response_url"
    args: dict
    token: str | None
    path: str


@dataclass
class Failure:
    error: str
    status: int = 200
    headers: dict = field(default_factory=dict)
    times: int | None = None  # None: every time
    plain: bool = False  # answer with text/plain (`error` is the body), as a proxy in front of Slack does


class FakeSlack:
    """users: Slack user id -> profile dict (real_name, email). Channel names resolve to ids starting with C."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict] = {}
        self.failures: dict[str, Failure] = {}
        self.channels: dict[str, str] = {}
        self.held: dict[str, asyncio.Event] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self.server: TestServer | None = None
        self.socket_inbox: asyncio.Queue = asyncio.Queue()  # what the app sends back over Socket Mode
        self.socket: web.WebSocketResponse | None = None
        self.socket_connected = asyncio.Event()
        self.files: dict[str, bytes] = {}  # file id -> the bytes served at its url_private_download
        self.redirects: dict[str, str] = {}  # file id -> where its download answers 302 instead
        self.downloads: list[Call] = []  # every GET of a file, with the token it carried

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{id}", self._response_url)
        app.router.add_get("/socket", self._socket)
        app.router.add_get("/files-pri/{team_file}/download/{name}", self._download)
        self.server = TestServer(app, port=0)
        await self.server.start_server()
        return self

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self.server is not None:
            await self.server.close()

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self) -> str:
        return f"{self.url}/response/{next(self._ids)}"

    def share_file(self, name: str, data: bytes, *, redirect_to: str | None = None) -> dict:
        """A file as Slack describes it in a file_share message; this server serves its download."""
        file_id = f"F{next(self._ids):05d}"
        self.files[file_id] = data
        if redirect_to is not None:
            self.redirects[file_id] = redirect_to
        return {
            "id": file_id,
            "name": name,
            "title": name,
            "mimetype": "text/csv",
            "filetype": name.rsplit(".", 1)[-1],
            "size": len(data),
            "mode": "hosted",
            "url_private": f"{self.url}/files-pri/{TEAM_ID}-{file_id}/{name}",
            "url_private_download": f"{self.url}/files-pri/{TEAM_ID}-{file_id}/download/{name}",
        }

    # ------------------------------------------------------------ what tests look at

    def fail(self, method: str, error: str, *, status: int = 200, headers: dict | None = None, times=None) -> None:
        self.failures[method] = Failure(error, status, headers or {}, times)

    def fail_plain(
        self,
        method: str,
        *,
        status: int = 503,
        text: str = "Service Unavailable",
        headers: dict | None = None,
        times=None,
    ) -> None:
        """`method` answers what a proxy sends when Slack is out of reach: a text/plain body, no Slack JSON."""
        self.failures[method] = Failure(text, status, headers or {}, times, plain=True)

    def rate_limit(self, method: str, *, retry_after: int = 1) -> None:
        """The next call of `method` gets what Slack sends when it throttles: HTTP 429, `ratelimited`, and
        Retry-After (whole seconds); the one after that succeeds."""
        self.fail(method, "ratelimited", status=429, headers={"Retry-After": str(retry_after)}, times=1)

    def hold(self, method: str) -> asyncio.Event:
        """Calls of `method` get no answer until the returned event is set (a slow Slack)."""
        self.held[method] = asyncio.Event()
        return self.held[method]

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def methods(self) -> set[str]:
        return {c.method for c in self.calls}

    def clear(self) -> None:
        self.calls.clear()

    # ------------------------------------------------------------ the Web API

    async def _args(self, request: web.Request) -> dict:
        args = dict(request.query)
        body = await request.text()
        if body:
            if request.content_type == "application/json":
                args.update(json.loads(body))
            else:
                args.update(dict(parse_qsl(body, keep_blank_values=True)))
        for key in ("blocks", "view"):
            if isinstance(args.get(key), str) and args[key][:1] in "[{":
                args[key] = json.loads(args[key])
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or args.get("token")
        self.calls.append(Call(method, args, token, request.path))
        if method in self.held:
            await self.held[method].wait()
        failure = self.failures.get(method)
        if failure is not None:
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    del self.failures[method]
            if failure.plain:
                return web.Response(
                    text=failure.error, status=failure.status, headers=failure.headers, content_type="text/plain"
                )
            return web.json_response(
                {"ok": False, "error": failure.error}, status=failure.status, headers=failure.headers
            )
        return web.json_response({"ok": True, **self._answer(method, args)})

    def _answer(self, method: str, args: dict) -> dict:
        if method == "auth.test":
            return {"user_id": BOT_USER_ID, "bot_id": BOT_ID, "team_id": TEAM_ID, "user": "ict", "team": "MKS"}
        if method == "users.info":
            user = args.get("user", "")
            if user not in self.users:
                return {"ok": False, "error": "user_not_found"}
            profile = self.users[user]
            return {"user": {"id": user, "name": profile.get("name", user.lower()), "profile": profile}}
        if method == "conversations.open":
            return {"channel": {"id": "D" + str(args.get("users", "")).lstrip("U")}}
        if method == "chat.postMessage":
            channel = str(args.get("channel", ""))
            channel_id = (
                self.channels.setdefault(channel, f"C{len(self.channels) + 1:04d}") if channel[:1] == "#" else channel
            )
            return {
                "channel": channel_id,
                "ts": f"1700000000.{next(self._ts):06d}",
                "message": {"text": args.get("text")},
            }
        if method == "chat.update":
            return {"channel": args.get("channel"), "ts": args.get("ts")}
        if method == "chat.postEphemeral":
            return {"message_ts": f"1700000000.{next(self._ts):06d}"}
        if method in ("views.open", "views.push", "views.publish"):
            return {"view": {"id": f"V{next(self._ids)}", **(args.get("view") or {})}}
        if method == "views.update":
            return {"view": {**(args.get("view") or {}), "id": args.get("view_id")}}
        if method == "apps.connections.open":
            return {"url": self.url.replace("http://", "ws://") + "/socket"}
        return {}

    async def _download(self, request: web.Request) -> web.Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or None
        self.downloads.append(Call("file", {}, token, request.path))
        file_id = request.match_info["team_file"].removeprefix(f"{TEAM_ID}-")
        if token is None or file_id not in self.files:  # as Slack: a file needs the bot's token
            return web.Response(status=404, text="not found")
        if file_id in self.redirects:
            raise web.HTTPFound(self.redirects[file_id])
        return web.Response(body=self.files[file_id], content_type="application/octet-stream")

    async def _response_url(self, request: web.Request) -> web.Response:
        self.calls.append(Call("response_url", await self._args(request), None, request.path))
        return web.Response(text="ok")

    # ------------------------------------------------------------ Socket Mode

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.socket = ws
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})
        self.socket_connected.set()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                await self.socket_inbox.put(json.loads(msg.data))
        return ws

    async def send_envelope(self, envelope: dict) -> dict:
        """Push one Socket Mode envelope to the app and return its acknowledgement."""
        assert self.socket is not None
        await self.socket.send_json(envelope)
        while True:
            answer = await asyncio.wait_for(self.socket_inbox.get(), timeout=10)
            if answer.get("envelope_id") == envelope["envelope_id"]:
                return answer
