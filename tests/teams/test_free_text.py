"""Messages that are not commands, through the real CloudAdapter: issue 9's table as Teams users would type it."""

from __future__ import annotations

from storage.enums import Category
from tests.teams.test_conversation import SAM


async def test_a_security_incident_is_raised_at_p1_with_what_to_do_now(teams, validate_card):
    reply = await teams.say(SAM, "I clicked a link in a dodgy email")
    [raised] = await teams.runtime.store.my_tickets(SAM.key)
    assert (raised.category, raised.priority) == (Category.SECURITY.value, "P1")
    validate_card(reply.card)
    assert f"{raised.ref} raised" in reply.text and "Disconnect from the network" in reply.text


async def test_table_rows(teams):
    for typed, expected in (
        ("how is the strategy going?", "ICT Strategy 2019-2024"),
        ("thanks", "You're welcome"),
        ("any update on my ticket?", "You have no open support requests"),
        ("nobody in Swale House can print", "This may fix it"),
        ("Teams calls keep cutting out", "This may fix it"),
        ("urgent, meeting with the chief exec in 10 mins, laptop dead", "This may fix it"),
    ):
        reply = await teams.say(SAM, typed)
        assert expected in reply.text and "Did you mean" not in reply.text, typed


async def test_a_progress_update_in_prose_comes_back_with_confirm_and_edit(teams, validate_card):
    reply = await teams.say(SAM, "RS-05 is now at 40%")
    card = validate_card(reply.card)
    assert "Post this update to RS-05?" in reply.text
    titles = [a["title"] for a in card["actions"] if a["type"] == "Action.Execute"]
    assert titles == ["Confirm", "Edit"]
    assert (await teams.runtime.store.get_action("RS-05")).progress != 40
