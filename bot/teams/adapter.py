"""The Bot Framework adapter built from our Settings, and the workarounds botbuilder-python 4.17.1 needs.

Workarounds (both measured on 4.17.1, both applied here and nowhere else):

* `deliveryMode: expectReplies`: `CloudAdapterBase._process_turn_results` serialises `ExpectedReplies` to a
  dict and `CloudAdapter.process` hands that dict to `serializer_helper`, which only takes msrest models:
  every such request answers 500 (botbuilder-python issue 2156). Our route calls `process_activity` itself
  and serialises the body with `invoke_body_json`, which accepts a model or already-plain JSON; and
  `TeamsCloudAdapter` builds the expectReplies body without walking each card through msrest.
* msrest walks an outgoing activity node by node to serialise it (and `TurnContext.send_activities` deep-copies
  it first), so a large Adaptive Card cost milliseconds per reply in both. Cards travel as `CardJSON`: JSON
  that msrest passes through whole and that copies share (see its docstring); the bytes sent are the same.
* `CloudAdapterBase.process_activity` builds a `UserTokenClient` (a msrest client, ~0.35 ms) for every turn,
  for OAuth sign-in prompts this bot never shows. `TeamsBotFrameworkAuthentication` hands out one that is
  built on its first use instead (`LazyUserTokenClient`), so a turn that signs nobody in does not pay.
* msrest's `ClientRetryPolicy.safe_codes` is a 500-element list scanned 999 times each time a connector
  client is configured (twice per turn). Making it a frozenset once at start-up keeps the same retry
  codes and removes that CPU cost (`apply_msrest_retry_fix`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus

from botbuilder.core import InvokeResponse, TurnContext, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ActivityTypes, AdaptiveCardInvokeResponse, DeliveryModes, TokenResponse
from botframework.connector.auth import AuthenticateRequestResult, ClaimsIdentity, UserTokenClient
from botframework.connector.token_api.models import SignInUrlResponse, TokenExchangeRequest, TokenStatus
from msrest.serialization import Model
from msrest.universal_http.requests import ClientRetryPolicy

from bot.settings import Settings
from bot.teams.errors import TeamsConfigError
from handlers.errors import new_error_id, sorry

log = logging.getLogger(__name__)

MESSAGE_RESPONSE_TYPE = "application/vnd.microsoft.activity.message"
APP_TYPES = {"multitenant": "MultiTenant", "singletenant": "SingleTenant", "userassignedmsi": "UserAssignedMSI"}


def apply_msrest_retry_fix() -> bool:
    """Make `ClientRetryPolicy.safe_codes` a frozenset (same members). True when it changed something."""
    codes = ClientRetryPolicy.safe_codes
    if isinstance(codes, frozenset):
        return False
    ClientRetryPolicy.safe_codes = frozenset(codes)
    return True


def app_type_of(setting: str) -> str | None:
    """MicrosoftAppType spelt as botbuilder spells it; None when unknown. Empty (as the Azure Bot samples'
    configuration leaves it) is MultiTenant, as botbuilder itself reads it."""
    setting = setting.strip()
    return APP_TYPES.get(setting.lower()) if setting else "MultiTenant"


@dataclass(frozen=True)
class BotAuthConfig:
    """The configuration object ConfigurationBotFrameworkAuthentication reads (attribute names as the samples)."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str

    @classmethod
    def from_settings(cls, settings: Settings) -> BotAuthConfig:
        """The credentials, checked: a TeamsConfigError (never a traceback) says which setting is wrong."""
        app_id = settings.microsoft_app_id.strip()
        app_type = app_type_of(settings.microsoft_app_type)
        password = settings.microsoft_app_password.get_secret_value()
        tenant_id = settings.microsoft_app_tenant_id.strip()
        if app_type is None:
            raise TeamsConfigError(
                f"MicrosoftAppType is '{settings.microsoft_app_type}'; use MultiTenant, SingleTenant or UserAssignedMSI."
            )
        if not app_id:
            # Local mode (Bot Framework Emulator): no credentials, no token checks.
            app_type = "MultiTenant"
        else:
            if app_type in ("SingleTenant", "UserAssignedMSI") and not tenant_id:
                raise TeamsConfigError(
                    f"MicrosoftAppType is {app_type}, which needs MicrosoftAppTenantId (your Directory (tenant) ID)."
                )
            if app_type != "UserAssignedMSI" and not password.strip():
                raise TeamsConfigError(
                    f"MicrosoftAppId is set but MicrosoftAppPassword is empty; a {app_type} bot needs the client "
                    "secret from the Azure Bot's Configuration > Manage Password."
                )
        return cls(APP_ID=app_id, APP_PASSWORD=password, APP_TYPE=app_type, APP_TENANTID=tenant_id)

    @property
    def local_mode(self) -> bool:
        return not self.APP_ID


