"""Short follow-ups read in the light of the last exchange, with the clock set: "yes" and "no" to an offer,
"it's still broken" after a notice about a request, "5 stars" after "How did we do?"; the last exchange
expires, and it is kept across a new Store and Assistant (a restart, or another replica)."""

from __future__ import annotations

import pytest

from handlers import Assistant, Origin
from storage import Store, TicketRef

OFFER = "the projector in room 5 is dead"


def personal(someone):
    """The same person in their personal chat with the bot, where notices arrive."""
    someone.origin = Origin(platform="local", conversation=f"dm:{someone.sender.key}", personal=True)
    return someone


async def test_yes_after_the_offer_raises_the_request_and_no_thanks_raises_nothing(person, seeded_store):
    rob = person("Rob")
    offer = (await rob.send(OFFER)).reply
    assert offer.title == "Shall I raise a support request?"
    for typed in ("no thanks", "no"):
        declined = await rob.send(typed)
        assert declined.reply.text.startswith("OK, I'll leave it there.")
        assert await seeded_store.my_tickets("local:rob") == []
        await rob.send(OFFER)
    outcome = await rob.send("yes please")
    assert (outcome.command, outcome.status, outcome.reply.title) == ("support", "ok", "ICT-1 raised")
    [raised] = await seeded_store.my_tickets("local:rob")
    assert raised.summary == OFFER


@pytest.mark.parametrize("typed", ["yes", "yep", "ok go ahead", "please do", "Yes please!"])
async def test_each_way_of_saying_yes_accepts(person, seeded_store, typed):
    rob = person("Rob")
    await rob.send(OFFER)
    assert (await rob.send(typed)).command == "support"
    assert len(await seeded_store.my_tickets("local:rob")) == 1


async def test_yes_after_did_you_mean_runs_the_suggestion_and_after_a_question_the_first_choice(person):
    rob = person("Rob")
    assert "Did you mean 'status'?" in await rob.say("staus")
    outcome = await rob.send("yep")
    assert outcome.command == "status" and outcome.reply.title.startswith("ICT Strategy")
    asked = (await rob.send("the strategy and my requests")).reply
    assert asked.title == "What would you like to do?" and len(asked.buttons) > 1
    outcome = await rob.send("ok")
    assert outcome.command == asked.buttons[0].action_id


async def test_yes_confirms_an_update_told_in_prose(person, seeded_store):
    before = await seeded_store.get_action("RS-05")
    owner = person("Priya", email=before.owner_email)
    await owner.send("RS-05 is now at 40%")
    assert (await owner.send("yes")).command == "update"
    assert (await seeded_store.get_action("RS-05")).progress == 40


async def test_a_command_after_the_offer_is_run_as_typed_and_replaces_it(person, seeded_store):
    rob = person("Rob")
    await rob.send(OFFER)
    assert (await rob.send("status")).command == "status"  # never second-guessed
    outcome = await rob.send("yes")
    assert outcome.command == "conversation" and "I didn't understand" in outcome.reply.text
    assert await seeded_store.my_tickets("local:rob") == []
    await rob.send("staus")  # the suggestion is offered, and "yes" is a follow-up again
    assert (await rob.send("yes")).command == "status"


async def test_the_last_exchange_expires_and_the_follow_up_is_read_as_new(person, seeded_store, clock):
    rob = person("Rob")
    await rob.send(OFFER)
    clock.advance(minutes=9)
    assert (await rob.send("no thanks")).reply.text.startswith("OK, I'll leave it there.")
    await rob.send(OFFER)
    clock.advance(minutes=10, seconds=1)
    outcome = await rob.send("yes")
    assert outcome.command == "conversation" and "I didn't understand" in outcome.reply.text
    assert await seeded_store.my_tickets("local:rob") == []


async def test_the_expiry_is_a_setting(engine, seeded_store, clock):
    from tests.conftest import Person

    rob = Person(Assistant(Store(engine, context_minutes=2), clock=clock), "Rob")
    await rob.send(OFFER)
    clock.advance(minutes=1)
    assert (await rob.send("no")).reply.text.startswith("OK, I'll leave it there.")
    await rob.send(OFFER)
    clock.advance(minutes=2, seconds=1)
    assert (await rob.send("yes")).command == "conversation"


