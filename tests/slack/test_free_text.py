"""Messages that are not commands, through the real bolt app: issue 9's table as Slack users would type it."""

from __future__ import annotations

from storage.enums import Category
from tests.slack.conftest import button, texts
from tests.slack.test_events import direct, mention


async def test_a_security_incident_in_a_mention_is_raised_at_p1_with_what_to_do_now(workspace):
    await workspace.event(mention("I clicked a link in a dodgy email"), event_id="EvSec")
    await workspace.settle()
    [raised] = await workspace.store.my_tickets("slack:UROB")
    assert (raised.category, raised.priority) == (Category.SECURITY.value, "P1")
    [answer] = workspace.fake.of("chat.postEphemeral")
    shown = texts(answer.args["blocks"])
    assert f"{raised.ref} raised" in answer.args["text"]
    assert "What to do now" in shown and "Disconnect from the network" in shown


async def test_table_rows_in_direct_messages(workspace):
    rows = (
        ("how is the strategy going?", "ICT Strategy 2019-2024"),
        ("thanks", "You're welcome"),
        ("any update on my ticket?", "You have no open support requests"),
        ("nobody in Swale House can print", "This may fix it"),
        ("Teams calls keep cutting out", "This may fix it"),
        ("urgent, meeting with the chief exec in 10 mins, laptop dead", "This may fix it"),
    )
    for i, (typed, expected) in enumerate(rows):
        await workspace.event(direct(typed, ts=f"1700000300.{i:06d}"), event_id=f"EvRow{i}")
        await workspace.settle()
        answer = workspace.fake.of("chat.postMessage")[-1]
        assert expected in answer.args["text"] + texts(answer.args.get("blocks") or []), typed
        assert "Did you mean" not in answer.args["text"], typed
    assert await workspace.store.my_tickets("slack:UROB") == []  # offers only: nothing raised


async def test_a_progress_update_in_prose_comes_back_with_confirm_and_edit(workspace):
    await workspace.event(direct("Priya here, RS-05 is now at 40%"), event_id="EvUpd")
    await workspace.settle()
    [answer] = workspace.fake.of("chat.postMessage")
    blocks = answer.args["blocks"]
    assert "Post this update to RS-05?" in texts(blocks)
    assert button(blocks, "Confirm")["value"] == "RS-05 40 Priya here, RS-05 is now at 40%"
    assert button(blocks, "Edit")["value"] == "RS-05"
    assert (await workspace.store.get_action("RS-05")).progress != 40
