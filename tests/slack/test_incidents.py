"""Major incidents in Slack, through the real bolt app and the fake Web API: opening one is announced in the
triage and announcement channels; a new request that matches it is offered it with a button; three linked
requests are resolved by resolving the incident, each requester told exactly once; and a person's second
request like their first, the same day, is offered the first one instead."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.runtime import build_runtime
from bot.server import create_app
from bot.slack.app import SLACK, setup_slack
from tests.slack.conftest import Workspace, button, slack_settings, texts

ANNOUNCE = "#staff-news"


@pytest.fixture
async def announcing(tmp_path, fake_slack):
    settings = slack_settings(tmp_path, fake_slack, SLACK_ANNOUNCE_CHANNEL=ANNOUNCE)
    runtime = await build_runtime(settings)
    app = create_app(settings, runtime=runtime, setups=[setup_slack])
    try:
        async with TestClient(TestServer(app)) as client:
            app[SLACK].profiles.first_wait = 10.0
            yield Workspace(client, fake_slack, app)
    finally:
        await runtime.close()


def _posts_to(fake, channel: str):
    wanted = {channel, fake.channels.get(channel)}
    return [c for c in fake.of("chat.postMessage") if c.args["channel"] in wanted]


async def test_an_incident_with_three_linked_requests_resolves_them_all_with_one_notice_each(announcing):
    ws, fake = announcing, announcing.fake
    await ws.make_agent("UALEX")
    ack = await ws.ict("incident open VPN down for home workers", user="UALEX")
    assert "INC-1 \u201cVPN down for home workers\u201d (network) is announced" in texts(ack["blocks"])
    await ws.settle()
    [desk] = [c for c in _posts_to(fake, "#ict-desk") if "Major incident INC-1" in c.args["text"]]
    assert "link ICT-42 INC-1" in desk.args["text"]
    [staff] = _posts_to(fake, ANNOUNCE)
    assert "Major incident INC-1: VPN down for home workers" in staff.args["text"]
    assert "no need to raise a request" in staff.args["text"]

    ack = await ws.ict("support my vpn keeps dropping out", user="UROB")  # matches: offered with a button
    shown = texts(ack["blocks"])
    assert "This looks like the known issue INC-1" in shown
    await ws.click(button(ack["blocks"], "Add ICT-1 to INC-1"), user="UROB")
    await ws.ict("support cannot connect to the VPN at all this morning", user="UEVE")
    await ws.ict("join INC-1 ICT-2", user="UEVE")
    await ws.ict("support vpn says the server is not responding", user="ULUKE")
    ack = await ws.ict("link ICT-3 INC-1", user="UALEX")
    assert "ICT-3 is part of INC-1" in texts(ack["blocks"]) and "3 open requests" in texts(ack["blocks"])
    await ws.settle()
    before = len(fake.calls)

    ack = await ws.ict("incident resolve INC-1 Restarted the VPN concentrator", user="UALEX")
    assert "3 linked requests resolved, each requester told: ICT-1, ICT-2, ICT-3." in texts(ack["blocks"])
    await ws.settle()
    after = fake.calls[before:]
    for user in ("UROB", "UEVE", "ULUKE"):
        dm = f"D{user[1:]}"
        told = [c for c in after if c.method == "chat.postMessage" and c.args["channel"] == dm]
        assert len(told) == 1, (user, [c.args["text"] for c in told])
        assert "Restarted the VPN concentrator" in told[0].args["text"]
    fixed = [c for c in after if c.method == "chat.postMessage" and "Fixed: INC-1" in c.args["text"]]
    assert len(fixed) == 2  # the triage channel and the announcement channel, once each
    for n in (1, 2, 3):
        t = await ws.store.get_ticket(f"ICT-{n}", "slack:UALEX")
        assert (t.status, t.resolution, t.incident_number) == ("resolved", "Restarted the VPN concentrator", 1)


async def test_a_second_request_like_the_first_is_offered_the_first(workspace):
    await workspace.ict("support my vpn keeps dropping", user="UROB")
    ack = await workspace.ict("support the vpn dropped again", user="UROB")
    shown = texts(ack["blocks"])
    assert "You raised ICT-1" in shown and "Shall I add this to it" in shown
    assert len(await workspace.store.my_tickets("slack:UROB")) == 1
    await workspace.click(button(ack["blocks"], "Add to ICT-1"), user="UROB")
    t = await workspace.store.get_ticket("ICT-1", "slack:UROB")
    assert t.latest_comment is not None and t.latest_comment.text == "the vpn dropped again"

    ack = await workspace.ict("support the vpn dropped again", user="UROB")
    await workspace.click(button(ack["blocks"], "Raise a new request"), user="UROB")
    assert len(await workspace.store.my_tickets("slack:UROB")) == 2
