"""Follow-ups in Slack, through the real bolt app and the fake Web API: "yes" in a DM after the bot's offer
raises the request, and "it's still broken" in the DM after the resolved notice reopens it."""

from __future__ import annotations

from tests.slack.test_events import direct


async def test_yes_in_a_dm_after_the_offer_raises_the_request(workspace):
    await workspace.event(direct("the projector in room 5 is dead", ts="1700000300.000100"), event_id="EvF1")
    await workspace.settle()
    assert await workspace.store.my_tickets("slack:UROB") == []
    workspace.fake.clear()
    await workspace.event(direct("yes please", ts="1700000301.000100"), event_id="EvF2")
    await workspace.settle()
    [ticket] = await workspace.store.my_tickets("slack:UROB")
    assert ticket.summary == "the projector in room 5 is dead"
    [answer] = workspace.fake.of("chat.postMessage")[:1]
    assert answer.args["channel"] == "DROB" and f"{ticket.ref} raised" in answer.args["text"]


async def test_its_still_broken_in_the_dm_after_the_resolved_notice_reopens_the_request(workspace):
    await workspace.make_agent("UALEX")
    await workspace.ict("support printer jammed on floor 2", user="UROB")
    await workspace.settle()
    await workspace.ict("assign ICT-1", user="UALEX")
    await workspace.ict("resolve ICT-1 Cleared the jam", user="UALEX")
    await workspace.settle()
    assert any(c.args["text"] == "ICT-1 resolved: Cleared the jam" for c in workspace.fake.of("chat.postMessage"))
    workspace.fake.clear()
    await workspace.event(direct("it's still broken", ts="1700000400.000100"), event_id="EvF3")
    await workspace.settle()
    ticket = await workspace.store.get_ticket("ICT-1", "slack:UROB")
    assert ticket.status != "resolved" and ticket.events[-1].detail["note"] == "it's still broken"
    [answer] = [c for c in workspace.fake.of("chat.postMessage") if c.args["channel"] == "DROB"]
    assert "I took that as being about ICT-1, so I reopened it." in answer.args["text"]
