"""Every `/ict` command over signed HTTP into the running app, with a recording Web API behind it."""

from __future__ import annotations

import asyncio
import json
import re
import time

import pytest

from bot.slack.app import SLACK
from bot.slack.profiles import Profiles
from tests.slack.conftest import SUPPORT_CHANNEL, button, buttons, texts
from tests.slack.fake_slack import TEAM_ID


async def test_status_is_an_ephemeral_block_kit_reply_with_a_text_fallback(workspace):
    ack = await workspace.ict("status")
    assert ack["response_type"] == "ephemeral"
    assert ack["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "ICT Strategy 2019-2024: action plan status", "emoji": True},
    }
    shown = texts(ack["blocks"])
    for theme in ("Enabling a modern and flexible workforce", "Resilient solutions", "Innovation"):
        assert theme in shown
    title, summary = ack["text"].split("\n")  # the compact fallback: the title, then the one-line summary
    assert title == "ICT Strategy 2019-2024: action plan status"
    assert re.fullmatch(r"\d+ actions across \d+ themes: .*", summary)


async def test_help_lists_commands(workspace):
    ack = await workspace.ict("help")
    assert "support DESCRIPTION" in texts(ack["blocks"])
    assert "(ICT service desk only)" in texts(ack["blocks"])


async def test_whoami_uses_the_slack_profile_from_users_info(workspace):
    ack = await workspace.ict("whoami")
    shown = texts(ack["blocks"])
    assert "Rob Requester" in shown
    assert "slack:UROB" in shown
    assert "rob.requester@maidstone.gov.uk" in shown
    assert [c.args["user"] for c in workspace.fake.of("users.info")] == ["UROB"]
    await workspace.ict("whoami")
    assert len(workspace.fake.of("users.info")) == 1  # cached


async def test_a_slow_users_info_never_holds_up_the_ack_and_the_next_command_has_the_profile(workspace):
    profiles = workspace.app[SLACK].profiles
    profiles.first_wait = Profiles(None, None).first_wait  # the default (the fixture waits for names)
    slack_answers = workspace.fake.hold("users.info")
    look_up = profiles.sender("UEVE", "eve")
    with pytest.raises(StopIteration) as finished:
        look_up.send(None)  # finishes in one step: nothing is awaited, users.info goes on in the background
    assert finished.value.value.display_name == "eve"
    ack = await asyncio.wait_for(workspace.ict("support my laptop will not connect to the VPN"), timeout=5)
    assert "ICT-1 raised" in texts(ack["blocks"]) and "Thanks urob" in texts(ack["blocks"])  # the payload's name
    assert [c.args["user"] for c in workspace.fake.of("users.info")] == ["UEVE", "UROB"]  # asked, not answered
    slack_answers.set()
    await workspace.settle()
    shown = texts((await workspace.ict("whoami"))["blocks"])  # the next command carries the profile
    assert "Rob Requester" in shown and "rob.requester@maidstone.gov.uk" in shown
    user = await workspace.store.get_user("slack:UROB")
    assert (user.display_name, user.email) == ("Rob Requester", "rob.requester@maidstone.gov.uk")


async def test_support_raises_a_request_posts_it_to_triage_and_saves_the_post(workspace):
    ack = await workspace.ict("support my laptop will not connect to the VPN")
    assert "ICT-1 raised" in texts(ack["blocks"])
    assert ack["response_type"] == "ephemeral"
    await workspace.settle()
    [post] = workspace.fake.of("chat.postMessage")
    assert post.args["channel"] == SUPPORT_CHANNEL
    assert "my laptop will not connect to the VPN" in texts(post.args["blocks"])
    assert "Rob Requester" in texts(post.args["blocks"])
    assert [b["text"]["text"] for b in buttons(post.args["blocks"])] == ["Assign to me", "Resolve", "Priority"]
    assert post.args["text"]  # plain fallback
    saved = await workspace.store.get_channel_post("ICT-1", "slack", "triage")
    assert saved.conversation.startswith("C") and saved.message_id


async def test_ticket_and_tickets_show_the_requesters_own_requests_only(workspace):
    await workspace.ict("support printer on floor 2 is jammed")
    mine = await workspace.ict("tickets")
    assert "ICT-1 printer on floor 2 is jammed" in texts(mine["blocks"])
    one = await workspace.ict("ticket ICT-1")
    assert "printer on floor 2 is jammed" in texts(one["blocks"])
    assert buttons(one["blocks"]) == []  # requesters get no agent buttons
    other = await workspace.ict("ticket ICT-1", user="UEVE")
    assert "I can't find ICT-1" in texts(other["blocks"])


