"""Each command, read like a conversation with the bot on a seeded database."""

from __future__ import annotations

import re

from sqlalchemy import text

from storage import Store


async def test_status_names_all_six_themes(person):
    reply = await person("Pat").say("/ict status")
    for code in ("WF", "DS", "RS", "CS", "IM", "IN"):
        assert re.search(rf"^\[(Red|Amber|Green)\] {code} ", reply, re.M), code
    assert "Enabling a modern and flexible workforce" in reply
    assert "overdue" in reply


async def test_status_structure_counts_match_the_plan(person, seeded_store: Store, clock):
    pat = person("Pat")
    outcome = await pat.send("status")
    summaries = await seeded_store.theme_summaries(clock().date())
    assert len(outcome.reply.items) == 6
    for item, s in zip(outcome.reply.items, summaries, strict=True):
        fields = {f.label: f.value for f in item.fields}
        assert fields["Actions"] == str(s.total) and fields["Overdue"] == str(s.overdue)


async def test_status_of_a_theme_by_word_and_by_code(person):
    pat = person("Pat")
    by_word = await pat.say("status cyber")
    by_code = await pat.say("status RS")
    assert by_word == by_code and "RS-03" in by_code and by_code.startswith("RS Resilient solutions")


async def test_status_of_one_action_shows_last_five_updates(person, admin, seeded_store):
    for pct in range(10, 80, 10):
        await admin.say(f"update RS-03 {pct} amber step {pct}")
    reply = await person("Pat").say("status RS-03")
    assert "step 70" in reply and "step 30" in reply and "step 20" not in reply
    assert "Last 5 updates" in reply


async def test_unknown_theme_gets_usage(person):
    reply = await person("Pat").say("status biscuits")
    assert "I don't know a theme, action, council or plan year called 'biscuits'" in reply and "Usage: status" in reply


async def test_actions_filters(person, seeded_store, clock):
    pat = person("Pat")
    overdue = await pat.send("actions overdue")
    expected = await seeded_store.list_actions(overdue_on=clock().date())
    assert len(overdue.reply.items) == min(len(expected), 25)
    wf = await pat.say("actions workforce")
    assert "WF-01" in wf and "RS-01" not in wf
    assert "I don't know a theme, action, council or plan year called 'sausages'" in await pat.say("actions sausages")


async def test_actions_mine_matches_by_email(person, seeded_store):
    [owned, *_] = await seeded_store.list_actions()
    owner = person("Owner", email=owned.owner_email)
    reply = await owner.say("actions mine")
    assert owned.ref in reply
    assert "I don't know your email address" in await person("Nomail").say("actions mine")


async def test_owner_updates_their_action(person, seeded_store):
    [action, *_] = await seeded_store.list_actions()
    owner = person("Owner", email=action.owner_email)
    reply = await owner.say(f"update {action.ref} 65 red Supplier delayed delivery")
    assert f"{action.ref} updated" in reply and "65%" in reply
    stored = await seeded_store.get_action(action.ref)
    assert (stored.progress, stored.rag, stored.updates[0].note) == (65, "red", "Supplier delayed delivery")


async def test_non_owner_update_is_refused_and_progress_unchanged(person, seeded_store):
    before = await seeded_store.get_action("RS-03")
    reply = await person("Mallory", email="mallory@example.com").say("update RS-03 100 green all done!")
    assert "Only" in reply and "can update RS-03" in reply
    after = await seeded_store.get_action("RS-03")
    assert (after.progress, after.rag, after.updates) == (before.progress, before.rag, before.updates)


async def test_update_usage_errors(admin):
    assert "whole number from 0 to 100" in await admin.say("update RS-03 150 green too much")
    assert "whole number from 0 to 100" in await admin.say("update RS-03 lots green")
    assert "Add a note" in await admin.say("update RS-03 50 green")
    assert "not an action reference" in await admin.say("update firewall 50 note")
    assert "There is no action ZZ-99" in await admin.say("update ZZ-99 50 note")


