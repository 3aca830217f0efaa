"""Messages that are not commands, answered as they were understood: each row of issue 9's table, read like a
conversation with the bot on a seeded database."""

from __future__ import annotations

import re

from storage.enums import Category


async def _request(store, key: str):
    [mine] = await store.my_tickets(key)
    return mine


async def test_a_security_incident_is_raised_at_once_at_p1_with_what_to_do_now(person, seeded_store):
    rob = person("Rob")
    outcome = await rob.send("I clicked a link in a dodgy email")
    assert (outcome.command, outcome.status) == ("support", "ok")
    raised = await _request(seeded_store, "local:rob")
    assert (raised.category, raised.priority) == (Category.SECURITY.value, "P1")
    assert outcome.reply.title == f"{raised.ref} raised"
    steps = outcome.reply.items[0]  # then, as for any request, where they work (not known yet)
    assert steps.title == "What to do now"
    assert "Disconnect from the network" in steps.text and "Don't delete the email" in steps.text


async def test_how_is_the_strategy_going_shows_the_status(person):
    outcome = await person("Pat").send("how is the strategy going?")
    assert outcome.command == "status"
    assert outcome.reply.title.startswith("ICT Strategy 2019-2024")


async def test_asking_about_my_requests_lists_them(person):
    rob = person("Rob")
    await rob.send("support printer jammed")
    outcome = await rob.send("any update on my ticket?")
    assert outcome.command == "tickets" and outcome.reply.title == "Your open requests"


async def test_a_progress_update_in_prose_is_shown_back_and_written_only_on_confirm(person, seeded_store):
    before = await seeded_store.get_action("RS-05")
    owner = person("Priya", email=before.owner_email)
    for typed in ("RS-05 is now at 40%", "Priya here, RS-05 is now at 40%"):
        outcome = await owner.send(typed)
        assert outcome.reply.title == "Post this update to RS-05?"
        assert "Nothing is saved until you confirm" in outcome.reply.text
        confirm, edit = outcome.reply.buttons
        assert (confirm.label, confirm.action_id, confirm.value) == ("Confirm", "update", f"RS-05 40 {typed}")
        assert (edit.label, edit.action_id, edit.value) == ("Edit", "update", "RS-05")
    assert (await seeded_store.get_action("RS-05")).progress == before.progress  # nothing written yet
    done = await owner.assistant.click(confirm.action_id, confirm.value, owner.sender, owner.origin)
    assert done.status == "ok"
    after = await seeded_store.get_action("RS-05")
    assert (after.progress, after.updates[0].note) == (40, "Priya here, RS-05 is now at 40%")


async def test_thanks_and_greetings_get_a_short_friendly_answer(person):
    rob = person("Rob")
    thanks = await rob.say("thanks")
    assert thanks.startswith("You're welcome, Rob.") and "Did you mean" not in thanks
    hello = await rob.say("good morning")
    assert hello.startswith("Hello Rob.") and "Did you mean" not in hello


async def test_a_request_reference_written_ict_dash_n_shows_the_request(person):
    rob = person("Rob")
    ref = re.search(r"ICT-\d+", await rob.say("support printer jammed")).group(0)
    for typed in (ref.lower(), ref.lower().replace("-", " "), f"any news on {ref}?"):
        outcome = await rob.send(typed)
        assert outcome.command == "ticket" and outcome.reply.title.startswith(f"{ref} "), typed


async def test_problems_get_the_offer_and_the_request_gets_the_right_category_and_priority(person, seeded_store):
    for name, typed, category, priority in (
        ("Sid", "nobody in Swale House can print", "hardware", "P2"),
        ("Tia", "Teams calls keep cutting out", "telephony", "P3"),
        ("Uma", "urgent, meeting with the chief exec in 10 mins, laptop dead", "hardware", "P2"),
    ):
        someone = person(name)
        offer = await someone.send(typed)
        assert offer.reply.title in ("This may fix it", "Shall I raise a support request?"), typed
        raising = [b for i in offer.reply.items for b in i.buttons if b.label == "Still need help"][:1]
        [create] = raising or offer.reply.buttons  # an article's Still need help, else Create request
        await someone.assistant.click(create.action_id, create.value, someone.sender, someone.origin)
        raised = await _request(seeded_store, someone.sender.key)
        assert (raised.summary, raised.category, raised.priority) == (typed, category, priority)


async def test_an_unclear_message_is_asked_about_with_buttons_for_the_likely_meanings(person):
    outcome = await person("Pat").send("the strategy and my requests")
    assert outcome.reply.title == "What would you like to do?"
    assert [(b.label, b.action_id) for b in outcome.reply.buttons] == [
        ("My requests", "tickets"),
        ("Strategy status", "status"),
    ]


async def test_a_clear_ask_for_a_desk_command_gets_its_usage_and_the_desk_only_ones_stay_refused(person):
    pat = person("Pat")
    assert (await pat.send("whats in the queue")).status == "denied"
    usage = await pat.say("please add a note to ICT-12 that it happens on wifi too")
    assert usage.startswith("It sounds like you want to: add to a request. Usage: comment REF TEXT")


async def test_nonsense_is_still_not_understood_without_a_wild_guess(person):
    reply = await person("Pat").say("how is it")
    assert reply.startswith("I didn't understand") and "Did you mean" not in reply