async def test_update_with_arguments_posts_progress_to_the_channel(workspace):
    ack = await workspace.ict("update RS-03 60 amber Firewall replacement slipped to May", user="ULUKE")
    assert ack["response_type"] == "in_channel"
    assert "RS-03 updated" in texts(ack["blocks"])
    action = await workspace.store.get_action("RS-03")
    assert (action.progress, action.rag) == (60, "amber")


async def test_update_by_someone_who_does_not_own_the_action_changes_nothing(workspace):
    before = await workspace.store.get_action("RS-03")
    ack = await workspace.ict("update RS-03 99 green done", user="UEVE")
    assert ack["response_type"] == "ephemeral"
    assert "RS-03 updated" not in texts(ack["blocks"])
    assert (await workspace.store.get_action("RS-03")).progress == before.progress


async def test_queue_is_for_agents_and_its_buttons_have_unique_action_ids(workspace):
    for problem in ("printer jammed", "vpn drops", "cannot log in", "outlook crashes"):
        await workspace.ict(f"support {problem}")
    refused = await workspace.ict("queue", user="UEVE")
    assert "for the ICT service desk (agents) only" in texts(refused["blocks"])
    await workspace.make_agent("UALEX")
    queue = await workspace.ict("queue", user="UALEX")
    ids = [b["action_id"] for b in buttons(queue["blocks"])]
    assert len(ids) == 12 and len(set(ids)) == 12
    assert {b["value"] for b in buttons(queue["blocks"])} == {"ICT-1", "ICT-2", "ICT-3", "ICT-4"}


async def test_resolve_by_an_agent_dms_the_requester_and_updates_the_triage_post(workspace):
    await workspace.ict("support printer on floor 2 is jammed")
    await workspace.make_agent("UALEX")
    await workspace.settle()
    workspace.fake.clear()
    ack = await workspace.ict("resolve ICT-1 Cleared the paper jam and replaced the roller", user="UALEX")
    assert "ICT-1 is resolved" in texts(ack["blocks"])
    await workspace.settle()
    [opened] = workspace.fake.of("conversations.open")
    assert opened.args["users"] == "UROB"
    [dm] = workspace.fake.of("chat.postMessage")
    assert dm.args["channel"] == "DROB"
    assert "Cleared the paper jam and replaced the roller" in dm.args["text"]
    [update] = workspace.fake.of("chat.update")
    saved = await workspace.store.get_channel_post("ICT-1", "slack", "triage")
    assert (update.args["channel"], update.args["ts"]) == (saved.conversation, saved.message_id)
    assert "resolved" in texts(update.args["blocks"])
    assert buttons(update.args["blocks"]) == []  # nothing left to do


async def test_resolve_by_a_non_agent_is_refused_and_changes_nothing(workspace):
    await workspace.ict("support printer on floor 2 is jammed")
    ack = await workspace.ict("resolve ICT-1 fixed it myself", user="UEVE")
    assert "Only the ICT service desk" in texts(ack["blocks"])
    await workspace.settle()
    assert (await workspace.store.get_ticket_unchecked(1)).status == "new"
    assert workspace.fake.of("chat.update") == []


async def test_assign_tells_the_requester(workspace):
    await workspace.ict("support outlook crashes on start")
    await workspace.make_agent("UALEX")
    ack = await workspace.ict("assign ICT-1", user="UALEX")
    assert ack["response_type"] == "in_channel"
    assert "ICT-1 is assigned to Alex Agent" in texts(ack["blocks"])
    await workspace.settle()
    dms = [c for c in workspace.fake.of("chat.postMessage") if c.args["channel"] == "DROB"]
    assert len(dms) == 1 and "is now with Alex Agent" in dms[0].args["text"]


async def test_bad_signature_is_401_and_nothing_is_saved(workspace):
    response = await workspace.command("support printer jammed", secret="not-the-signing-secret")
    assert response.status == 401
    assert await workspace.store.my_tickets("slack:UROB") == []


async def test_timestamp_older_than_five_minutes_is_401(workspace):
    response = await workspace.command("support printer jammed", timestamp=int(time.time()) - 6 * 60)
    assert response.status == 401
    assert await workspace.store.my_tickets("slack:UROB") == []


async def test_user_text_is_escaped_so_it_cannot_ping_or_mention(workspace):
    # As Slack sends it: typed "<!channel>" arrives as &lt;!channel&gt;, a real @channel as <!channel>,
    # a mention as <@U...>, a link as <url|label>, and & as &amp;.
    ack = await workspace.ict(
        "support &lt;!channel&gt; <!channel> <@U0ADMIN> says printers &amp; scanners are down <https://evil|click>"
    )
    await workspace.settle()
    [ticket] = await workspace.store.my_tickets("slack:UROB")
    assert ticket.summary == (
        "<!channel> @channel @slack:U0ADMIN says printers & scanners are down click (https://evil)"
    )  # stored as typed, not in Slack's wire format
    [post] = workspace.fake.of("chat.postMessage")
    for shown in (json.dumps(ack), json.dumps(post.args)):
        assert "<!channel>" not in shown
        assert "<@U0ADMIN>" not in shown
        assert "<https://evil" not in shown
        assert "&amp;amp;" not in shown  # escaped once, not twice
    triage = texts(post.args["blocks"])
    assert (
        "&lt;!channel&gt; @channel @slack:U0ADMIN says printers &amp; scanners are down click (https://evil)" in triage
    )
    assert "&lt;!channel&gt;" in post.args["text"]


