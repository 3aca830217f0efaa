"""Wires the Slack channel into the one aiohttp server: POST /slack/events, the outbox deliverer, Socket Mode.

On when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set (HTTP), or SLACK_BOT_TOKEN and SLACK_APP_TOKEN
(Socket Mode). The route is added when the app is created; bolt's AsyncApp, the Web API client and the
deliverer are built in the app's start-up, once the runtime exists, and closed on shutdown.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler, async_default_handlers
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime import RUNTIME, Runtime
from bot.settings import Settings
from bot.slack.background import Background
from bot.slack.deliver import SlackDeliverer
from bot.slack.files import SlackFiles
from bot.slack.inbound import Inbound, Refused
from bot.slack.listeners import SlackListeners
from bot.slack.profiles import Profiles
from bot.slack.replies import SlackReplies
from bot.slack.scopes import EVENTS_PATH
from bot.slack.socket_mode import SocketMode
from handlers.errors import new_error_id

log = logging.getLogger(__name__)


@dataclass
class SlackChannel:
    bolt: AsyncApp
    client: AsyncWebClient
    reply_client: AsyncWebClient
    background: Background
    profiles: Profiles
    deliverer: SlackDeliverer
    socket_mode: SocketMode | None = None


SLACK = web.AppKey("slack", SlackChannel)


def _secret(value) -> str:
    return value.get_secret_value() if value is not None else ""


def reply_retry_handlers() -> list:
    """For answers people are waiting for: a `ratelimited` (HTTP 429) is retried once, after Retry-After."""
    return [*async_default_handlers(), AsyncRateLimitErrorRetryHandler(max_retry_count=1)]


def build_channel(runtime: Runtime, settings: Settings, session: aiohttp.ClientSession) -> SlackChannel:
    token, api_url = _secret(settings.slack_bot_token), settings.slack_api_url
    # bolt, profile look-ups and the outbox deliverer: no rate-limit retry in the client (the deliverer turns
    # `ratelimited` into DeliveryError(retry_after=...) and the outbox waits; see bot/slack/deliver.py).
    client = AsyncWebClient(token=token, base_url=api_url, session=session, timeout=10)
    # Interactive replies (mention/DM answers, modals, response_url follow-ups) have no outbox behind them: a
    # rate-limited one is retried once after Slack's Retry-After. Same aiohttp session, so same connections.
    reply_client = AsyncWebClient(
        token=token, base_url=api_url, session=session, timeout=10, retry_handlers=reply_retry_handlers()
    )
    bolt = AsyncApp(
        name="ictbot",
        client=client,
        signing_secret=_secret(settings.slack_signing_secret) or None,
        process_before_response=True,  # answer in the ack; see docs/slack.md
        # Every HTTP request is verified on its raw bytes before bolt sees it (bot/slack/inbound.py), so bolt
        # does not compute the same HMAC again; Socket Mode requests carry no signature to verify.
        request_verification_enabled=False,
        logger=logging.getLogger("slack_bolt"),
    )
    background = Background()
    profiles = Profiles(client, background)
    files = SlackFiles(session, token, api_url)  # DMs' plan files, downloaded with the bot token
    SlackListeners(runtime, profiles, SlackReplies(reply_client), background, files).register(bolt)
    deliverer = SlackDeliverer(
        client,
        runtime.bookkeeping,
        settings.slack_support_channel,
        strategy_channel=settings.slack_strategy_channel,
        announce_channel=settings.slack_announce_channel,
    )
    app_token = _secret(settings.slack_app_token)
    socket_mode = SocketMode(bolt, app_token) if app_token else None
    return SlackChannel(bolt, client, reply_client, background, profiles, deliverer, socket_mode)


def events_route(signing_secret: str):
    """Slash commands, interactivity and the Events API: checked, then bolt verifies, dispatches and answers."""
    inbound = Inbound(signing_secret)

    async def slack_events(request: web.Request) -> web.Response:
        try:
            bolt_request = await inbound.bolt_request(request)
        except Refused as refused:
            return refused.response()
        try:
            bolt_response = await request.app[SLACK].bolt.async_dispatch(bolt_request)
        except Exception:  # bolt itself choked on a payload: still no 500 and no trace for Slack to show
            error_id = new_error_id()
            log.exception("error id %s: Slack payload could not be dispatched", error_id)
            return web.json_response(
                {"response_type": "ephemeral", "text": f"Sorry, that failed (error id {error_id})."}
            )
        return await to_aiohttp_response(bolt_response)

    return slack_events


def setup_slack(app: web.Application, settings: Settings) -> str | None:
    if not settings.slack_enabled:
        return None
    signing_secret = _secret(settings.slack_signing_secret)
    http = bool(signing_secret)
    if http:
        app.router.add_post(EVENTS_PATH, events_route(signing_secret))

    async def run_slack(app: web.Application):
        runtime = app[RUNTIME]
        async with aiohttp.ClientSession() as session:
            channel = build_channel(runtime, settings, session)
            app[SLACK] = channel
            runtime.outbox.register(channel.deliverer)
            modes = [f"HTTP at {EVENTS_PATH}"] if http else []
            if channel.socket_mode is not None:
                channel.socket_mode.start()
                modes.append("Socket Mode")
            log.info(
                "Slack on: %s; triage channel %s",
                " and ".join(modes),
                settings.slack_support_channel or "not set (no triage posts)",
            )
            yield
            if channel.socket_mode is not None:
                await channel.socket_mode.stop()
            await channel.background.close()

    app.cleanup_ctx.append(run_slack)
    return "slack"
