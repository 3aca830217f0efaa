""" "How did we do?" in Teams, through the real CloudAdapter and the fake Bot Connector: the resolved notice in
the requester's personal chat carries five Action.Execute score buttons; pressing 2 and then sending a comment
from the card's form reaches the assignee in their personal chat, and the low score is said in the triage
conversation; a 4 stays out of it."""

from __future__ import annotations

from tests.teams.conftest import TeamsUser, execute_invoke

SAM = TeamsUser("aad-sam", "Sam Smith", "sam.smith@maidstone.gov.uk")
ALEX = TeamsUser("aad-alex", "Alex Agent", "alex.agent@midkent.gov.uk")
ADA = TeamsUser("aad-admin", "Ada")
SAM_CHAT, ALEX_CHAT, DESK = "a:personal-aad-sam", "a:personal-aad-alex", "19:desk@thread.tacv2"
SCORES = ["1 Very poor", "2 Poor", "3 OK", "4 Good", "5 Excellent"]


def _action(card: dict, title: str) -> dict:
    found = [a for a in card.get("actions", []) if a["title"] == title]
    assert found, [a["title"] for a in card.get("actions", [])]
    return found[0]


async def _resolved_card(teams, validate_card) -> dict:
    """Sam raises ICT-1 in Teams, Alex takes and resolves it: the resolved notice's card in Sam's chat."""
    await teams.runtime.store.set_role(ADA.key, "admin", True, display_name=ADA.name)
    await teams.runtime.store.set_role(ALEX.key, "agent", True, display_name=ALEX.name)
    await teams.say(ADA, "teams set-triage", kind="channel", mention=True, conversation=DESK)
    await teams.say(ALEX, "whoami")  # Alex has a personal chat with the bot
    await teams.say(SAM, "support the printer on floor 2 is jammed")
    await teams.say(ALEX, "assign ICT-1")
    await teams.say(ALEX, "resolve ICT-1 Cleared the jam")
    await teams.runtime.outbox.drain()
    [resolved] = [c for c in teams.connector.sent_to(SAM_CHAT) if "is resolved by Alex Agent" in c.text]
    return validate_card(resolved.card)


async def _press(teams, action: dict, inputs: dict | None = None) -> dict:
    response = await teams.post(execute_invoke(teams, SAM, action, inputs))
    assert response.status == 200
    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.card.adaptive", body
    return body["value"]


async def test_the_requester_rates_2_with_a_comment_and_the_assignee_and_the_triage_channel_hear(teams, validate_card):
    card = await _resolved_card(teams, validate_card)
    assert "How did we do?" in card["fallbackText"]
    scores = [a for a in card["actions"] if a["verb"] == "rate"]
    assert [(a["type"], a["title"], a["data"]["ict_value"]) for a in scores] == [
        ("Action.Execute", s, f"ICT-1 {s[0]}") for s in SCORES
    ]
    before = {c: len(teams.connector.sent_to(c)) for c in (ALEX_CHAT, DESK)}
    updates = len(teams.connector.updates)

    thanks = validate_card(await _press(teams, _action(card, "2 Poor")))  # the card in place of the notice
    assert "Thank you: you rated ICT-1 2/5 (Poor). Alex Agent will see it." in thanks["fallbackText"]
    form = validate_card(await _press(teams, _action(thanks, "Add a comment")))
    assert [e["id"] for e in form["body"] if e["type"] == "Input.Text"] == ["comment"]
    done = validate_card(await _press(teams, _action(form, "Send"), {"comment": "took three days"}))
    assert "you rated ICT-1 2/5 (Poor): \u201ctook three days\u201d" in done["fallbackText"]
    await teams.runtime.outbox.drain()

    to_alex = teams.connector.sent_to(ALEX_CHAT)[before[ALEX_CHAT] :]
    assert len(to_alex) == 2
    assert "Sam Smith rated ICT-1 \u201cthe printer on floor 2 is jammed\u201d 2/5 (Poor)." in to_alex[0].text
    assert "2/5 (Poor): \u201ctook three days\u201d" in to_alex[1].text
    said = teams.connector.sent_to(DESK)[before[DESK] :]
    assert len(said) == 2 and all("Low rating" in c.text for c in said)
    assert "took three days" in said[-1].text and "ticket ICT-1" in said[-1].text
    for call in (*to_alex, *said):
        validate_card(call.card)
    refreshed = teams.connector.updates[updates:]  # the triage post, in place, with the rating
    assert refreshed and "Rated by the requester: 2/5 (Poor)" in refreshed[-1].text


async def test_a_score_of_4_reaches_the_assignee_and_not_the_triage_channel(teams, validate_card):
    card = await _resolved_card(teams, validate_card)
    before = len(teams.connector.sent_to(ALEX_CHAT))
    calls = len(teams.connector.calls)
    await _press(teams, _action(card, "4 Good"))
    await teams.runtime.outbox.drain()
    [to_alex] = teams.connector.sent_to(ALEX_CHAT)[before:]
    assert "Sam Smith rated ICT-1 \u201cthe printer on floor 2 is jammed\u201d 4/5 (Good)." in to_alex.text
    assert [c for c in teams.connector.calls[calls:] if c.conversation == DESK] == []