async def test_a_20000_character_request_gets_a_clear_reply_not_a_500(workspace):
    response = await workspace.command("support " + "the printer is broken " * 910)
    assert response.status == 200
    ack = await response.json()
    assert "the limit is 10,000" in texts(ack["blocks"])
    assert len(json.dumps(ack)) < 10_000
    assert await workspace.store.my_tickets("slack:UROB") == []


async def test_an_unknown_word_gets_a_suggestion(workspace):
    ack = await workspace.ict("stauts")
    assert "Did you mean 'status'?" in texts(ack["blocks"])


async def test_button_in_a_reply_round_trips(workspace):
    ack = await workspace.ict("support vpn drops every ten minutes")
    view = button(ack["blocks"], "View request", "ICT-1")
    response = await workspace.click(view, user="UROB")
    assert response.status == 200
    await workspace.settle()
    [follow_up] = workspace.fake.of("response_url")
    assert "vpn drops every ten minutes" in texts(follow_up.args["blocks"])
    assert follow_up.args["response_type"] == "ephemeral"


async def test_actions_history_and_comment(workspace):
    overdue = await workspace.ict("actions overdue")
    assert "overdue" in texts(overdue["blocks"]).lower()
    await workspace.ict("update RS-03 60 amber Firewall replacement slipped to May", user="ULUKE")
    history = await workspace.ict("history RS-03")
    assert "Firewall replacement slipped to May" in texts(history["blocks"])
    await workspace.ict("support printer jammed")
    added = await workspace.ict("comment ICT-1 It is the one by the lifts")
    assert "Added to ICT-1" in texts(added["blocks"])


async def test_a_database_failure_is_a_clear_reply_with_an_error_id(workspace, tmp_path):
    await workspace.ict("status")  # profile cached, database warm
    await workspace.runtime.engine.dispose()
    (tmp_path / "slack.db").unlink()
    (tmp_path / "slack.db").mkdir()  # unopenable as a database
    response = await workspace.command("tickets")  # not "status": its summary may be served from a cache
    assert response.status == 200
    ack = await response.json()
    assert "something went wrong on our side" in ack["text"] and "error id" in ack["text"]


async def test_a_malformed_payload_gets_an_error_id_not_a_500(workspace):
    from urllib.parse import urlencode

    from tests.slack.conftest import TEAM_ID

    body = urlencode({"team_id": TEAM_ID, "command": "/ict", "text": "status", "channel_id": "C1"})  # no user_id
    response = await workspace.post(body, "application/x-www-form-urlencoded")
    assert response.status == 200
    assert "error id" in (await response.json())["text"]
    submitted = await workspace.interact(  # no user
        {"type": "view_submission", "team": {"id": TEAM_ID}, "view": {"type": "modal", "callback_id": "support"}}
    )
    assert submitted.status == 200
    answer = await submitted.json()
    assert answer["response_action"] == "update" and "error id" in texts(answer["view"]["blocks"])
    garbled = await workspace.interact({"type": "view_submission", "view": {"callback_id": "support"}})
    assert garbled.status == 200 and "error id" in (await garbled.json())["text"]


async def test_when_users_info_fails_the_name_in_the_payload_is_used(workspace):
    workspace.fake.fail("users.info", "missing_scope")
    ack = await workspace.ict("whoami", user="UEVE")
    shown = texts(ack["blocks"])
    assert "ueve" in shown and "slack:UEVE" in shown
    assert "Eve Nosy" not in shown


async def test_a_button_that_fails_unexpectedly_shows_the_error_id_in_the_conversation(workspace, caplog):
    """A block_actions payload our listener cannot handle (no user): the HTTP answer is an empty 200,
    and the person sees the error id through the response_url."""
    response = await workspace.interact(
        {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "container": {"type": "message", "channel_id": "CGENERAL"},
            "channel": {"id": "CGENERAL"},
            "response_url": workspace.fake.response_url(),
            "trigger_id": "t-1",
            "actions": [{"type": "button", "action_id": "ict:assign:0", "value": "ICT-1", "block_id": "b"}],
        }
    )
    assert response.status == 200
    await workspace.settle()
    [told] = workspace.fake.of("response_url")
    error_id = re.search(r"error id: ([0-9a-f]{8})", told.args["text"]).group(1)
    assert any(error_id in r.getMessage() for r in caplog.records)
