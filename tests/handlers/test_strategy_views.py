"""The plan seen by one council or one year, flags beside the stated RAG, owners set from chat."""

from __future__ import annotations

from storage.records import PlanScope


async def test_status_for_one_council_counts_only_its_actions(person, seeded_store, clock):
    [*_, everything] = [await seeded_store.list_actions()]
    swale = [a for a in everything if "Swale" in a.partners]
    assert 0 < len(swale) < len(everything) or len(swale) == len(everything)
    for typed in ("status Swale", "status swale bc", "status SBC"):
        reply = await person("Pat").say(typed)
        assert "for Swale" in reply and f"{len(swale)} action" in reply, typed


async def test_status_for_a_council_and_theme_together(person, seeded_store):
    reply = await person("Pat").say("status Maidstone RS")
    maidstone_rs = await seeded_store.list_actions(theme="RS", scope=PlanScope(council="Maidstone"))
    assert "(Maidstone)" in reply
    assert all(a.ref in reply for a in maidstone_rs)


async def test_status_of_a_year_with_no_actions_says_so(person):
    reply = await person("Pat").say("status 2023/24")
    assert "No live actions for 2023/24" in reply
    assert "Plan years: 2019/20" in await person("Pat").say("status")


async def test_unknown_words_are_named(person):
    reply = await person("Pat").say("status Medway Council")
    assert "called 'Medway'" in reply and "Usage: status" in reply


async def test_actions_for_a_council_that_are_overdue(person, seeded_store, clock):
    reply = await person("Pat").send("actions tunbridge wells overdue")
    expected = [
        a
        for a in await seeded_store.list_actions(scope=PlanScope(council="Tunbridge Wells"))
        if a.is_overdue(clock().date())
    ]
    assert reply.reply.title == "Overdue actions in Tunbridge Wells"
    assert len(reply.reply.items) == min(len(expected), 25)


async def test_a_green_action_past_its_due_date_is_flagged_beside_its_rag(person, admin, seeded_store, clock):
    late = next(a for a in await seeded_store.list_actions() if a.status == "in progress")
    done = await admin.say(f"update {late.ref} {late.progress} green due 01/09/2019 Agreed date was September")
    assert "Due: 01 Sep 2019" in done
    late_green = await seeded_store.get_action(late.ref)
    assert late_green.rag == "green" and late_green.is_overdue(clock().date())
    reply = await person("Pat").say(f"status {late_green.ref}")
    assert "stated Green, overdue" in reply


async def test_an_admin_sets_an_owner_by_key_and_that_person_can_update(person, admin, seeded_store):
    [action, *_] = await seeded_store.list_actions()
    kim = person("Kim", platform="slack")
    refused = await kim.say(f"update {action.ref} 45 amber Going well")
    assert "no email I can match" in refused
    assert "Only an ICT Assistant admin" in await kim.say(f"owner {action.ref} slack:kim")
    done = await admin.say(f"owner {action.ref} slack:kim Kim Lee")
    assert f"{action.ref} is now owned by Kim Lee (slack:kim" in done
    assert f"{action.ref} updated" in await kim.say(f"update {action.ref} 45 amber Going well")


async def test_owner_by_email_for_someone_never_seen(admin, person, seeded_store):
    [action, *_] = await seeded_store.list_actions()
    reply = await admin.say(f"owner {action.ref} jo.bloggs@maidstone.gov.uk Jo Bloggs")
    assert "now owned by Jo Bloggs (jo.bloggs@maidstone.gov.uk)" in reply
    jo = person("Jo", email="Jo.Bloggs@maidstone.gov.uk")
    assert f"{action.ref} updated" in await jo.say(f"update {action.ref} 10 Started")
    assert "I don't know anyone called 'nobody'" in await admin.say(f"owner {action.ref} nobody")


async def test_typed_update_reads_status_words_and_due_dates(person, admin, seeded_store):
    [action, *_] = await seeded_store.list_actions()
    owner = person("Owner", email=action.owner_email)
    reply = await owner.say(f"update {action.ref} 40% amber on hold due 30/06/2021 waiting for the supplier")
    assert "40%, Amber, blocked" in reply and "Proposed due date" in reply
    a = await seeded_store.get_action(action.ref)
    assert a.status == "blocked" and str(a.proposed_due) == "2021-06-30"
    reply = await owner.say(f"update {action.ref} 45 unblocked")
    assert "in progress" in reply
    history = await person("Pat").say(f"history {action.ref}")
    assert "status blocked \u2192 in progress" in history
