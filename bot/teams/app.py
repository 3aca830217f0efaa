"""The Teams channel on our aiohttp app: `POST /api/messages`, the adapter and bot, the outbox deliverer.

The route only translates, as botbuilder's `CloudAdapter.process` does, but serialises invoke bodies itself
(see sdk_patches.py: the 4.17.1 expectReplies defect).
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass

import aiohttp
import jwt
from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from msrest.exceptions import DeserializationError

from bot.runtime import RUNTIME
from bot.settings import Settings
from bot.teams.activity_bot import TeamsBot
from bot.teams.adapter import BotAuthConfig, TenantRefused, allowed_tenant, build_adapter
from bot.teams.deliver import TeamsDeliverer
from bot.teams.files import TeamsFiles
from bot.teams.references import reference_from_setting
from bot.teams.sdk_patches import apply_msrest_retry_fix, invoke_body_json
from bot.teams.urls import is_http_url

log = logging.getLogger(__name__)

ROUTE = "/api/messages"
# Headers reverse proxies, CDNs and tunnels add: a request carrying one was relayed from elsewhere, so its
# loopback address proves nothing about who sent it. A relay that adds none of them cannot be told apart from
# a local client, which is why local mode is for a developer's machine only (docs/teams.md).
PROXY_HEADERS = (
    "Forwarded",
    "X-Forwarded-For",
    "X-Forwarded-Host",
    "X-Forwarded-Proto",
    "X-Forwarded-Server",
    "X-Original-Forwarded-For",
    "X-Real-IP",
    "X-Client-IP",
    "True-Client-IP",
    "CF-Connecting-IP",
    "Via",
)


@dataclass
class TeamsEndpoint:
    adapter: CloudAdapter
    bot: TeamsBot
    local_mode: bool = False


TEAMS = web.AppKey("teams", TeamsEndpoint)


def _problem(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _from_this_machine(request: web.Request) -> bool:
    if any(name in request.headers for name in PROXY_HEADERS):
        return False  # relayed by a proxy or tunnel on this machine, from who knows where
    try:
        return ipaddress.ip_address((request.remote or "").split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _id(account: object) -> str:
    value = getattr(account, "id", None)
    return value.strip() if isinstance(value, str) else ""


def activity_problem(activity: Activity) -> str | None:
    """What makes an activity unusable, in words for the sender; None when it has what every turn needs:
    who sent it, to whom, in which conversation, and an http(s) service URL to answer on."""
    missing = [
        name
        for name, account in (
            ("from.id", activity.from_property),
            ("recipient.id", activity.recipient),
            ("conversation.id", activity.conversation),
        )
        if not _id(account)
    ]
    if missing:
        return "the activity has no " + ", ".join(missing)
    if not is_http_url(activity.service_url):
        return "the activity's serviceUrl must be an http(s) URL"
    return None


async def messages(request: web.Request) -> web.Response:
    endpoint = request.app[TEAMS]
    if endpoint.local_mode and not _from_this_machine(request):
        # Without an app id nothing proves who sent an activity, so anyone could pose as anyone:
        # local mode serves the Emulator on this machine only.
        log.warning("Teams local mode: refused an activity from %s (not this machine, or relayed)", request.remote)
        return _problem(
            403, "local mode (no MicrosoftAppId) accepts activities from this machine only, not through a proxy"
        )
    if "application/json" not in request.headers.get("Content-Type", ""):
        return _problem(415, "expected application/json")
    try:
        body = await request.json()
        activity = Activity().deserialize(body) if isinstance(body, dict) else None
    except (ValueError, DeserializationError):
        activity = None
    if activity is None or not activity.type:
        return _problem(400, "expected a Bot Framework activity")
    problem = activity_problem(activity)
    if problem is not None:
        log.info("refused a malformed activity (%s): %s", activity.type, problem)
        return _problem(400, problem)
    try:
        response = await endpoint.adapter.process_activity(
            request.headers.get("Authorization", ""), activity, endpoint.bot.on_turn
        )
    except (PermissionError, jwt.PyJWTError) as e:
        log.info("refused an activity without a valid Bot Framework token: %s", type(e).__name__)
        return _problem(401, "unauthorized")
    except TenantRefused:
        return _problem(403, "this bot serves one tenant only")
    except OSError as e:  # Bot Framework's signing keys could not be fetched to check the token
        log.warning("could not verify a Bot Framework token: %s", type(e).__name__)
        return _problem(503, "cannot verify the token now")
    if response is None:
        return web.Response(status=201)
    return web.json_response(invoke_body_json(response.body), status=int(response.status))


def setup_teams(app: web.Application, settings: Settings) -> str | None:
    if not settings.teams_enabled:
        return None
    # Bad settings stop start-up here, before the server listens, as one TeamsConfigError with a clear message.
    config = BotAuthConfig.from_settings(settings)
    triage = reference_from_setting(settings.teams_triage_conversation, settings.microsoft_app_tenant_id)
    strategy = reference_from_setting(
        settings.teams_strategy_conversation,
        settings.microsoft_app_tenant_id,
        name="ICTBOT_TEAMS_STRATEGY_CONVERSATION",
    )
    apply_msrest_retry_fix()
    app.router.add_post(ROUTE, messages)

    async def teams_channel(app: web.Application):
        runtime = app[RUNTIME]
        adapter = build_adapter(settings)
        downloads = aiohttp.ClientSession()  # files sent in personal chats (a plan to import)
        files = TeamsFiles(downloads, base_url=settings.teams_files_base_url)
        deliverer = TeamsDeliverer(
            adapter, runtime.bookkeeping, app_id=config.APP_ID, triage_reference=triage, strategy_reference=strategy
        )
        bot = TeamsBot(runtime, files=files, allowed_tenant=allowed_tenant(settings), personal_chat=deliverer.to_person)
        app[TEAMS] = TeamsEndpoint(adapter, bot, local_mode=config.local_mode)
        runtime.outbox.register(deliverer)
        if config.local_mode:
            log.warning(
                "Teams: LOCAL MODE at %s without authentication (Bot Framework Emulator), from this machine "
                "only. Set MicrosoftAppId to require Bot Framework tokens.",
                ROUTE,
            )
        else:
            log.info("Teams: %s bot %s... at %s", config.APP_TYPE, config.APP_ID[:8], ROUTE)
        try:
            yield
        finally:
            await downloads.close()

    app.cleanup_ctx.append(teams_channel)
    return "teams"
