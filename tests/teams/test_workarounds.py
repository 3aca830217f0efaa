"""The botbuilder-python 4.17.1 workarounds of bot/teams/sdk_patches.py: each defect shown as shipped and
fixed, each cost shown removed. (Refused tokens: tests/teams/test_tokens.py; connector retries:
test_connector_errors_are_retried_later_and_the_change_stands in tests/teams/test_notifications.py.)"""

from __future__ import annotations

import json

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from msrest.universal_http.requests import ClientRetryPolicy

from bot.teams.app import TEAMS
from tests.teams.conftest import TeamsUser

SAM = TeamsUser("aad-sam", "Sam Smith")


async def proactive_turn(teams, callback) -> None:
    """Run `callback` in a proactive turn in Sam's personal chat (as the outbox does)."""
    from bot.teams.references import reference_from_dict

    activity = teams.message(SAM, "x")
    reference = {
        "channelId": "msteams",
        "serviceUrl": activity["serviceUrl"],
        "conversation": {"id": "a:personal-aad-sam"},
        "bot": activity["recipient"],
        "user": activity["from"],
    }
    await teams.client.app[TEAMS].adapter.continue_conversation(reference_from_dict(reference), callback, "")


STOCK_SAFE_CODES = [i for i in range(500) if i != 408] + [501, 505]  # msrest 0.7.1's list


async def test_stock_cloud_adapter_process_answers_500_to_expect_replies(teams):
    """botbuilder-python issue 2156, as shipped: the reason /api/messages does not call adapter.process."""
    endpoint = teams.client.app[TEAMS]

    async def stock(request: web.Request) -> web.Response:
        return await endpoint.adapter.process(request, endpoint.bot)

    app = web.Application()
    app.router.add_post("/stock", stock)
    async with TestClient(TestServer(app, port=0)) as client:
        activity = teams.message(SAM, "status", deliveryMode="expectReplies")
        response = await client.post("/stock", data=json.dumps(activity), headers={"Content-Type": "application/json"})
        assert response.status == 500
    ours = await teams.post(teams.message(SAM, "status", deliveryMode="expectReplies"))
    assert ours.status == 200
    assert (await ours.json())["activities"][0]["type"] == "message"


async def test_msrest_retry_policy_fix_is_applied_at_start_up_and_keeps_the_same_codes(teams):
    assert isinstance(ClientRetryPolicy.safe_codes, frozenset)
    assert ClientRetryPolicy.safe_codes == frozenset(STOCK_SAFE_CODES)
    expected = [i for i in range(999) if i not in STOCK_SAFE_CODES]
    assert ClientRetryPolicy().policy.status_forcelist == expected


async def test_connector_clients_made_during_a_turn_use_the_fixed_policy(teams):
    endpoint = teams.client.app[TEAMS]
    seen = []

    async def capture(context):
        client = context.turn_state.get(endpoint.adapter.BOT_CONNECTOR_CLIENT_KEY)
        seen.append(type(client.config.retry_policy).safe_codes)

    await proactive_turn(teams, capture)
    assert seen and isinstance(seen[0], frozenset)


def test_applying_the_fix_twice_changes_nothing_more():
    from bot.teams.sdk_patches import apply_msrest_retry_fix

    apply_msrest_retry_fix()
    before = ClientRetryPolicy.safe_codes
    assert apply_msrest_retry_fix() is False
    assert ClientRetryPolicy.safe_codes is before


def _status_card() -> dict:
    from bot.teams.render import render_adaptive_card
    from handlers import Field, Item, Reply

    items = tuple(
        Item(title=f"Theme {i}", text="0 red · 2 amber", rag="amber", fields=(Field("Actions", str(i)),))
        for i in range(6)
    )
    return render_adaptive_card(Reply(title="Status", text="29 actions *across* 6 themes", items=items))