def allowed_tenant(settings: Settings) -> str | None:
    """The only tenant the bot accepts activities from: MicrosoftAppTenantId whenever it is set, whatever the
    app type (SingleTenant and UserAssignedMSI require it; a MultiTenant bot given one is restricted too).
    None (any tenant) only for a MultiTenant bot without one."""
    return settings.microsoft_app_tenant_id.strip() or None


class CardJSON(dict, Model):
    """A finished card's JSON (an attachment's `content`), cheap for botbuilder to handle.

    It is a dict (json.dumps, tests and CardFactory see a dict) and, for msrest, a model whose only attribute
    is "additional properties", which msrest copies in whole instead of walking every node and string (that
    walk was most of the CPU of a `status` reply). Rendering is finished when it is wrapped: nothing edits a
    card afterwards, so `deepcopy` (TurnContext copies every outgoing activity) shares it instead of copying
    a few hundred nodes."""

    _attribute_map = {"additional_properties": {"key": "", "type": "{object}"}}
    _validation: dict = {}

    @property
    def additional_properties(self) -> dict:
        return self

    def __deepcopy__(self, memo: dict) -> CardJSON:
        return self

    __str__ = dict.__repr__
    __eq__ = dict.__eq__
    __ne__ = dict.__ne__
    __hash__ = None  # type: ignore[assignment]


def activity_json(activity: Activity) -> dict:
    """An outgoing activity as JSON. Card contents are already plain JSON, so msrest (slow, node by node)
    serialises everything but them."""
    attachments = activity.attachments or []
    contents = [a.content for a in attachments]
    try:
        for a in attachments:
            a.content = None
        data = activity.serialize()
    finally:
        for a, content in zip(attachments, contents, strict=True):
            a.content = content
    for a, content in zip(data.get("attachments") or [], contents, strict=False):
        if content is not None:
            a["content"] = content
    return data


class LazyUserTokenClient(UserTokenClient):
    """The turn's UserTokenClient, made by `make` the first time one of its methods is called."""

    def __init__(self, make: Callable[[], Awaitable[UserTokenClient]]):
        self._make = make
        self._client: UserTokenClient | None = None
        self._lock = asyncio.Lock()

    async def client(self) -> UserTokenClient:
        async with self._lock:
            if self._client is None:
                self._client = await self._make()
        return self._client

    async def get_user_token(
        self, user_id: str, connection_name: str, channel_id: str, magic_code: str
    ) -> TokenResponse:
        return await (await self.client()).get_user_token(user_id, connection_name, channel_id, magic_code)

    async def get_sign_in_resource(
        self, connection_name: str, activity: Activity, final_redirect: str
    ) -> SignInUrlResponse:
        return await (await self.client()).get_sign_in_resource(connection_name, activity, final_redirect)

    async def sign_out_user(self, user_id: str, connection_name: str, channel_id: str):
        return await (await self.client()).sign_out_user(user_id, connection_name, channel_id)

    async def get_token_status(self, user_id: str, channel_id: str, include_filter: str) -> list[TokenStatus]:
        return await (await self.client()).get_token_status(user_id, channel_id, include_filter)

    async def get_aad_tokens(
        self, user_id: str, connection_name: str, resource_urls: list[str], channel_id: str
    ) -> dict[str, TokenResponse]:
        return await (await self.client()).get_aad_tokens(user_id, connection_name, resource_urls, channel_id)

    async def exchange_token(
        self, user_id: str, connection_name: str, channel_id: str, exchange_request: TokenExchangeRequest
    ) -> TokenResponse:
        return await (await self.client()).exchange_token(user_id, connection_name, channel_id, exchange_request)


