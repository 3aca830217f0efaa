"""The Events API: mentions, DMs, App Home; retries and repeated event ids; other bots and ourselves."""

from __future__ import annotations

import json

from tests.slack.conftest import button, texts
from tests.slack.fake_slack import BOT_ID, BOT_USER_ID


def mention(text: str, user: str = "UROB", channel: str = "CGENERAL", ts: str = "1700000100.000100") -> dict:
    return {"type": "app_mention", "user": user, "text": f"<@{BOT_USER_ID}> {text}", "channel": channel, "ts": ts}


def direct(text: str, user: str = "UROB", ts: str = "1700000200.000100") -> dict:
    return {"type": "message", "channel_type": "im", "user": user, "text": text, "channel": "DROB", "ts": ts}


async def test_explicit_request_in_a_mention_is_raised_at_once_and_answered_privately(workspace):
    response = await workspace.event(mention("raise a ticket: printer on floor 2 is jammed"), event_id="Ev1")
    assert response.status == 200
    await workspace.settle()
    [ticket] = await workspace.store.my_tickets("slack:UROB")
    assert ticket.summary == "printer on floor 2 is jammed"
    assert (ticket.origin.conversation, ticket.origin.platform) == ("CGENERAL", "slack")
    [answer] = workspace.fake.of("chat.postEphemeral")
    assert (answer.args["channel"], answer.args["user"]) == ("CGENERAL", "UROB")
    assert answer.args["thread_ts"] == "1700000100.000100"
    assert "ICT-1 raised" in answer.args["text"]


async def test_a_rate_limited_answer_is_sent_again_after_retry_after_so_the_ref_is_not_lost(workspace):
    workspace.fake.rate_limit("chat.postEphemeral", retry_after=1)
    await workspace.event(mention("raise a ticket: the projector in room 5 is dead"), event_id="EvLimited")
    await workspace.settle()  # waits out the Retry-After (about a second)
    refused, answer = workspace.fake.of("chat.postEphemeral")
    assert refused.args == answer.args
    assert "ICT-1 raised" in answer.args["text"]
    assert "chat.postEphemeral" not in workspace.fake.failures  # the second call was the one Slack accepted


async def test_a_problem_no_article_fits_gets_an_offer_with_a_create_button(workspace):
    await workspace.event(mention("the projector in room 5 is dead"), event_id="Ev2")
    await workspace.settle()
    assert await workspace.store.my_tickets("slack:UROB") == []
    [offer] = workspace.fake.of("chat.postEphemeral")
    assert "Shall I raise a support request?" in texts(offer.args["blocks"])
    create = button(offer.args["blocks"], "Create request")
    await workspace.click(create, user="UROB")
    await workspace.settle()
    [ticket] = await workspace.store.my_tickets("slack:UROB")
    assert ticket.summary == "the projector in room 5 is dead"


async def test_direct_messages_go_through_the_same_handlers(workspace):
    await workspace.event(direct("support outlook crashes when I open the calendar"), event_id="Ev3")
    await workspace.settle()
    [answer] = workspace.fake.of("chat.postMessage")[:1]
    assert answer.args["channel"] == "DROB"
    assert "ICT-1 raised" in answer.args["text"]
    assert "thread_ts" not in answer.args or answer.args["thread_ts"] is None


async def test_a_retried_event_never_creates_a_second_request(workspace):
    event = mention("support the scanner in room 4 is offline")
    first = await workspace.event(event, event_id="EvRetry")
    again = await workspace.event(event, event_id="EvRetry", retry=1)
    third = await workspace.event(event, event_id="EvRetry", retry=2)
    assert (first.status, again.status, third.status) == (200, 200, 200)
    await workspace.settle()
    assert len(await workspace.store.my_tickets("slack:UROB")) == 1
    assert len(workspace.fake.of("chat.postEphemeral")) == 1


async def test_other_bots_and_our_own_messages_are_ignored(workspace):
    await workspace.event(
        {**direct("support from a bot"), "bot_id": "BOTHER", "subtype": "bot_message"}, event_id="Ev5"
    )
    await workspace.event({**direct("support from us"), "user": BOT_USER_ID, "bot_id": BOT_ID}, event_id="Ev6")
    await workspace.event({**direct("support edited"), "subtype": "message_changed"}, event_id="Ev7")
    await workspace.settle()
    assert await workspace.store.my_tickets("slack:UROB") == []
    assert workspace.fake.of("chat.postMessage") == []
    assert workspace.fake.of("chat.postEphemeral") == []


async def test_a_channel_message_that_is_not_for_us_is_ignored(workspace):
    await workspace.event(
        {**direct("support printer"), "channel_type": "channel", "channel": "CGENERAL"}, event_id="Ev8"
    )
    await workspace.settle()
    assert await workspace.store.my_tickets("slack:UROB") == []


async def test_app_home_shows_my_requests_my_actions_and_the_strategy(workspace):
    await workspace.ict("support printer jammed", user="ULUKE")
    await workspace.event(
        {"type": "app_home_opened", "user": "ULUKE", "channel": "DLUKE", "tab": "home"}, event_id="Ev9"
    )
    await workspace.settle()
    [published] = workspace.fake.of("views.publish")
    assert published.args["user_id"] == "ULUKE"
    view = published.args["view"]
    assert view["type"] == "home"
    shown = texts(view["blocks"])
    assert "ICT-1 printer jammed" in shown  # my request
    assert "RS-03" in shown  # an action I own
    assert "Resilient solutions" in shown  # the strategy
    assert len(view["blocks"]) <= 100

    update = button(view["blocks"], "Update an action")
    await workspace.click(update, user="ULUKE", container={"type": "view", "view_id": "VHOME", "view_type": "home"})
    await workspace.settle()
    [picker] = [c.args["view"] for c in workspace.fake.of("views.open")]  # opened, not pushed: Home is no modal
    assert picker["callback_id"] == "pick_update" and "RS-03" in json.dumps(picker["blocks"])


async def test_the_messages_tab_opening_does_not_publish_home(workspace):
    await workspace.event(
        {"type": "app_home_opened", "user": "UROB", "channel": "DROB", "tab": "messages"}, event_id="Ev10"
    )
    await workspace.settle()
    assert workspace.fake.of("views.publish") == []
