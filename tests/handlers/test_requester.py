"""The requester's side, through the real assistant and store: reopen within ten working days (and after,
a new request that says which it follows), withdraw (`close` for a requester, resolve for the desk), and
internal notes the requester never sees or hears of."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import Store

LATER = datetime(2030, 1, 1, tzinfo=UTC)


async def _notices(store: Store, key: str):
    return [n for n in await store.due_notifications(["local"], now=LATER, limit=500) if n.recipient_key == key]


async def test_a_resolved_request_is_reopened_within_ten_working_days_and_not_after(person, agent, seeded_store, clock):
    rob = person("Rob")
    await rob.say("support the VPN drops every five minutes")
    await agent.say("assign ICT-1")
    await agent.say("resolve ICT-1 Reset the VPN profile")  # Monday 25 November 2019

    said = await rob.say("comment ICT-1 still broken")
    assert "ICT-1 is resolved. If the problem is back, reopen it" in said
    assert "reopen ICT-1 still broken" in said  # the Reopen button's command

    clock.advance(days=14)  # Monday 9 December: the tenth working day after
    said = await rob.say("reopen ICT-1 it drops again since this morning")
    assert "ICT-1 is open again, back with the service desk. Alex has been told." in said
    t = await seeded_store.get_ticket("ICT-1", "local:rob")
    assert (t.status, t.is_open, t.resolved_at) == ("assigned", True, None)
    [told] = [n for n in await _notices(seeded_store, "local:alex") if n.kind == "reopened"]
    assert told.payload["note"] == "it drops again since this morning"
    assert "reopened" in [e.kind for e in t.events]

    await agent.say("resolve ICT-1 Replaced the router")
    clock.advance(days=15)  # Tuesday 24 December: 11 working days later
    said = await rob.say("reopen ICT-1 broken again")
    assert "ICT-1 was resolved on Monday 9 December 2019, more than 10 working days ago" in said
    assert "support Follow-up to ICT-1: broken again" in said  # the Raise a new request button
    assert (await seeded_store.get_ticket("ICT-1", "local:rob")).status == "resolved"
    said = await rob.say("reopen printer broken again")
    assert "'printer' is not a request reference like" in said and "Usage: reopen REF" in said


async def test_reopen_needs_a_reason_an_open_request_and_the_right_person(person, agent, seeded_store):
    rob, eve = person("Rob"), person("Eve")
    await rob.say("support printer jammed")
    assert "Say what is still wrong." in await rob.say("reopen ICT-1")
    assert "ICT-1 is still open (new); add to it with: comment ICT-1 TEXT" in await rob.say("reopen ICT-1 again")
    await agent.say("resolve ICT-1 Cleared the jam")
    assert "I can't find ICT-1" in await eve.say("reopen ICT-1 mine now")
    assert (await seeded_store.get_ticket("ICT-1", "local:rob")).status == "resolved"


async def test_a_requester_withdraws_and_close_from_the_desk_still_resolves(person, agent, seeded_store):
    rob, eve = person("Rob"), person("Eve")
    await rob.say("support printer jammed")
    await rob.say("support monitor flickers")
    await agent.say("assign ICT-1")
    said = await rob.say("close ICT-1 sorted it myself")
    assert "ICT-1 is withdrawn and closed. Alex has been told." in said
    t = await seeded_store.get_ticket("ICT-1", "local:rob")
    assert (t.status, t.is_open, t.resolution) == ("closed", False, "Withdrawn by the requester: sorted it myself")
    [told] = [n for n in await _notices(seeded_store, "local:alex") if n.kind == "withdrawn"]
    assert told.payload["note"] == "sorted it myself"
    assert "ICT-1 is already closed" in await rob.say("withdraw ICT-1")

    assert "I can't find ICT-2" in await eve.say("withdraw ICT-2")
    said = await agent.say("close ICT-2 Replaced the cable")  # the desk's close is a resolve
    assert "ICT-2 is resolved. Rob has been told." in said
    assert (await seeded_store.get_ticket("ICT-2", "local:rob")).status == "resolved"


async def test_an_internal_note_is_for_the_desk_only(person, agent, seeded_store):
    rob = person("Rob")
    await rob.say("support VPN drops")
    before = len(await _notices(seeded_store, "local:rob"))
    said = await agent.say("note ICT-1 Same fault as the Swale House switch last week")
    assert "Internal note added to ICT-1. Only the service desk can see it." in said
    assert "Swale House switch" in await agent.say("ticket ICT-1")
    assert "Swale House switch" not in await rob.say("ticket ICT-1")
    assert len(await _notices(seeded_store, "local:rob")) == before
    assert "ICT service desk" in await rob.say("note ICT-1 can I see this")
    said = await agent.say("comment ICT-1 Can you try the office Wi-Fi?")
    assert "Added to ICT-1. Rob has been told." in said


async def test_a_priority_change_is_told_to_the_requester(person, agent, seeded_store):
    rob = person("Rob")
    await rob.say("support printer jammed")
    said = await agent.say("priority ICT-1 P2")
    assert "ICT-1 is now P2" in said and "Rob has been told." in said
    [told] = [n for n in await _notices(seeded_store, "local:rob") if n.kind == "priority"]
    assert (told.payload["old"], told.payload["new"], told.payload["by"]) == ("P3", "P2", "Alex")
