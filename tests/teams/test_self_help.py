"""Knowledge articles through the real CloudAdapter: a problem told in personal chat is offered its article
first; That fixed it raises nothing and counts a deflection; Still need help raises a request naming the
article; `support` raises at once and shows the article with a button that withdraws the request."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.enums import SelfHelpResult
from tests.teams.conftest import TeamsUser, execute_invoke
from tests.teams.test_conversation import SAM

VPN = "The VPN (Always On VPN) keeps dropping or will not connect"
EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
EVE = TeamsUser("aad-eve", "Eve Other")


def actions(node) -> list[dict]:
    """Every Action.Execute in a card, items' own included."""
    found: list[dict] = []
    if isinstance(node, dict):
        if node.get("type") == "Action.Execute":
            found.append(node)
        for value in node.values():
            found += actions(value)
    elif isinstance(node, list):
        for value in node:
            found += actions(value)
    return found


def action(card: dict, title: str) -> dict:
    [found] = [a for a in actions(card) if a["title"] == title]
    return found


async def press(teams, user, button) -> dict:
    response = await teams.post(execute_invoke(teams, user, button))
    assert response.status == 200
    body = await response.json()
    assert body["statusCode"] == 200
    return body["value"]


async def _offer(teams, validate_card) -> dict:
    offer = await teams.say(SAM, "my vpn keeps dropping")
    card = validate_card(offer.card)
    assert "This may fix it" in offer.text and VPN in offer.text
    assert "Disconnect and reconnect the VPN" in offer.text
    return card


async def test_that_fixed_it_raises_nothing_and_counts_a_deflection(teams, validate_card):
    card = await _offer(teams, validate_card)
    answer = await press(teams, SAM, action(card, "That fixed it"))
    validate_card(answer)
    assert "Glad that sorted it" in answer["fallbackText"]
    assert await teams.runtime.store.my_tickets(SAM.key) == []
    [outcome] = await teams.runtime.store.self_help_outcomes(*EVER)
    assert (outcome.article_slug, outcome.outcome, outcome.person_key, outcome.platform) == (
        "vpn-keeps-dropping",
        SelfHelpResult.FIXED,
        SAM.key,
        "teams",
    )
    [count] = await teams.runtime.store.self_help_counts(*EVER)
    assert (count.fixed, count.still_need_help) == (1, 0)


async def test_still_need_help_raises_a_request_that_names_the_article(teams, validate_card):
    card = await _offer(teams, validate_card)
    answer = await press(teams, SAM, action(card, "Still need help"))
    assert "ICT-1 raised" in answer["fallbackText"]
    ticket = await teams.runtime.store.get_ticket("ICT-1", SAM.key)
    assert ticket.summary == "my vpn keeps dropping"
    assert f"Tried self-help: {VPN}" in ticket.description
    assert ticket.origin.platform == "teams"
    [outcome] = await teams.runtime.store.self_help_outcomes(*EVER)
    assert (outcome.outcome, str(outcome.request_ref)) == (SelfHelpResult.STILL_NEED_HELP, "ICT-1")


async def test_support_raises_at_once_and_the_article_can_withdraw_it(teams, validate_card):
    raised = await teams.say(SAM, "support my vpn keeps dropping")
    card = validate_card(raised.card)
    assert "ICT-1 raised" in raised.text and VPN in raised.text
    [ticket] = await teams.runtime.store.my_tickets(SAM.key)
    withdraw = action(card, "That fixed it, withdraw ICT-1")
    refused = await press(teams, EVE, withdraw)  # not hers to withdraw
    assert "find ICT-1" in str(refused)  # to anyone else, the request does not exist
    assert (await teams.runtime.store.get_ticket("ICT-1", SAM.key)).is_open
    answer = await press(teams, SAM, withdraw)
    assert "ICT-1 is withdrawn" in answer["fallbackText"]
    assert not (await teams.runtime.store.get_ticket(ticket.ref, SAM.key)).is_open
    [count] = await teams.runtime.store.self_help_counts(*EVER)
    assert (count.article_slug, count.fixed, count.still_need_help) == ("vpn-keeps-dropping", 1, 0)