async def test_update_with_no_arguments_lets_me_pick_then_prefills_from_that_action_only(person, seeded_store):
    everything = await seeded_store.list_actions()
    email = next(a.owner_email for a in everything if sum(b.owner_email == a.owner_email for b in everything) > 1)
    mine = [a for a in everything if a.owner_email == email]
    owner = person("Owner", email=email)
    outcome = await owner.send("update")
    assert outcome.reply.form is None, "several actions: no form prefilled from the first of them"
    buttons = [b for item in outcome.reply.items for b in item.buttons]
    assert sorted(b.command for b in buttons) == sorted(f"update {a.ref}" for a in mine)
    second = mine[1]
    await seeded_store.record_action_update(second.ref, owner.sender.key, progress=35, rag="amber", note="set up")
    form = (await owner.send(buttons[[b.value for b in buttons].index(second.ref)].command)).reply.form
    assert form.form_id == "update" and form.private_metadata == second.ref
    initial = {i.name: i.initial for i in form.inputs}
    assert (initial["progress"], initial["rag"]) == ("35", "amber")
    assert "ref" not in initial
    assert "don't own any actions" in await person("Nobody").say("update")


async def test_the_form_of_someone_elses_action_is_refused_with_the_reason(person, seeded_store):
    [action, *_] = await seeded_store.list_actions()
    reply = await person("Nomail").say(f"update {action.ref}")
    assert f"no email I can match to {action.owner}'s" in reply and f"owner {action.ref} local:nomail" in reply


async def test_support_raises_request_with_guessed_category_and_sla(person):
    rob = person("Rob")
    reply = await rob.say("support I clicked a link in a phishing email")
    assert re.search(r"ICT-\d+ raised", reply)
    assert "security incident" in reply and "P1" in reply and "4 working hours" in reply


async def test_support_without_text_returns_the_form(person):
    outcome = await person("Rob").send("support")
    assert outcome.reply.form.form_id == "support"
    names = [i.name for i in outcome.reply.form.inputs]
    assert names[:4] == ["category", "priority", "summary", "description"]


async def test_explicit_free_text_request_is_created_at_once(person):
    reply = await person("Rob").say("@ICT raise a ticket: printer on floor 2 is jammed")
    assert re.search(r"ICT-\d+ raised", reply) and "hardware" in reply


async def test_problem_sounding_text_offers_the_help_article_first(person):
    outcome = await person("Rob").send("my VPN keeps dropping")
    reply = outcome.reply
    assert reply.title == "This may fix it" and not reply.buttons
    [article] = reply.items
    assert article.title.startswith("The VPN (Always On VPN) keeps dropping")
    assert "Disconnect and reconnect the VPN" in article.text  # the wording of the old self-help topic
    assert [(b.label, b.command) for b in article.buttons] == [
        ("That fixed it", "selfhelp fixed vpn-keeps-dropping my VPN keeps dropping"),
        ("Still need help", "selfhelp still vpn-keeps-dropping my VPN keeps dropping"),
    ]


async def test_a_problem_no_article_fits_gets_the_create_request_offer(person):
    reply = (await person("Rob").send("the projector in room 5 is dead")).reply
    assert reply.title == "Shall I raise a support request?" and not reply.items
    [button] = reply.buttons
    assert (button.action_id, button.value) == ("support", "the projector in room 5 is dead")


async def test_create_button_raises_the_offered_request(person, assistant):
    rob = person("Rob")
    offer = await rob.send("the projector in room 5 is dead")
    button = offer.reply.buttons[0]
    outcome = await assistant.click(button.action_id, button.value, rob.sender, rob.origin)
    assert outcome.status == "ok" and outcome.reply.title.endswith("raised")


async def test_the_same_press_of_create_request_answers_with_the_request_it_made(person, assistant):
    rob = person("Rob")
    button = (await rob.send("the projector in room 5 is dead")).reply.buttons[0]
    press = [button.action_id, button.value, rob.sender, rob.origin]
    first = await assistant.click(*press, submission="local:press:1")
    again = await assistant.click(*press, submission="local:press:1")
    another = await assistant.click(*press, submission="local:press:2")  # pressed again on a new offer
    assert first.reply.title == again.reply.title == "ICT-1 raised"
    assert another.reply.title == "Is this about ICT-1?"  # the same problem, still open: offered instead
    anyway = another.reply.buttons[1]
    assert anyway.label == "Raise a new request"
    made = await assistant.click(anyway.action_id, anyway.value, rob.sender, rob.origin, submission="local:press:3")
    assert made.reply.title == "ICT-2 raised"
    assert len(await assistant.store.my_tickets("local:rob")) == 2


