""" "How did we do?" through the real assistant and store: the resolved notice's score buttons, `rate` typed
and its mistakes, the comment form, who hears of a rating, and the rating on the request's card."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.text import render_text
from handlers.notices import desk_alert, person_notice
from storage import Store

LATER = datetime(2030, 1, 1, tzinfo=UTC)
USAGE = "Usage: rate REF 1-5 [COMMENT]"


async def _notices(store: Store, kind: str, channels=("local",)):
    return [n for n in await store.due_notifications(list(channels), now=LATER, limit=500) if n.kind == kind]


@pytest.fixture
async def resolved(person, agent, seeded_store):
    """Rob's request ICT-1, taken and resolved by Alex (Monday 25 November 2019, 09:30)."""
    rob = person("Rob")
    await rob.say("support printer jammed on floor 2")
    await agent.say("assign ICT-1")
    await agent.say("resolve ICT-1 Cleared the jam")
    return rob


async def test_the_resolved_notice_asks_how_we_did_with_a_button_a_score(resolved, seeded_store):
    [notice] = await _notices(seeded_store, "resolved")
    ticket = await seeded_store.get_ticket_unchecked(1)
    reply = person_notice(notice, ticket)
    assert [(b.label, b.command) for b in reply.buttons] == [
        ("1 Very poor", "rate ICT-1 1"),
        ("2 Poor", "rate ICT-1 2"),
        ("3 OK", "rate ICT-1 3"),
        ("4 Good", "rate ICT-1 4"),
        ("5 Excellent", "rate ICT-1 5"),
    ]
    assert "How did we do?" in reply.text and "rate ICT-1 1-5 [COMMENT]" in reply.text  # the console's way


async def test_a_press_of_2_thanks_and_offers_the_comment_form_and_the_comment_reaches_the_assignee(
    resolved, seeded_store, assistant
):
    rob = resolved
    said = await rob.say("rate ICT-1 2")  # the "2 Poor" button's command
    assert "Thank you: you rated ICT-1 2/5 (Poor). Alex will see it." in said
    assert "You can change it until 09:30 on Monday 2 December 2019 (7 days from when it was resolved)" in said
    assert [b.command for b in rob.last.reply.buttons] == ["rate ICT-1 comment"]

    form = (await rob.send("rate ICT-1 comment")).reply.form  # the Add a comment button
    assert (form.form_id, form.private_metadata, [i.name for i in form.inputs]) == ("rate", "ICT-1 2", ["comment"])
    assert not form.inputs[0].required
    done = await assistant.submit_form("rate", {"comment": "took three days"}, rob.sender, rob.origin, "ICT-1 2")
    assert done.status == "ok"
    assert "you rated ICT-1 2/5 (Poor): \u201ctook three days\u201d" in render_text(done.reply)

    ticket = await seeded_store.get_ticket_unchecked(1)
    told = [person_notice(n, ticket).text for n in await _notices(seeded_store, "rated")]
    assert told[0].startswith("Rob rated ICT-1 \u201cprinter jammed on floor 2\u201d 2/5 (Poor).")
    assert told[1].startswith(
        "Rob commented on their rating of ICT-1 \u201cprinter jammed on floor 2\u201d, 2/5 (Poor): "
        "\u201ctook three days\u201d."
    )
    assert all(n.recipient_key == "local:alex" for n in await _notices(seeded_store, "rated"))


async def test_typed_with_a_comment_and_shown_on_the_request(resolved, agent):
    rob = resolved
    assert "you rated ICT-1 4/5 (Good): \u201cquick and friendly\u201d" in await rob.say(
        "rate ICT-1 4 quick and friendly"
    )
    shown = await agent.say("ticket ICT-1")
    assert "Rated by the requester: 4/5 (Good): \u201cquick and friendly\u201d" in shown
    assert "rated 4/5 (Good) by Rob" in shown
    assert "You have already rated ICT-1 4/5 (Good)" in await rob.say("rate ICT-1 4")  # a second press


@pytest.mark.parametrize(
    ("typed", "told"),
    [
        ("rate", "Which request? Give its reference."),
        ("rate ICT-1", "How did we do on ICT-1? Give a number from 1 (very poor) to 5 (excellent)."),
        ("rate ICT-1 9", "A score is a whole number from 1 (very poor) to 5 (excellent)."),
        ("rate ICT-1 0 awful", "A score is a whole number from 1 (very poor) to 5 (excellent)."),
        ("rate ICT-1 good", "'good' is not a score: give a number from 1 (very poor) to 5 (excellent)."),
        ("rate printer 4", "'printer' is not a request reference like ICT-42."),
    ],
)
async def test_mistakes_say_what_was_wrong_and_the_usage(resolved, seeded_store, typed, told):
    rob = resolved
    said = await rob.say(typed)
    assert rob.last.status == "usage"
    assert told in said and USAGE in said
    assert (await seeded_store.get_ticket("ICT-1", "local:rob")).rating is None


async def test_refusals(person, agent, seeded_store, clock):
    rob, eve = person("Rob"), person("Eve")
    await rob.say("support monitor flickers")
    assert "ICT-1 is still open (new): you can say how we did once it is resolved." in await rob.say("rate ICT-1 3")
    await rob.say("withdraw ICT-1 it was the cable")
    assert "ICT-1 was withdrawn, so there is nothing to rate." in await rob.say("rate ICT-1 3")
    await rob.say("support printer jammed")
    await agent.say("resolve ICT-2 Cleared the jam")
    assert "Only the person who raised ICT-2 can rate it." in await agent.say("rate ICT-2 5")
    assert "I can't find ICT-2" in await eve.say("rate ICT-2 1")
    clock.advance(days=7, seconds=1)
    said = await rob.say("rate ICT-2 4")
    assert said == (
        "ICT-2 was resolved on Monday 25 November 2019. A request can be rated for 7 days from when it "
        "is resolved, so it is too late to rate it now."
    )
    assert (await seeded_store.get_ticket("ICT-2", "local:rob")).rating is None


async def test_the_comment_form_before_a_score_offers_the_scores(resolved):
    said = await resolved.say("rate ICT-1 comment")
    assert "How did we do on ICT-1? Choose a score first." in said
    assert [b.command for b in resolved.last.reply.buttons] == [f"rate ICT-1 {n}" for n in range(1, 6)]


async def test_a_low_score_is_said_to_the_triage_channel_and_a_good_one_is_not(engine, person, agent, clock):
    triage = Store(engine, notify_channels=("slack",))
    rob = person("Rob")
    for summary in ("printer jammed", "screen flickers"):
        await rob.say(f"support {summary}")
    for ref in ("ICT-1", "ICT-2"):
        await agent.say(f"assign {ref}")
        await agent.say(f"resolve {ref} Fixed")
    await triage.rate_ticket("ICT-1", "local:rob", 1, "nobody came", now=clock())
    await triage.rate_ticket("ICT-2", "local:rob", 4, now=clock())
    [alert] = await _notices(triage, "low_rating", channels=("slack",))
    said = desk_alert(alert, await triage.get_ticket_unchecked(1))
    assert (said.title, alert.request_number) == ("Low rating", 1)
    assert said.text == (
        "Rob rated ICT-1 \u201cprinter jammed\u201d 1/5 (Very poor): \u201cnobody came\u201d. It was with Alex.\n"
        "See it with: ticket ICT-1"
    )
