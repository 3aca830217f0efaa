"""Where requests come from: the requester's council (from a partner council's email domain, or asked once
and remembered) and where they were working (said in the message or the form, or asked once and
remembered), on every request; and what the desk sees of the conversation on a request: the latest public
comment, the latest internal note (desk only) and "requester replied" in the queue."""

from __future__ import annotations

from storage import Store


async def test_a_requester_with_no_known_council_is_asked_once_and_it_is_remembered(person, seeded_store: Store):
    rita = person("Rita")
    said = await rita.say("support my laptop will not charge")
    assert "Which council do you work for?" in said and "where ICT-1 Swale" in said
    assert "Where are you working today?" in said and "where ICT-1 home" in said

    said = await rita.say("where ICT-1 Swale")
    assert "Thanks, noted on ICT-1: Swale. I'll remember it for your next requests." in said
    said = await rita.say("where ICT-1 home")
    assert "noted on ICT-1: at home" in said
    t = await seeded_store.get_ticket("ICT-1", "local:rita")
    assert (t.council, t.work_setting) == ("Swale", "home")

    said = await rita.say("support the dock has stopped working")  # nothing asked this time
    assert "Which council" not in said and "Where are you working" not in said
    t = await seeded_store.get_ticket("ICT-2", "local:rita")
    assert (t.council, t.work_setting) == ("Swale", "home")


async def test_the_council_comes_from_the_email_and_the_setting_from_the_words(person, seeded_store: Store):
    sam = person("Sam", email="sam.jones@TunbridgeWells.gov.uk")
    said = await sam.say("support outlook will not open, I'm at the Town Hall today")
    assert "Which council" not in said and "Where are you working" not in said
    t = await seeded_store.get_ticket("ICT-1", "local:sam")
    assert (t.council, t.work_setting) == ("Tunbridge Wells", "office")

    said = await sam.say("support vpn drops every few minutes working from home")
    assert (await seeded_store.get_ticket("ICT-2", "local:sam")).work_setting == "home"
    said = await sam.say("support can't log in to the planning system on a site visit")
    assert (await seeded_store.get_ticket("ICT-3", "local:sam")).work_setting == "borough"
    assert "Where are you working" not in said

    other = person("Olu", email="olu@example.org")  # not a partner council's address: asked
    assert "Which council do you work for?" in await other.say("support printer jammed")


async def test_the_form_offers_where_they_work_with_the_remembered_answer(person):
    rita = person("Rita")
    await rita.say("support keyboard broken")
    await rita.say("where ICT-1 borough")
    reply = (await rita.send("support")).reply
    [setting] = [i for i in reply.form.inputs if i.name == "work_setting"]
    assert setting.initial == "borough" and [c.value for c in setting.choices] == ["home", "office", "borough"]


async def test_where_says_what_is_wrong_and_only_the_requester_or_desk_may_say(person, agent, seeded_store: Store):
    rita, eve = person("Rita"), person("Eve")
    await rita.say("support keyboard broken")
    said = await rita.say("where ICT-1 the moon")
    assert "Say where you are working (home, office or borough) or your council" in said
    assert "Usage: where REF" in said
    assert "Which request? Give its reference." in await rita.say("where")
    assert "I can't find ICT-1" in await eve.say("where ICT-1 Maidstone")
    assert (await seeded_store.get_ticket("ICT-1", "local:rita")).council is None

    said = await agent.say("where ICT-1 Maidstone office")  # the desk corrects the request, nobody remembers it
    assert "noted on ICT-1: Maidstone, in a council office." in said and "remember" not in said
    assert (await seeded_store.get_user("local:rita")).council is None


async def test_a_whereabouts_said_in_passing_is_noted(person, seeded_store: Store):
    rita = person("Rita")
    await rita.say("support keyboard broken")
    said = await rita.say("for ICT-1 I'm based at Swale House")
    assert "noted on ICT-1: Swale, in a council office" in said


async def test_the_desk_sees_the_latest_comment_and_note_and_who_awaits_an_answer(person, agent, seeded_store: Store):
    rita = person("Rita")
    await rita.say("support outlook keeps crashing")
    await agent.say("assign ICT-1")
    await agent.say("note ICT-1 same fault as the Swale House rollout")
    await rita.say("comment ICT-1 it crashed again when I opened the shared mailbox")

    queue = await agent.say("queue")
    assert "requester replied" in queue
    card = await agent.say("ticket ICT-1")
    assert "Requester replied: it crashed again when I opened the shared mailbox (Rita" in card
    assert "Internal note (desk only): same fault as the Swale House rollout (Alex" in card
    own = await rita.say("ticket ICT-1")
    assert "same fault as the Swale House rollout" not in own
    assert "Latest comment: it crashed again" in own

    await agent.say("comment ICT-1 Please try the web version while we look")
    assert "requester replied" not in await agent.say("queue")
    assert "Latest comment: Please try the web version while we look (Alex" in await agent.say("ticket ICT-1")