async def test_the_same_form_submission_answers_with_the_request_it_made(person, assistant):
    rob = person("Rob")
    values = {"summary": "Dock not charging", "description": "Laptop dock at Swale House desk 14"}
    first = await assistant.submit_form("support", values, rob.sender, rob.origin, submission="local:form:1")
    again = await assistant.submit_form("support", values, rob.sender, rob.origin, submission="local:form:1")
    assert first.status == again.status == "ok"
    assert first.reply.title == again.reply.title == "ICT-1 raised"
    assert len(await assistant.store.my_tickets("local:rob")) == 1


async def test_request_invisible_to_others_and_visible_to_agent_queue(person, agent):
    rob, eve = person("Rob"), person("Eve")
    ref = re.search(r"ICT-\d+", await rob.say("support monitor flickers")).group(0)
    assert ref in await rob.say(f"ticket {ref}")
    # Someone else's request reads exactly like one that does not exist.
    assert await eve.say(f"ticket {ref}") == (await eve.say("ticket ICT-987654")).replace("ICT-987654", ref)
    assert "for the ICT service desk" in await eve.say("queue")
    queue = await agent.say("queue")
    assert ref in queue and "monitor flickers" in queue
    assert ref in await rob.say("tickets") and "no open support requests" in await eve.say("tickets")


async def test_agent_assigns_waits_and_resolves(person, agent, seeded_store):
    rob = person("Rob")
    ref = re.search(r"ICT-\d+", await rob.say("support printer jammed")).group(0)
    assert f"{ref} is assigned to Alex" in await agent.say(f"assign {ref}")
    assert "waiting on Rob" in await agent.say(f"waiting {ref} Which floor?")
    assert f"Added to {ref}" in await rob.say(f"comment {ref} Floor 2")
    assert "is now P2" in await agent.say(f"priority {ref} p2")
    assert f"{ref} is resolved" in await agent.say(f"resolve {ref} Cleared the paper path")
    t = await seeded_store.get_ticket(ref, "local:rob")
    assert (t.status, t.resolution, t.priority) == ("resolved", "Cleared the paper path", "P2")


async def test_assign_to_someone_else(person, agent, seeded_store):
    await seeded_store.set_role("local:bea", "agent", True, display_name="Bea")
    ref = re.search(r"ICT-\d+", await person("Rob").say("support broken mouse")).group(0)
    assert "assigned to Bea" in await agent.say(f"assign {ref} local:bea")
    assert "I don't know anyone called 'nobody'" in await agent.say(f"assign {ref} nobody")


async def test_assign_to_me_and_to_a_named_person_read_as_people_write(person, agent, seeded_store):
    await seeded_store.set_role("local:bea", "agent", True, display_name="Bea")
    ref = re.search(r"ICT-\d+", await person("Rob").say("support broken mouse")).group(0)
    assert f"{ref} is assigned to Alex" in await agent.say(f"assign {ref} to me")
    assert f"{ref} is assigned to Bea" in await agent.say(f"assign {ref} to local:bea")


async def test_non_agent_cannot_triage_and_nothing_changes(person, seeded_store):
    rob, eve = person("Rob"), person("Eve")
    ref = re.search(r"ICT-\d+", await rob.say("support broken mouse")).group(0)
    for command in (f"assign {ref}", f"resolve {ref} fixed", f"priority {ref} P1", f"waiting {ref} why"):
        assert "Only the ICT service desk" in await eve.say(command)
        assert "Only the ICT service desk" in await rob.say(command)
    t = await seeded_store.get_ticket(ref, "local:rob")
    assert (t.status, t.priority, t.assignee_key, len(t.events)) == ("new", "P3", None, 1)


async def test_resolve_without_note_offers_the_form_and_submission_validates(person, agent, assistant):
    ref = re.search(r"ICT-\d+", await person("Rob").say("support broken mouse")).group(0)
    outcome = await agent.send(f"resolve {ref}")
    form = outcome.reply.form
    assert form.form_id == "resolve" and form.private_metadata == ref
    bad = await assistant.submit_form("resolve", {"note": " "}, agent.sender, agent.origin, ref)
    assert bad.form_errors == {"note": "Say what fixed it."}
    good = await assistant.submit_form("resolve", {"note": "New mouse"}, agent.sender, agent.origin, ref)
    assert good.status == "ok" and f"{ref} is resolved" in good.reply.text


