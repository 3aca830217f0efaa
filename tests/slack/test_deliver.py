"""The outbox's Slack deliveries when Slack says no: rate limits, a missing channel, the last attempt."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.notify import DeliveryError
from bot.slack.app import SLACK
from storage import NOTIFY_MAX_ATTEMPTS
from storage.records import Origin
from tests.slack.conftest import SUPPORT_CHANNEL, texts


def _triage_posts(fake):
    return [c for c in fake.of("chat.postMessage") if c.args["channel"] == SUPPORT_CHANNEL]


async def test_ratelimited_triage_post_waits_for_retry_after_and_the_request_is_saved(workspace):
    workspace.fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "7"}, times=1)
    ack = await workspace.ict("support the scanner is offline")
    assert "ICT-1 raised" in texts(ack["blocks"])
    await workspace.settle()
    assert await workspace.store.notification_states("ICT-1") == [("new_request", "slack", "pending", 1)]
    now = datetime.now(UTC)
    assert await workspace.store.due_notifications(["slack"], now=now + timedelta(seconds=5)) == []
    [due] = await workspace.store.due_notifications(["slack"], now=now + timedelta(seconds=8))
    assert due.kind == "new_request"
    assert len(await workspace.store.my_tickets("slack:UROB")) == 1


async def test_ratelimited_then_retried_posts_once(workspace):
    workspace.fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "0"}, times=1)
    await workspace.ict("support the scanner is offline")
    await workspace.settle()
    assert len(_triage_posts(workspace.fake)) == 2  # refused, then accepted
    assert await workspace.store.notification_states("ICT-1") == [("new_request", "slack", "sent", 2)]
    assert await workspace.store.get_channel_post("ICT-1", "slack", "triage") is not None


async def test_channel_not_found_gives_up_and_tells_the_requester_the_desk_was_not_reached(workspace):
    workspace.fake.fail("chat.postMessage", "channel_not_found", times=1)
    ack = await workspace.ict("support the scanner is offline")
    assert "ICT-1 raised" in texts(ack["blocks"])
    await workspace.settle()
    assert await workspace.store.notification_states("ICT-1") == [("new_request", "slack", "failed", 1)]
    [ticket] = await workspace.store.my_tickets("slack:UROB")
    assert ticket.ref == "ICT-1"
    [opened] = workspace.fake.of("conversations.open")
    assert opened.args["users"] == "UROB"
    told = workspace.fake.of("chat.postMessage")[-1]
    assert told.args["channel"] == "DROB"
    assert "ICT-1" in told.args["text"] and "is saved" in told.args["text"]
    assert "channel_not_found" in told.args["text"]


async def test_the_last_failed_attempt_tells_the_requester(workspace):
    workspace.fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "600"}, times=1)
    await workspace.ict("support the scanner is offline")
    await workspace.settle()
    [notice] = await workspace.store.due_notifications(["slack"], now=datetime.now(UTC) + timedelta(minutes=11))
    ticket = await workspace.store.get_ticket_unchecked(notice.request_number)
    last = replace(notice, attempts=NOTIFY_MAX_ATTEMPTS - 1)
    workspace.fake.fail("chat.postMessage", "internal_error", times=1)
    with pytest.raises(DeliveryError) as failed:
        await workspace.app[SLACK].deliverer.deliver(last, ticket)
    assert not failed.value.permanent
    told = workspace.fake.of("chat.postMessage")[-1]
    assert told.args["channel"] == "DROB" and "is saved" in told.args["text"]


async def test_a_change_before_the_first_post_posts_it_and_the_late_first_post_updates_instead(workspace):
    workspace.fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "60"}, times=1)
    await workspace.ict("support the scanner is offline")
    await workspace.make_agent("UALEX")
    await workspace.ict("priority ICT-1 P2", user="UALEX")
    await workspace.settle()
    assert len(_triage_posts(workspace.fake)) == 2  # the refused one, then the change posted it
    saved = await workspace.store.get_channel_post("ICT-1", "slack", "triage")
    [late] = await workspace.store.due_notifications(["slack"], now=datetime.now(UTC) + timedelta(seconds=61))
    await workspace.app[SLACK].deliverer.deliver(late, await workspace.store.get_ticket_unchecked(1))
    assert len(_triage_posts(workspace.fake)) == 2  # no duplicate
    [update] = workspace.fake.of("chat.update")
    assert (update.args["channel"], update.args["ts"]) == (saved.conversation, saved.message_id)


async def test_a_requester_who_cannot_be_dmed_is_a_permanent_failure(workspace):
    await workspace.ict("support the scanner is offline")
    await workspace.make_agent("UALEX")
    await workspace.settle()
    workspace.fake.fail("conversations.open", "user_not_found")
    await workspace.ict("waiting ICT-1 Which room is the scanner in?", user="UALEX")
    await workspace.settle()
    states = await workspace.store.notification_states("ICT-1")
    assert ("waiting", "slack", "failed", 1) in states
    assert ("request_changed", "slack", "sent", 1) in states


async def test_the_triage_post_says_new_request_only_when_first_posted_as_in_teams(workspace):
    await workspace.ict("support the scanner is offline")
    await workspace.make_agent("UALEX")
    await workspace.settle()
    [post] = workspace.fake.of("chat.postMessage")
    assert post.args["text"] == "New request ICT-1 from Rob Requester: the scanner is offline"  # one sentence
    assert texts(post.args["blocks"]).startswith("New request: ICT-1")
    await workspace.ict("priority ICT-1 P2", user="UALEX")  # still status "new": the refresh is not a new request
    await workspace.settle()
    [update] = workspace.fake.of("chat.update")
    assert update.args["text"] == "ICT-1 is new: the scanner is offline" and "P2" in texts(update.args["blocks"])


async def test_a_new_request_and_its_change_in_one_outbox_pass_post_once_then_update_that_post(workspace):
    """Both notices are due together: the update finds the post the same pass made (not yet written), and the
    post is on record with both notices marked sent by the pass's one write."""
    await workspace.make_agent("UALEX")
    await workspace.store.ensure_user("slack:UROB", "Rob")
    ticket = await workspace.store.create_ticket(
        "slack:UROB", summary="The scanner is offline", origin=Origin("slack", "DROB")
    )
    await workspace.store.set_ticket_priority(ticket.ref, "slack:UALEX", "P2")
    assert [s for _, _, s, _ in await workspace.store.notification_states(ticket.ref)].count("pending") >= 2
    assert await workspace.store.get_channel_post(ticket.ref, "slack", "triage") is None
    await workspace.runtime.outbox.drain()
    [posted] = _triage_posts(workspace.fake)
    [update] = workspace.fake.of("chat.update")
    saved = await workspace.store.get_channel_post(ticket.ref, "slack", "triage")
    assert saved is not None
    assert (update.args["channel"], update.args["ts"]) == (saved.conversation, saved.message_id)
    assert posted.args["channel"] == SUPPORT_CHANNEL and saved.conversation.startswith("C")
    assert "P2" in texts(update.args["blocks"])
    assert {s for _, _, s, _ in await workspace.store.notification_states(ticket.ref)} == {"sent"}


async def test_each_notice_to_a_requester_previews_as_one_sentence(workspace):
    await workspace.ict("support printer jammed on floor 2", user="UROB")
    await workspace.make_agent("UALEX")
    await workspace.settle()
    for command in ("assign ICT-1", "waiting ICT-1 Which floor exactly?", "resolve ICT-1 Cleared the jam"):
        await workspace.ict(command, user="UALEX")
    await workspace.settle()
    to_rob = [c.args for c in workspace.fake.of("chat.postMessage") if c.args["channel"] == "DROB"]
    assert [m["text"] for m in to_rob] == [  # what the notification and the DM list show
        "ICT-1 is now with Alex Agent: printer jammed on floor 2",
        "ICT-1 needs something from you: Which floor exactly?",
        "ICT-1 resolved: Cleared the jam",
    ]
    assert "Reply with: reopen ICT-1" in texts(to_rob[-1]["blocks"])  # the message itself says the rest