def test_card_json_is_sent_exactly_as_a_plain_dict_card_but_msrest_does_not_walk_it():
    import copy

    from botbuilder.core import CardFactory, MessageFactory
    from botframework.connector import models
    from msrest.serialization import Serializer

    from bot.teams.sdk_patches import CardJSON, activity_json

    card = _status_card()
    plain = MessageFactory.attachment(CardFactory.adaptive_card(card))
    wrapped = MessageFactory.attachment(CardFactory.adaptive_card(CardJSON(card)))
    serializer = Serializer({k: v for k, v in vars(models).items() if isinstance(v, type)})
    # what the connector client posts (Serializer.body), what expectReplies answers, what .serialize() gives
    assert json.dumps(serializer.body(wrapped, "Activity")) == json.dumps(serializer.body(plain, "Activity"))
    assert json.dumps(activity_json(wrapped)) == json.dumps(activity_json(plain))
    assert wrapped.serialize() == plain.serialize()

    class Counting(Serializer):
        def serialize_object(self, attr, **kwargs):
            self.calls += 1
            return super().serialize_object(attr, **kwargs)

    def generic_objects(activity) -> int:
        counting = Counting(serializer.dependencies)
        counting.calls = 0
        counting.body(activity, "Activity")
        return counting.calls

    assert generic_objects(plain) > 100  # every node and string of the card
    assert generic_objects(wrapped) == 1  # the card, taken whole

    assert CardJSON(card) == card and str(CardJSON(card)) == str(card)
    assert copy.deepcopy(wrapped).attachments[0].content is wrapped.attachments[0].content


def test_the_sdk_reads_and_writes_tenant_id_as_tenantID_so_references_carry_it_as_teams_spells_it():
    from botbuilder.core import TurnContext
    from botbuilder.schema import Activity

    from bot.teams.references import reference_of
    from bot.teams.sdk_patches import tenant_of

    data = {
        "type": "message",
        "id": "m1",
        "channelId": "msteams",
        "serviceUrl": "https://smba.trafficmanager.net/emea/",
        "from": {"id": "29:a", "name": "A", "aadObjectId": "aad-a"},
        "recipient": {"id": "28:bot", "name": "ICT Assistant"},
        "conversation": {"id": "a:personal-a", "conversationType": "personal", "tenantId": "t"},
    }
    activity = Activity().deserialize(data)
    assert activity.conversation.tenant_id is None  # the SDK looks for `tenantID`
    stock = TurnContext.get_conversation_reference(activity).serialize()
    assert "tenantId" not in stock["conversation"]  # ... so its reference loses the tenant
    assert tenant_of(activity) == "t"
    reference = reference_of(activity)
    assert reference["conversation"]["tenantId"] == "t"
    assert {**reference, "conversation": {**reference["conversation"], "tenantId": None}} == {
        **stock,
        "conversation": {**stock["conversation"], "tenantId": None},
    }

    from botbuilder.schema import ChannelAccount, ConversationParameters

    from bot.teams.sdk_patches import personal_chat_parameters

    assert ConversationParameters(tenant_id="t").serialize() == {"tenantID": "t"}  # a key Teams ignores
    ours = personal_chat_parameters(ChannelAccount(id="28:bot"), "29:a", "t").serialize()
    assert ours["channelData"] == {"tenant": {"id": "t"}}


def test_a_message_only_action_execute_answer_cannot_be_serialised_by_the_sdk_model():
    from botbuilder.core import serializer_helper
    from botbuilder.schema import AdaptiveCardInvokeResponse
    from msrest.exceptions import SerializationError

    from bot.teams.adapter import MESSAGE_RESPONSE_TYPE
    from bot.teams.sdk_patches import AdaptiveCardMessageResponse

    fields = {"status_code": 200, "type": MESSAGE_RESPONSE_TYPE, "value": "Done."}
    with pytest.raises(SerializationError):
        serializer_helper(AdaptiveCardInvokeResponse(**fields))
    assert serializer_helper(AdaptiveCardMessageResponse(**fields)) == {
        "statusCode": 200,
        "type": MESSAGE_RESPONSE_TYPE,
        "value": "Done.",
    }