async def test_support_form_submission(person, assistant, seeded_store):
    rob = person("Rob")
    bad = await assistant.submit_form("support", {"summary": "", "description": ""}, rob.sender, rob.origin)
    assert set(bad.form_errors) == {"summary", "description"}
    values = {
        "category": "hardware",
        "priority": "P2",
        "summary": "Dock not charging",
        "description": "Laptop dock at Swale House desk 14",
        "location": "Swale House",
        "contact": "07700 900123",
    }
    good = await assistant.submit_form("support", values, rob.sender, rob.origin)
    ref = re.search(r"ICT-\d+", good.reply.title).group(0)
    t = await seeded_store.get_ticket(ref, "local:rob")
    assert (t.category, t.priority, t.summary, t.location, t.contact) == (
        "hardware",
        "P2",
        "Dock not charging",
        "Swale House",
        "07700 900123",
    )


async def test_update_form_submission(person, assistant, seeded_store):
    [action, *_] = await seeded_store.list_actions()
    owner = person("Owner", email=action.owner_email)
    bad = await assistant.submit_form("update", {"ref": action.ref, "progress": "x"}, owner.sender, owner.origin)
    assert set(bad.form_errors) == {"progress", "note"}
    ok = await assistant.submit_form(
        "update", {"ref": action.ref, "progress": "55", "rag": "amber", "note": "ok"}, owner.sender, owner.origin
    )
    assert ok.status == "ok" and (await seeded_store.get_action(action.ref)).progress == 55


async def test_help_and_unknown(person, agent):
    help_text = await person("Pat").say("help")
    assert "status [THEME|ACTION]" in help_text and "support DESCRIPTION" in help_text
    assert "Open requests by priority and age (ICT service desk only)" in help_text
    assert "Open requests by priority and age. Example" in await agent.say("help")
    unknown = await person("Pat").say("staus please")
    assert "I didn't understand" in unknown and "Did you mean 'status'?" in unknown


async def test_bad_refs_get_usage(person, agent):
    assert "not a request reference like ICT-42" in await agent.say("assign banana")
    assert "Which request?" in await agent.say("resolve")
    assert "Usage: resolve REF NOTE" in await agent.say("resolve")


async def test_whoami_shows_key_and_roles(agent):
    reply = await agent.say("whoami")
    assert "local:alex" in reply and "agent" in reply


async def test_overlong_message_is_refused_clearly(person):
    reply = await person("Rob").say("support " + "x" * 50_000)
    assert "too long" in reply


async def test_long_description_over_limit_is_refused_and_nothing_saved(person, agent):
    rob = person("Rob")
    reply = await rob.say("support " + "word " * 3000)
    assert "the limit is 10,000" in reply
    assert "No open requests" in await agent.say("queue")


