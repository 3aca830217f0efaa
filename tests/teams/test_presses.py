"""A press on a shared card changes only what it acts on: the card stays itself, as it now is, with the
result above it for the presser alone (Teams shows an invoke's answer to the presser only); a choice or a
form refreshes back to the card for that person; the triage post everyone sees is updated in place."""

from __future__ import annotations

import pytest

from tests.teams.card_walk import nodes, of_type
from tests.teams.conftest import TeamsUser, execute_invoke

SAM = TeamsUser("aad-sam", "Sam Smith", "sam.smith@maidstone.gov.uk")
ALEX = TeamsUser("aad-alex", "Alex Agent")
ADA = TeamsUser("aad-ada", "Ada Admin")
DESK = "19:desk@thread.tacv2"


def actions(card: dict) -> list[dict]:
    return nodes(card, of_type("Action.Execute"), skip=("fallback", "refresh"))


def inputs(card: dict) -> list[str]:
    return [n["id"] for n in nodes(card, lambda n: str(n.get("type", "")).startswith("Input."))]


def press(card: dict, title: str, value: str | None = None) -> dict:
    return next(
        a for a in actions(card) if a["title"] == title and (value is None or a["data"].get("ict_value") == value)
    )


@pytest.fixture
async def agent(teams):
    await teams.runtime.store.set_role(ALEX.key, "agent", True, display_name=ALEX.name)
    return ALEX


@pytest.fixture
async def triage_post(teams, agent):
    await teams.runtime.store.set_role(ADA.key, "admin", True, display_name=ADA.name)
    await teams.say(ADA, "teams set-triage", kind="channel", mention=True, conversation=DESK)
    await teams.say(SAM, "support the printer on floor 2 is jammed")
    await teams.runtime.outbox.drain()
    [post] = teams.connector.sent_to(DESK)[1:]
    return post


async def invoke(teams, user, action, inputs=None) -> dict:
    response = await teams.post(execute_invoke(teams, user, action, inputs, kind="channel"))
    assert response.status == 200
    return await response.json()


async def test_assign_on_one_request_of_a_queue_card_keeps_the_list_with_its_new_state(teams, agent, validate_card):
    for problem in ("printer jammed", "VPN drops", "monitor flickers", "keyboard broken"):
        await teams.say(SAM, f"support {problem}")
    queue = (await teams.say(agent, "queue", kind="channel", mention=True)).card
    body = await invoke(teams, agent, press(queue, "Assign to me", "ICT-2"))
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    card = validate_card(body["value"])
    text = card["fallbackText"]
    assert "ICT-2 is assigned to Alex Agent" in text
    assert all(f"ICT-{n}" in text for n in range(1, 5))  # the list, not one line
    assert "Assigned to: Alex Agent" in text and text.count("Assigned to: nobody") == 3
    assert "refresh" not in card  # nothing left to answer: no refresh needed
    # the next press on the refreshed list still acts on one request and keeps the list
    again = validate_card((await invoke(teams, agent, press(card, "Assign to me", "ICT-3")))["value"])
    assert all(f"ICT-{n}" in again["fallbackText"] for n in range(1, 5))
    assert again["fallbackText"].count("Assigned to: Alex Agent") == 2


async def test_resolve_on_the_triage_post_opens_the_form_for_the_presser_and_the_post_stays(
    teams, triage_post, agent, validate_card
):
    body = await invoke(teams, agent, press(triage_post.card, "Resolve"))
    card = validate_card(body["value"])
    assert "note" in inputs(card)
    assert "ICT-1" in card["fallbackText"] and "Requester: Sam Smith" in card["fallbackText"]  # still the request
    assert card["refresh"]["userIds"] == [agent.channel_id]  # the form is the presser's alone
    assert teams.connector.updates == []  # the post everyone sees is untouched
    # Walking away: the presser's refresh shows the request again, without the form.
    back = validate_card((await invoke(teams, agent, card["refresh"]["action"]))["value"])
    assert "note" not in inputs(back) and "ICT-1" in back["fallbackText"]
    assert {a["title"] for a in actions(back)} >= {"Assign to me", "Resolve", "Priority"}
    # A refresh runs only a command that changes nothing, whatever the data says.
    forged = {"verb": "ict_again", "data": {"ict_again": "assign ICT-1"}}
    assert (await invoke(teams, agent, forged))["type"] == "application/vnd.microsoft.activity.message"
    assert (await teams.runtime.store.get_ticket("ICT-1", agent.key)).assignee_key is None
    # Submitting the form resolves it; the presser sees the request as it now is, with the result above.
    submit = next(a for a in actions(card) if a["verb"] == "resolve" and "ict_form" in a["data"])
    done = validate_card((await invoke(teams, agent, submit, {"note": "Cleared the paper jam"}))["value"])
    assert "ICT-1 is resolved" in done["fallbackText"] and "Status: resolved" in done["fallbackText"]
    assert "refresh" not in done
    await teams.runtime.outbox.drain()
    stored = await teams.runtime.store.get_channel_post("ICT-1", "teams", "triage")
    [update] = [u for u in teams.connector.updates if u.activity_id == stored.message_id]
    assert "ICT-1" in update.text and "Status: resolved" in update.text  # the triage post, updated in place


async def test_priority_on_the_triage_post_offers_the_choice_to_the_presser_only(
    teams, triage_post, agent, validate_card
):
    body = await invoke(teams, agent, press(triage_post.card, "Priority"))
    card = validate_card(body["value"])
    assert card["refresh"]["userIds"] == [agent.channel_id]
    assert "Choose a priority for ICT-1" in card["fallbackText"] and "Requester: Sam Smith" in card["fallbackText"]
    chosen = validate_card((await invoke(teams, agent, press(card, "P2 high")))["value"])
    assert "ICT-1 is now P2" in chosen["fallbackText"] and "Priority: P2 (high)" in chosen["fallbackText"]
    assert "Choose a priority" not in chosen["fallbackText"]
    assert (await teams.runtime.store.get_ticket("ICT-1", agent.key)).priority == "P2"
