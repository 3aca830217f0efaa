"""Knowledge articles through the real bolt app: a problem told in a DM is offered its article first; That fixed
it raises nothing and counts a deflection; Still need help raises a request naming the article; `support`
raises at once and shows the article with a button that withdraws the request."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.enums import SelfHelpResult
from tests.slack.conftest import SUPPORT_CHANNEL, button, texts
from tests.slack.test_events import direct

VPN = "The VPN (Always On VPN) keeps dropping or will not connect"
EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
MESSAGE = {"type": "message", "message_ts": "1700000200.000900", "channel_id": "DROB"}


async def _offer(workspace) -> list[dict]:
    await workspace.event(direct("my vpn keeps dropping"), event_id="EvVpn")
    await workspace.settle()
    [offer] = workspace.fake.of("chat.postMessage")
    blocks = offer.args["blocks"]
    assert "This may fix it" in offer.args["text"]
    assert VPN in texts(blocks) and "Disconnect and reconnect the VPN" in texts(blocks)
    return blocks


async def test_that_fixed_it_raises_nothing_and_counts_a_deflection(workspace):
    blocks = await _offer(workspace)
    fixed = button(blocks, "That fixed it")
    for _ in range(2):  # pressed twice: counted once
        response = await workspace.click(fixed, user="UROB", container=MESSAGE, channel="DROB")
        assert response.status == 200
    await workspace.settle()
    assert "Glad that sorted it" in texts(workspace.fake.of("response_url")[-1].args["blocks"])
    assert await workspace.store.my_tickets("slack:UROB") == []
    assert not [c for c in workspace.fake.of("chat.postMessage") if c.args["channel"] == SUPPORT_CHANNEL]
    [outcome] = await workspace.store.self_help_outcomes(*EVER)
    assert (outcome.article_slug, outcome.outcome, outcome.person_key) == (
        "vpn-keeps-dropping",
        SelfHelpResult.FIXED,
        "slack:UROB",
    )
    assert (outcome.platform, outcome.text, outcome.request_ref) == ("slack", "my vpn keeps dropping", None)
    [count] = await workspace.store.self_help_counts(*EVER)
    assert (count.article_slug, count.fixed, count.still_need_help) == ("vpn-keeps-dropping", 1, 0)


async def test_still_need_help_raises_a_request_that_names_the_article(workspace):
    blocks = await _offer(workspace)
    await workspace.click(button(blocks, "Still need help"), user="UROB", container=MESSAGE, channel="DROB")
    await workspace.settle()
    assert "ICT-1 raised" in texts(workspace.fake.of("response_url")[-1].args["blocks"])
    ticket = await workspace.store.get_ticket("ICT-1", "slack:UROB")
    assert ticket.summary == "my vpn keeps dropping" and ticket.category == "network"
    assert f"Tried self-help: {VPN}" in ticket.description
    assert any(e.kind == "self_help" and VPN in e.detail["note"] for e in ticket.events)
    triage = [c for c in workspace.fake.of("chat.postMessage") if c.args["channel"] == SUPPORT_CHANNEL]
    assert len(triage) == 1 and "Tried self-help" in texts(triage[0].args["blocks"])
    [outcome] = await workspace.store.self_help_outcomes(*EVER)
    assert (outcome.outcome, str(outcome.request_ref)) == (SelfHelpResult.STILL_NEED_HELP, "ICT-1")


async def test_support_raises_at_once_and_the_article_can_withdraw_it(workspace):
    await workspace.event(direct("support my vpn keeps dropping"), event_id="EvSupport")
    await workspace.settle()
    [answer] = workspace.fake.of("chat.postMessage")[:1]
    assert "ICT-1 raised" in answer.args["text"]
    assert [t.ref for t in await workspace.store.my_tickets("slack:UROB")] == ["ICT-1"]
    assert VPN in texts(answer.args["blocks"])
    withdraw = button(answer.args["blocks"], "That fixed it, withdraw ICT-1")
    await workspace.click(withdraw, user="UROB", container=MESSAGE, channel="DROB")
    await workspace.settle()
    assert "ICT-1 is withdrawn" in texts(workspace.fake.of("response_url")[-1].args["blocks"])
    closed = await workspace.store.get_ticket("ICT-1", "slack:UROB")
    assert (closed.status, closed.is_open) == ("closed", False)
    [count] = await workspace.store.self_help_counts(*EVER)
    assert (count.fixed, count.still_need_help) == (1, 0)


async def test_someone_else_cannot_press_the_withdraw_button(workspace):
    await workspace.event(direct("support my vpn keeps dropping"), event_id="EvSupport2")
    await workspace.settle()
    [answer] = workspace.fake.of("chat.postMessage")[:1]
    withdraw = button(answer.args["blocks"], "That fixed it, withdraw ICT-1")
    await workspace.click(withdraw, user="UEVE", container=MESSAGE, channel="DROB")
    await workspace.settle()
    assert (await workspace.store.get_ticket("ICT-1", "slack:UROB")).is_open
    assert await workspace.store.self_help_outcomes(*EVER) == []