class TeamsBotFrameworkAuthentication(ConfigurationBotFrameworkAuthentication):
    """The samples' authentication, with user token clients made only when used (see the module docstring),
    and every refused token a PermissionError (401).

    botbuilder 4.17.1 raises other exceptions for some bad tokens: a token without `iss` (KeyError), an
    unknown key id (IndexError), a disallowed algorithm or a key not endorsed for the channel (bare
    Exception); each would have been a 500. A failure to fetch the signing keys stays an OSError (503)."""

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        try:
            return await super().authenticate_request(activity, auth_header)
        except (PermissionError, OSError):
            raise
        except Exception as e:
            raise PermissionError(f"token refused ({type(e).__name__})") from e

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        parent = super()
        return LazyUserTokenClient(lambda: parent.create_user_token_client(claims_identity))


class TeamsCloudAdapter(CloudAdapter):
    """CloudAdapter whose expectReplies body is JSON-ready (see the module docstring) and cheap to make."""

    def _process_turn_results(self, context: TurnContext) -> InvokeResponse:
        if context.activity.delivery_mode == DeliveryModes.expect_replies:
            body = {"activities": [activity_json(a) for a in context.buffered_reply_activities]}
            return InvokeResponse(status=HTTPStatus.OK, body=body)
        return super()._process_turn_results(context)


def build_adapter(settings: Settings) -> CloudAdapter:
    config = BotAuthConfig.from_settings(settings)
    adapter = TeamsCloudAdapter(TeamsBotFrameworkAuthentication(config, logger=log))
    adapter.on_turn_error = on_turn_error
    return adapter


class TenantRefused(Exception):
    """An activity from another tenant reached a single-tenant bot. Not a PermissionError on purpose: the
    adapter would turn that into 401, and this is a 403."""


class AdaptiveCardMessageResponse(AdaptiveCardInvokeResponse):
    """An Action.Execute answer that shows a short message and leaves the card as it was (value is text;
    the SDK's model types `value` as a dict, which cannot hold it)."""

    _attribute_map = {
        "status_code": {"key": "statusCode", "type": "int"},
        "type": {"key": "type", "type": "str"},
        "value": {"key": "value", "type": "str"},
    }


def message_response(text: str) -> InvokeResponse:
    """200 with a message Teams shows over the card, which stays as it was."""
    return InvokeResponse(
        status=200, body=AdaptiveCardMessageResponse(status_code=200, type=MESSAGE_RESPONSE_TYPE, value=text)
    )


def error_text(error_id: str) -> str:
    return sorry(error_id).text


async def on_turn_error(context: TurnContext, error: Exception) -> None:
    """Anything a turn did not handle: logged with an id the user is shown; never a stack trace in chat.

    A button press (invoke) is answered 200 with a message carrying the id, so Teams shows it over the card
    (a 500 would only show Teams' own "something went wrong", without the id)."""
    if isinstance(error, TenantRefused):
        raise error
    error_id = new_error_id()
    log.error("error id %s: Teams turn failed", error_id, exc_info=(type(error), error, error.__traceback__))
    try:
        if context.activity.type == ActivityTypes.invoke:
            await context.send_activity(
                Activity(type=ActivityTypes.invoke_response, value=message_response(error_text(error_id)))
            )
        else:
            await context.send_activity(error_text(error_id))
    except Exception as e:  # the connector itself may be what failed
        log.warning("error id %s: could not tell the user: %s", error_id, type(e).__name__)


def invoke_body_json(body: object) -> object:
    """An invoke response body as JSON-ready data: a msrest model is serialised, plain JSON passes through."""
    if isinstance(body, Model):
        return serializer_helper(body)
    return body  # already plain JSON (a dict from .serialize() or one of ours)
