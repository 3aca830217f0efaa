"""Conversation references: what we store to message people and the triage channel proactively.

A user's personal-chat reference is stored under their user key (`teams:<aadObjectId>`); the last group
chat or channel they spoke in under `teams:<aadObjectId>#chat`, used only to open a personal chat with them
(never to post their notifications where others can read them). The triage channel is owner `triage`.
"""

from __future__ import annotations

import json

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ConversationAccount, ConversationReference
from cachetools import LRUCache

from bot.teams.errors import TeamsConfigError
from bot.teams.sdk_patches import set_tenant, tenant_of
from bot.teams.urls import is_http_url
from handlers.admin import TRIAGE_OWNER as TRIAGE_OWNER  # the set-triage command stores it

PLATFORM = "teams"
CHAT_SUFFIX = "#chat"
GLOBAL_SERVICE_URL = "https://smba.trafficmanager.net/teams/"


def is_personal(activity: Activity) -> bool:
    conversation = activity.conversation
    return conversation is not None and (conversation.conversation_type or "personal") == "personal"


def owner_key(user_key: str, activity: Activity) -> str:
    return user_key if is_personal(activity) else user_key + CHAT_SUFFIX


#: Serialised references kept: msrest serialises a reference node by node (about a millisecond a turn, a fifth
#: of a `status` turn's CPU; benchmarks/README.md), while people write from the same few conversations.
SERIALISED_REFERENCES = 4096
_serialised: LRUCache[tuple, str] = LRUCache(maxsize=SERIALISED_REFERENCES)


def _fields(model: object) -> str | None:
    return None if model is None else repr(vars(model))


def reference_of(activity: Activity) -> dict:
    """The activity's conversation reference as plain JSON (camelCase, as Bot Framework writes it),
    with the tenant kept (Teams needs it to open a personal chat).

    The JSON is kept per (user, bot, conversation, channel, locale, service URL, tenant), each as its model's
    fields exactly, so a change in any of them is a different key; only the activityId differs between
    messages. Each call returns a new dict."""
    model = TurnContext.get_conversation_reference(activity)
    tenant = tenant_of(activity)
    key = (
        _fields(model.user),
        _fields(model.bot),
        _fields(model.conversation),
        model.channel_id,
        model.locale,
        model.service_url,
        tenant,
    )
    serialised = _serialised.get(key)
    if serialised is None:
        activity_id, model.activity_id = model.activity_id, None
        serialised = json.dumps(set_tenant(model.serialize(), tenant))
        model.activity_id = activity_id
        _serialised[key] = serialised
    reference = json.loads(serialised)
    if model.activity_id is not None:  # first, as ConversationReference serialises it
        reference = {"activityId": model.activity_id, **reference}
    return reference


def channel_reference_of(activity: Activity) -> dict:
    """The reference of the channel itself (not the thread the message was in), for new top-level posts."""
    reference = reference_of(activity)
    conversation = reference.get("conversation") or {}
    conversation["id"] = str(conversation.get("id", "")).split(";messageid=")[0]
    reference["conversation"] = conversation
    reference.pop("activityId", None)
    return reference


def reference_from_dict(data: dict) -> ConversationReference:
    return ConversationReference().deserialize(data)


def reference_from_setting(
    value: str | None, tenant_id: str = "", *, name: str = "ICTBOT_TEAMS_TRIAGE_CONVERSATION"
) -> dict | None:
    """ICTBOT_TEAMS_TRIAGE_CONVERSATION: a JSON conversation reference, or `[SERVICE_URL] CONVERSATION_ID`.
    Anything else is a TeamsConfigError naming the setting (`name`)."""
    value = (value or "").strip()
    if not value:
        return None
    shape = f"{name} is '[SERVICE_URL] CONVERSATION_ID' (SERVICE_URL an http(s) URL) or a JSON conversation reference"
    if value.startswith("{"):
        try:
            data = json.loads(value)
        except ValueError as e:
            raise TeamsConfigError(f"{name} is not valid JSON ({e.msg} at character {e.pos}); {shape}.") from None
        conversation = data.get("conversation") if isinstance(data, dict) else None
        if not isinstance(conversation, dict) or not isinstance(conversation.get("id"), str) or not conversation["id"]:
            raise TeamsConfigError(f"{name} JSON needs conversation.id (a string).")
        data.setdefault("channelId", "msteams")
        data.setdefault("serviceUrl", GLOBAL_SERVICE_URL)
        if not is_http_url(data["serviceUrl"]):
            raise TeamsConfigError(f"{name} JSON has a serviceUrl that is not an http(s) URL.")
        return data
    parts = value.split()
    service_url, conversation_id = (parts[0], parts[1]) if len(parts) == 2 else (GLOBAL_SERVICE_URL, parts[0])
    if len(parts) > 2 or not is_http_url(service_url):
        raise TeamsConfigError(f"{shape}.")
    conversation = ConversationAccount(id=conversation_id, is_group=True, conversation_type="channel")
    data = ConversationReference(channel_id="msteams", service_url=service_url, conversation=conversation).serialize()
    return set_tenant(data, tenant_id)
