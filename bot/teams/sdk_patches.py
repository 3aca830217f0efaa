"""Every workaround for botbuilder-python 4.17.1, in one place. That release is final: the repository
(microsoft/botbuilder-python) is archived, so none of these defects will be fixed upstream.

Defects (each shown failing without its workaround in tests/teams/test_workarounds.py):

* expectReplies answers 500 (botbuilder-python issue 2156): `CloudAdapterBase._process_turn_results` turns
  `ExpectedReplies` into a dict and `CloudAdapter.process` hands that dict to `serializer_helper`, which takes
  msrest models only. Our route calls `process_activity` itself and serialises with `invoke_body_json`.
* The tenant id is spelt `tenantID`: `ConversationAccount` and `ConversationParameters` map `tenant_id` to a
  `tenantID` key, so the SDK never reads the `conversation.tenantId` Teams sends and writes a key Teams
  ignores. `tenant_of` reads it where Teams puts it; `set_tenant` writes it as Teams spells it, and
  `personal_chat_parameters` also puts it in channelData.tenant.id, where Teams reads it.
* Some refused tokens are not PermissionErrors: a token without `iss` raises KeyError, an unknown key id
  IndexError, a disallowed algorithm or a key not endorsed for the channel a bare Exception; the adapter
  answers each with 500. `TeamsBotFrameworkAuthentication` makes them PermissionError (401).
* `AdaptiveCardInvokeResponse.value` is typed as a dict, so the message-only answer to Action.Execute
  (`value` a string, as Teams documents it) cannot be serialised: `AdaptiveCardMessageResponse`.
* Connector clients retry failed posts themselves (urllib3, 3 times with back-off, on a worker thread) and
  the SDK offers no setting for it; the outbox retries with its own back-off, so `without_sdk_retries`
  turns the client's retries off for a proactive turn.

Costs (each kept because benchmarks/teams_bench.py `--compare` shows it changes a figure by more than 20%
at 50 concurrent connections; the figures are in benchmarks/README.md):

* msrest's `ClientRetryPolicy.safe_codes` is a 500-element list scanned 999 times whenever a connector client
  is configured (twice a turn): `apply_msrest_retry_fix` makes it a frozenset of the same codes.
* `CloudAdapterBase.process_activity` builds a `UserTokenClient` (an msrest client, configured like the
  connector's) for every turn, for OAuth sign-in prompts this bot never shows. `LazyUserTokenClient` makes it
  on first use instead, so a turn that signs nobody in does not pay for it.
* msrest walks an outgoing activity node by node to serialise it, and `TurnContext` deep-copies it first, so a
  large card cost milliseconds a reply in both. Cards travel as `CardJSON`, which msrest takes whole and deep
  copies share; `TeamsCloudAdapter` builds the expectReplies body the same way. The bytes sent are the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from http import HTTPStatus

from botbuilder.core import InvokeResponse, TurnContext, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import (
    Activity,
    AdaptiveCardInvokeResponse,
    ChannelAccount,
    ConversationParameters,
    DeliveryModes,
    TokenResponse,
)
from botframework.connector.auth import AuthenticateRequestResult, ClaimsIdentity, UserTokenClient
from botframework.connector.token_api.models import SignInUrlResponse, TokenExchangeRequest, TokenStatus
from msrest.serialization import Model
from msrest.universal_http.requests import ClientRetryPolicy

# ------------------------------------------------------------ expectReplies (issue 2156)


def invoke_body_json(body: object) -> object:
    """An invoke response body as JSON-ready data: a msrest model is serialised, plain JSON passes through."""
    if isinstance(body, Model):
        return serializer_helper(body)
    return body  # already plain JSON (a dict from .serialize() or one of ours)


# ------------------------------------------------------------ tenantID


def tenant_of(activity: Activity) -> str | None:
    """The Entra tenant: channelData.tenant.id, else conversation.tenantId (which the SDK's model, expecting
    `tenantID`, leaves among the additional properties)."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant")
    if isinstance(tenant, dict) and tenant.get("id"):
        return str(tenant["id"])
    conversation = activity.conversation
    if conversation is None:
        return None
    return conversation.tenant_id or (conversation.additional_properties or {}).get("tenantId")


def set_tenant(reference: dict, tenant: str | None) -> dict:
    """A serialised conversation reference with conversation.tenantId as Teams spells it (when known)."""
    if tenant:
        reference.setdefault("conversation", {})["tenantId"] = tenant
    return reference


def personal_chat_parameters(bot: ChannelAccount, user_id: str, tenant: str | None) -> ConversationParameters:
    """What creates a personal chat with `user_id` in `tenant` (Teams needs the tenant to create one)."""
    return ConversationParameters(
        is_group=False,
        bot=bot,
        members=[ChannelAccount(id=user_id)],
        tenant_id=tenant,
        channel_data={"tenant": {"id": tenant}} if tenant else None,
    )


# ------------------------------------------------------------ refused tokens


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
    """The samples' authentication, with every refused token a PermissionError (401) and user token clients
    made only when used (see the module docstring). A failure to fetch the signing keys stays an OSError (503)."""

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        parent = super()
        return LazyUserTokenClient(lambda: parent.create_user_token_client(claims_identity))

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        try:
            return await super().authenticate_request(activity, auth_header)
        except (PermissionError, OSError):
            raise
        except Exception as e:
            raise PermissionError(f"token refused ({type(e).__name__})") from e


# ------------------------------------------------------------ Action.Execute message answers


class AdaptiveCardMessageResponse(AdaptiveCardInvokeResponse):
    """An Action.Execute answer that shows a short message and leaves the card as it was (value is text)."""

    _attribute_map = {
        "status_code": {"key": "statusCode", "type": "int"},
        "type": {"key": "type", "type": "str"},
        "value": {"key": "value", "type": "str"},
    }


# ------------------------------------------------------------ connector client retries


def without_sdk_retries(context: TurnContext, adapter: CloudAdapter) -> None:
    """The turn's connector client posts once; the outbox retries with back-off itself."""
    client = context.turn_state.get(adapter.BOT_CONNECTOR_CLIENT_KEY)
    policy = getattr(getattr(client, "config", None), "retry_policy", None)
    if policy is not None:
        policy.retries = 0
        policy.policy.status_forcelist = frozenset()


# ------------------------------------------------------------ msrest retry codes


def apply_msrest_retry_fix() -> bool:
    """Make `ClientRetryPolicy.safe_codes` a frozenset (same members). True when it changed something."""
    codes = ClientRetryPolicy.safe_codes
    if isinstance(codes, frozenset):
        return False
    ClientRetryPolicy.safe_codes = frozenset(codes)
    return True


# ------------------------------------------------------------ cards msrest does not walk


class CardJSON(dict, Model):
    """A finished card's JSON (an attachment's `content`), cheap for botbuilder to handle.

    It is a dict (json.dumps, tests and CardFactory see a dict) and, for msrest, a model whose only attribute
    is "additional properties", which msrest copies in whole instead of walking every node and string. Each
    reply gets its own (see card_content in activity_bot.py); `deepcopy` (TurnContext copies every outgoing
    activity) shares it within that reply instead of copying a few hundred nodes."""

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


class TeamsCloudAdapter(CloudAdapter):
    """CloudAdapter whose expectReplies body is JSON-ready and built without walking each card."""

    def _process_turn_results(self, context: TurnContext) -> InvokeResponse:
        if context.activity.delivery_mode == DeliveryModes.expect_replies:
            body = {"activities": [activity_json(a) for a in context.buffered_reply_activities]}
            return InvokeResponse(status=HTTPStatus.OK, body=body)
        return super()._process_turn_results(context)
