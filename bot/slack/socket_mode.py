"""Socket Mode (SLACK_APP_TOKEN): the same bolt app, fed over Slack's WebSocket instead of HTTP.

For councils with no public endpoint. bolt's aiohttp socket-mode handler opens the connection
(apps.connections.open with the app-level token) and keeps it up; we start it with the server and close it
on shutdown. Connecting happens in the background so the server starts even while Slack is unreachable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

log = logging.getLogger(__name__)


class SocketMode:
    def __init__(self, app: AsyncApp, app_token: str):
        self.handler = AsyncSocketModeHandler(app, app_token)
        self._connecting: asyncio.Task | None = None

    def start(self) -> None:
        self._connecting = asyncio.create_task(self.handler.connect_async(), name="slack-socket-mode-connect")
        log.info("Slack Socket Mode: connecting")

    async def stop(self) -> None:
        if self._connecting is not None and not self._connecting.done():
            self._connecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._connecting
        await self.handler.close_async()
