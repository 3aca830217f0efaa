"""The two botbuilder-python 4.17.1 defects we work around in bot/teams/, each shown and each fixed."""

from __future__ import annotations

import json

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from msrest.universal_http.requests import ClientRetryPolicy

from bot.teams.app import TEAMS
from tests.teams.conftest import TeamsUser

SAM = TeamsUser("aad-sam", "Sam Smith")
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

    from bot.teams.references import reference_from_dict

    reference = teams.message(SAM, "x")
    await endpoint.adapter.continue_conversation(
        reference_from_dict(
            {
                "channelId": "msteams",
                "serviceUrl": reference["serviceUrl"],
                "conversation": {"id": "a:personal-aad-sam"},
                "bot": reference["recipient"],
                "user": reference["from"],
            }
        ),
        capture,
        "",
    )
    assert seen and isinstance(seen[0], frozenset)


def test_applying_the_fix_twice_changes_nothing_more():
    from bot.teams.adapter import apply_msrest_retry_fix

    apply_msrest_retry_fix()
    before = ClientRetryPolicy.safe_codes
    assert apply_msrest_retry_fix() is False
    assert ClientRetryPolicy.safe_codes is before