async def test_the_last_exchange_is_kept_across_a_restart(engine, seeded_store, clock):
    from tests.conftest import Person

    rob = Person(Assistant(Store(engine), clock=clock), "Rob")
    await rob.send(OFFER)
    clock.advance(minutes=3)
    again = Person(Assistant(Store(engine), clock=clock), "Rob")  # a new process, or another replica
    assert (await again.send("yes")).command == "support"
    assert len(await seeded_store.my_tickets("local:rob")) == 1


async def test_another_conversation_has_its_own_last_exchange(person, seeded_store):
    rob = person("Rob")
    await rob.send(OFFER)
    elsewhere = Origin(platform="local", conversation="somewhere else")
    assert (await rob.assistant.handle("yes", rob.sender, elsewhere)).command == "conversation"
    assert await seeded_store.my_tickets("local:rob") == []
    assert (await rob.send("yes")).command == "support"  # still there where it was offered


@pytest.fixture
async def raised_earlier(person, agent, seeded_store, clock):
    """Rob's ICT-1, raised an hour before (so his own exchange about it has expired), with Alex on it."""
    rob = personal(person("Rob"))
    await rob.send("support printer jammed on floor 2")
    await agent.send("assign ICT-1")
    clock.advance(hours=1)
    return rob


async def test_its_still_broken_after_the_resolved_notice_reopens_the_request(raised_earlier, agent, seeded_store):
    rob = raised_earlier
    await agent.send("resolve ICT-1 Cleared the jam")  # the notice goes to Rob's personal chat
    outcome = await rob.send("it's still broken")
    assert (outcome.command, outcome.status) == ("reopen", "ok")
    assert outcome.reply.text.startswith("I took that as being about ICT-1, so I reopened it.\nICT-1 is open again")
    ticket = await seeded_store.get_ticket(TicketRef(1), "local:rob")
    assert ticket.status != "resolved" and ticket.events[-1].detail["note"] == "it's still broken"


async def test_still_not_working_after_a_comment_from_the_desk_adds_to_the_request(raised_earlier, agent, seeded_store):
    rob = raised_earlier
    await agent.send("comment ICT-1 I have cleared it remotely, try now")
    outcome = await rob.send("still not working")
    assert (outcome.command, outcome.status) == ("comment", "ok")
    assert outcome.reply.text.startswith("I took that as being about ICT-1, so I added your words to it.")
    ticket = await seeded_store.get_ticket(TicketRef(1), "local:rob")
    assert ticket.events[-1].detail["note"] == "still not working"


async def test_a_notice_counts_only_in_the_personal_chat_and_only_for_a_while(
    raised_earlier, agent, seeded_store, clock
):
    rob = raised_earlier
    await agent.send("resolve ICT-1 Cleared the jam")
    elsewhere = Origin(platform="local", conversation="a channel")
    assert (await rob.assistant.handle("it's still broken", rob.sender, elsewhere)).command == "conversation"
    assert (await rob.send("it's still broken")).command == "reopen"  # in the personal chat
    await agent.send("resolve ICT-1 Cleared it again")
    clock.advance(minutes=11)
    assert (await rob.send("it's still broken")).command == "conversation"  # read as new: offers a request
    assert (await seeded_store.get_ticket(TicketRef(1), "local:rob")).status == "resolved"


async def test_five_stars_after_how_did_we_do_rates_the_request(raised_earlier, agent, seeded_store):
    rob = raised_earlier
    await agent.send("resolve ICT-1 Cleared the jam")
    outcome = await rob.send("5 stars")
    assert (outcome.command, outcome.status) == ("rate", "ok")
    assert "you rated ICT-1 5/5" in outcome.reply.text
    assert (await seeded_store.get_ticket(TicketRef(1), "local:rob")).rating == 5


async def test_five_stars_for_a_named_request_rates_it_without_a_last_exchange(person, agent, seeded_store, clock):
    rob = person("Rob")
    await rob.send("support printer jammed on floor 2")
    await agent.send("resolve ICT-1 Cleared the jam")
    clock.advance(hours=1)
    outcome = await rob.send("4 out of 5 for ICT-1")
    assert (outcome.command, outcome.status) == ("rate", "ok") and "you rated ICT-1 4/5" in outcome.reply.text
    assert "I took that as" not in outcome.reply.text
