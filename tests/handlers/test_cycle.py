"""The `board` command and the words of the strategy cycle's notices, through the real assistant and store."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.text import render_text
from handlers.cycle import cycle_notice
from storage.cycle import CycleConfig
from tests.cycle_plan import CHECKIN_DUE, load_cycle_plan


async def test_everyone_sees_the_coming_board_meetings(person, seeded_store):
    pat = person("Pat")
    assert "No Board meetings are on the list yet" in await pat.say("board")
    await seeded_store.add_board_meeting(date(2019, 12, 10), actor_key=None, note="Winter Board")
    await seeded_store.add_board_meeting(date(2019, 11, 12), actor_key=None)
    shown = await pat.say("board")
    assert "Tuesday 10 December 2019" in shown and "Winter Board" in shown
    assert "The last Board met on Tuesday 12 November 2019" in shown  # the clock says 25 November 2019


async def test_status_says_when_the_next_board_meets(person, seeded_store):
    pat = person("Pat")
    assert "next Board" not in await pat.say("status")
    await seeded_store.add_board_meeting(date(2019, 11, 12), actor_key=None)  # before the clock's 25 Nov 2019
    await seeded_store.add_board_meeting(date(2020, 1, 14), actor_key=None)
    await seeded_store.add_board_meeting(date(2019, 12, 10), actor_key=None)
    assert "The next Board meets on Tuesday 10 December 2019." in await pat.say("status")


async def test_only_admins_add_and_remove_board_meetings(person, admin, seeded_store):
    eve = person("Eve")
    assert "Only an ICT Assistant admin" in await eve.say("board add 10/12/2019")
    assert await seeded_store.list_board_meetings() == []
    assert "Added the Board meeting on Tuesday 10 December 2019" in await admin.say("board add 10/12/2019 Winter")
    assert "already on the list" in await admin.say("board add 2019-12-10")
    [meeting] = await seeded_store.list_board_meetings()
    assert meeting.note == "Winter" and meeting.added_by == "local:ada"
    assert "Only an ICT Assistant admin" in await eve.say("board remove 10/12/2019")
    assert "Removed the Board meeting on Tuesday 10 December 2019" in await admin.say("board remove 10/12/2019")
    assert "There is no Board meeting on 2019-12-10" in await admin.say("board remove 10/12/2019")


async def test_a_bad_board_date_says_what_was_wrong_and_how_to_write_it(admin, seeded_store):
    said = await admin.say("board add next tuesday")
    assert "'next' is not a date" in said and "15/03/2021" in said
    assert "Usage: board" in said
    said = await admin.say("board add")
    assert "Say which date" in said
    assert "I don't know 'board frobnicate'" in await admin.say("board frobnicate")
    assert await seeded_store.list_board_meetings() == []


async def test_a_checkin_lists_the_owners_actions_with_an_update_button_each(store):
    await load_cycle_plan(store)
    assert await store.claim_job("checkin", CHECKIN_DUE, worker="t", now=CHECKIN_DUE)
    await store.complete_job("checkin", CHECKIN_DUE, worker="t", config=CycleConfig(), now=CHECKIN_DUE)
    notices = await store.due_notifications(["local"], now=datetime(2030, 1, 1, tzinfo=UTC))
    [jane] = [n for n in notices if n.recipient_key == "local:jane"]
    reply = cycle_notice(jane)
    assert reply.title == "Board meeting on Tuesday 5 January 2021: your updates, please"
    assert [i.title for i in reply.items] == ["RS-01 Replace the perimeter firewalls", "WF-01 Roll out new laptops"]
    assert [b.command for i in reply.items for b in i.buttons] == ["update RS-01", "update WF-01"]
    text = render_text(reply)
    assert "2 actions you own have no update since the last Board" in text
