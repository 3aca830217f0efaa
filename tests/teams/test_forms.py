"""Forms in Teams as a person fills them in: every input has a placeholder, the title is shown once, Teams'
own check says which rule failed, and a rejected submission names the inputs by their labels."""

from __future__ import annotations

from tests.teams.card_walk import nodes, of_type
from tests.teams.conftest import TeamsUser, execute_invoke

SAM = TeamsUser("aad-sam", "Sam Smith", "sam.smith@maidstone.gov.uk")
ADA = TeamsUser("aad-ada", "Ada Admin")
INPUTS = ("Input.Text", "Input.Number", "Input.ChoiceSet", "Input.Date", "Input.Time", "Input.Toggle")


def inputs(card: dict) -> list[dict]:
    return nodes(card, of_type(*INPUTS))


def texts(card: dict) -> list[str]:
    return [b["text"] for b in card["body"] if b.get("type") == "TextBlock"]


async def test_every_input_of_the_support_form_has_a_placeholder_and_the_title_is_shown_once(teams, validate_card):
    card = validate_card((await teams.say(SAM, "support")).card)
    by_id = {i["id"]: i for i in inputs(card)}
    assert by_id["category"]["placeholder"] == "I'll guess from your description"
    assert by_id["priority"]["placeholder"] == "I'll judge it from your description"
    assert all(i.get("placeholder") for i in by_id.values()), [
        i["id"] for i in by_id.values() if not i.get("placeholder")
    ]
    assert texts(card).count("Ask ICT for help") == 1


async def test_the_update_form_says_the_range_of_progress_and_has_placeholders(teams, validate_card):
    await teams.runtime.store.set_role(ADA.key, "admin", True, display_name=ADA.name)
    card = validate_card((await teams.say(ADA, "update WF-01")).card)
    [progress] = [i for i in inputs(card) if i["id"] == "progress"]
    assert (progress["min"], progress["max"]) == (0, 100)
    assert progress["errorMessage"] == "Progress (%): enter a whole number from 0 to 100."
    assert all(i.get("placeholder") for i in inputs(card))
    assert not any(t.startswith("Update WF-01") for t in texts(card))  # the card's title says which action


async def test_the_resolve_form_has_a_placeholder_and_one_title(teams, validate_card):
    await teams.runtime.store.set_role(ADA.key, "agent", True, display_name=ADA.name)
    await teams.say(SAM, "support printer jammed")
    card = validate_card((await teams.say(ADA, "resolve ICT-1")).card)
    [note] = inputs(card)
    assert note["placeholder"]
    assert texts(card).count("Resolve ICT-1") == 1


async def test_a_rejected_submission_names_the_labels_not_the_field_ids(teams):
    submit = (await teams.say(SAM, "support")).card["actions"][0]
    body = await (await teams.post(execute_invoke(teams, SAM, submit, {"summary": "", "description": ""}))).json()
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert "Summary: Give a short summary" in body["value"]
    assert "Description:" in body["value"]
    assert "summary:" not in body["value"] and "description:" not in body["value"]
    # the same from an older client's Action.Submit, answered with a card
    before = len(teams.connector.sent)
    value = submit["fallback"]["data"] | {"summary": "Printer", "description": ""}
    assert (await teams.post(teams.activity(SAM, type="message", value=value))).status == 201
    [reply] = teams.connector.sent[before:]
    assert "Description: " in reply.text and "description:" not in reply.text
