"""Authentication and tenancy at /api/messages: what can be proven without Microsoft's signing keys."""

from __future__ import annotations

import json

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.runtime import build_runtime
from bot.server import create_app
from bot.teams.app import setup_teams
from tests.teams.conftest import TENANT, Teams, TeamsUser, teams_settings

SAM = TeamsUser("aad-sam", "Sam Smith")
APP_ID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"


async def running(tmp_path, connector, **settings):
    settings = teams_settings(tmp_path, **settings)
    runtime = await build_runtime(settings)
    client = TestClient(TestServer(create_app(settings, runtime=runtime, setups=[setup_teams]), port=0))
    await client.start_server()
    await runtime.outbox.stop()
    return Teams(client, connector, runtime)


@pytest.fixture
async def secured(tmp_path, connector):
    teams = await running(tmp_path, connector, microsoft_app_id=APP_ID, microsoft_app_password="not-a-real-secret")
    yield teams
    await teams.client.close()
    await teams.runtime.close()


@pytest.fixture(params=["SingleTenant", "UserAssignedMSI", "MultiTenant"])
async def single_tenant_local(request, tmp_path, connector):
    """A bot given MicrosoftAppTenantId, of each app type (a MultiTenant one is restricted too)."""
    teams = await running(tmp_path, connector, microsoft_app_type=request.param, microsoft_app_tenant_id=TENANT)
    yield teams
    await teams.client.close()
    await teams.runtime.close()


@pytest.fixture
async def multi_tenant_local(tmp_path, connector):
    teams = await running(tmp_path, connector, microsoft_app_type="MultiTenant", microsoft_app_tenant_id="")
    yield teams
    await teams.client.close()
    await teams.runtime.close()


def from_tenant(teams, tenant: str | None, text: str = "support my laptop is broken") -> dict:
    activity = teams.message(SAM, text)
    if tenant is None:
        del activity["conversation"]["tenantId"]
        del activity["channelData"]["tenant"]
    else:
        activity["conversation"]["tenantId"] = tenant
        activity["channelData"]["tenant"]["id"] = tenant
    return activity


async def test_with_an_app_id_a_request_without_a_token_gets_401_and_nothing_runs(secured):
    response = await secured.post(secured.message(SAM, "support my laptop is broken"))
    assert response.status == 401
    assert secured.connector.calls == []
    assert await secured.runtime.store.find_user(SAM.key) is None
    assert await secured.runtime.store.my_tickets(SAM.key) == []


async def test_with_an_app_id_an_invoke_without_a_token_gets_401(secured):
    activity = secured.activity(SAM, type="invoke", name="adaptiveCard/action", value={"action": {}})
    assert (await secured.post(activity)).status == 401


@pytest.mark.parametrize("tenant", ["00000000-0000-4000-8000-00000000dead", None])
async def test_single_tenant_bot_refuses_another_tenant_and_runs_nothing(single_tenant_local, tenant):
    teams = single_tenant_local
    response = await teams.post(from_tenant(teams, tenant))
    assert response.status == 403
    assert teams.connector.calls == []
    assert await teams.runtime.store.find_user(SAM.key) is None


async def test_single_tenant_bot_serves_its_own_tenant(single_tenant_local):
    reply = await single_tenant_local.say(SAM, "help")
    assert "what I can do" in reply.text


async def test_a_multi_tenant_bot_without_a_tenant_id_serves_any_tenant(multi_tenant_local):
    teams = multi_tenant_local
    assert (await teams.post(from_tenant(teams, "00000000-0000-4000-8000-00000000beef", "help"))).status == 201
    assert "what I can do" in teams.connector.sent[-1].text


def test_unknown_app_type_stops_start_up(tmp_path):
    from aiohttp import web

    with pytest.raises(ValueError, match="MicrosoftAppType"):
        setup_teams(web.Application(), teams_settings(tmp_path, microsoft_app_type="Anonymous"))


@pytest.mark.parametrize("header", ["Bearer abc.def.ghi", "Bearer", "Basic c2FtOnNlY3JldA=="])
async def test_with_an_app_id_a_malformed_token_gets_401(secured, header):
    response = await secured.post(secured.message(SAM, "help"), headers={"Authorization": header})
    assert response.status == 401
    assert secured.connector.calls == []


class _Transport:
    """Stands in for a socket connected from another machine (aiohttp reads the peer from the transport)."""

    def __init__(self, peer: str):
        self.peer = peer

    def get_extra_info(self, name: str, default=None):
        return (self.peer, 50123) if name == "peername" else default

    def is_closing(self) -> bool:
        return False


@pytest.mark.parametrize("peer", ["203.0.113.7", "2001:db8::7"])
async def test_local_mode_refuses_activities_from_other_machines(teams, peer):
    from aiohttp.test_utils import make_mocked_request

    from bot.teams.app import messages

    body = json.dumps(teams.message(TeamsUser("mallory-aad", "Mallory"), "queue")).encode()
    request = make_mocked_request(
        "POST",
        "/api/messages",
        headers={"Content-Type": "application/json"},
        app=teams.client.app,
        transport=_Transport(peer),
    )
    request._read_bytes = body  # the body as aiohttp would have read it
    response = await messages(request)
    assert response.status == 403 and "this machine only" in response.text
    assert teams.connector.sent == [] and await teams.runtime.store.find_user("teams:mallory-aad") is None


async def test_local_mode_serves_this_machine(teams):

    reply = await teams.say(TeamsUser("pat-aad", "Pat"), "help")
    assert reply is not None


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Forwarded", "for=203.0.113.7;proto=https"),
        ("X-Forwarded-For", "203.0.113.7"),
        ("X-Forwarded-Host", "ictbot.example.devtunnels.ms"),
        ("X-Forwarded-Proto", "https"),
        ("X-Real-IP", "203.0.113.7"),
        ("Via", "1.1 ictbot.example.devtunnels.ms"),
        ("CF-Connecting-IP", "203.0.113.7"),
        ("True-Client-IP", "203.0.113.7"),
        ("X-Client-IP", "203.0.113.7"),
        ("X-Original-Forwarded-For", "203.0.113.7"),
        ("X-Forwarded-Server", "ictbot.example.devtunnels.ms"),
        ("x-forwarded-for", "203.0.113.7"),  # header names are case-insensitive
    ],
)
async def test_local_mode_refuses_activities_relayed_by_a_proxy_on_this_machine(teams, header, value):
    mallory = TeamsUser("mallory-aad", "Mallory")
    response = await teams.post(teams.message(mallory, "support give me admin"), headers={header: value})
    assert response.status == 403
    assert "proxy" in (await response.json())["error"]
    assert teams.connector.calls == []
    assert await teams.runtime.store.find_user(mallory.key) is None