async def test_unexpected_error_is_logged_with_an_id_and_nothing_is_half_written(person, agent, seeded_store, caplog):
    """A real fault: the audit table is missing, so creating a request fails after its row was inserted.
    The user sees an error id, the log has it with the traceback, and the request row was rolled back."""
    async with seeded_store.engine.begin() as conn:
        await conn.execute(text("ALTER TABLE ticket_events RENAME TO ticket_events_gone"))
    try:
        outcome = await person("Rob").send("support printer jammed")
    finally:
        async with seeded_store.engine.begin() as conn:
            await conn.execute(text("ALTER TABLE ticket_events_gone RENAME TO ticket_events"))
    assert outcome.status == "error" and outcome.reply.error_id
    assert outcome.reply.error_id in outcome.reply.text and "ticket_events" not in outcome.reply.text
    logged = [r for r in caplog.records if outcome.reply.error_id in r.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert "No open requests" in await agent.say("queue")


async def test_raise_a_ticket_keeps_the_words_after_the_phrase(person, seeded_store):
    rob = person("Rob")
    await rob.say("raise a ticket: printer jammed on floor 2")
    [t] = await seeded_store.my_tickets("local:rob")
    assert t.summary == "printer jammed on floor 2"
    await rob.say("raise my monitor is broken")
    newest = (await seeded_store.my_tickets("local:rob"))[0]
    assert newest.summary == "my monitor is broken"


async def test_status_shows_an_update_at_once_despite_the_summary_cache(person, admin, seeded_store, clock):
    pat = person("Pat")
    before = {f.label: f.value for f in (await pat.send("status")).reply.items[2].fields}
    await admin.say("update RS-03 100 green Firewalls live")
    after = {f.label: f.value for f in (await pat.send("status")).reply.items[2].fields}
    assert before["Complete"] != after["Complete"]
    [rs] = [s for s in await seeded_store.theme_summaries(clock().date()) if s.theme.code == "RS"]
    assert after["Complete"] == f"{rs.percent_complete}%"


async def test_a_role_granted_in_process_applies_at_once(person, seeded_store):
    eve = person("Eve")
    assert "for the ICT service desk" in await eve.say("queue")
    await seeded_store.set_role("local:eve", "agent", True)
    assert "Service desk queue" in await eve.say("queue")
    assert "queue" in await eve.say("help")


async def test_queue_filters_narrow_by_priority_assignee_and_nobody(person, agent, seeded_store):
    rob = person("Rob")
    refs = {}
    for problem in ("phishing email clicked", "monitor flickers", "mouse broken"):
        refs[problem] = re.search(r"ICT-\d+", await rob.say(f"support {problem}")).group(0)
    await agent.say(f"assign {refs['monitor flickers']}")
    p1 = await agent.say("queue P1")
    assert refs["phishing email clicked"] in p1 and refs["mouse broken"] not in p1
    mine = await agent.say("queue mine")
    assert refs["monitor flickers"] in mine and "1 your open request" in mine
    nobody = await agent.say("queue unassigned")
    assert refs["monitor flickers"] not in nobody and refs["mouse broken"] in nobody
    assert "No P4 open requests" in await agent.say("queue p4")
    assert "is not a queue filter" in await agent.say("queue biscuits")


async def test_support_form_left_to_guess_treats_phishing_as_p1(person, assistant, seeded_store):
    rob = person("Rob")
    form = (await rob.send("support")).reply.form
    assert [i.initial for i in form.inputs if i.name == "priority"] == [None]
    values = {"summary": "I clicked a phishing link", "description": "It asked for my password", "priority": ""}
    outcome = await assistant.submit_form("support", values, rob.sender, rob.origin)
    assert outcome.status == "ok"
    [t] = await seeded_store.my_tickets("local:rob")
    assert (t.category, t.priority) == ("security incident", "P1")


async def test_status_says_when_it_shows_the_sample_plan(person, seeded_store):
    from storage.plan_io import parse_plan

    assert "SAMPLE DATA" in await person("Pat").say("status")
    await seeded_store.import_plan(
        parse_plan(
            "themes:\n  - code: RS\n    name: Resilience\n    actions:\n"
            "      - {ref: RS-01, title: Ours, owner: Us, plan_year: 2019/20}\n",
            "yaml",
        )
    )
    assert "SAMPLE DATA" not in await person("Pat").say("status")


async def test_deadlines_are_shown_in_uk_time(person, clock):
    from datetime import UTC, datetime

    clock.now = datetime(2019, 6, 3, 9, 0, tzinfo=UTC)  # British Summer Time: UTC+1
    reply = await person("Rob").say("support I clicked a link in a phishing email")
    assert "(by Mon 03 Jun 14:00)" in reply  # 4 hours after 10:00 BST


async def test_home_counts_past_what_it_lists(person, assistant):
    rob = person("Rob")
    for n in range(12):
        await rob.say(f"support --new monitor {n} flickers")  # alike: raised anyway
    home = await assistant.home(rob.sender, rob.origin)
    assert "more than 10 open requests" in home.reply.text
    assert any(i.title == "More of your requests" for i in home.reply.items)


async def test_a_council_theme_with_a_longer_code_works_end_to_end(person, admin, seeded_store):
    from storage.plan_io import parse_plan

    await seeded_store.import_plan(
        parse_plan(
            "themes:\n  - code: GOV\n    name: Governance\n    actions:\n"
            "      - {ref: GOV-01, title: Board reporting, owner: Ada, plan_year: 2019/20}\n",
            "yaml",
        )
    )
    assert "GOV-01 Board reporting" in await person("Pat").say("status gov")
    assert "GOV-01 updated" in await admin.say("update GOV-01 50 amber Half way")
    assert "There is no theme ZZZ" in await person("Pat").say("status zzz")
