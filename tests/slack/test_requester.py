"""The requester's side in Slack, through the real bolt app and the fake Web API: an internal note never
reaches the requester (checked on every call the fake received), a reopen reaches the assignee, and a
withdrawn request tells its assignee and refreshes the triage post."""

from __future__ import annotations

import json

from tests.slack.conftest import texts

NOTE = "Same fault as the Swale House switch"


def _calls_to(fake, channel: str):
    return [c for c in fake.calls if c.args.get("channel") == channel]


async def test_an_internal_note_never_reaches_the_requester_and_a_reopen_reaches_the_assignee(workspace):
    await workspace.make_agent("UALEX")
    await workspace.ict("support the VPN drops every five minutes", user="UROB")
    await workspace.settle()
    await workspace.ict("assign ICT-1", user="UALEX")
    ack = await workspace.ict(f"note ICT-1 {NOTE}", user="UALEX")
    assert "Only the service desk can see it." in texts(ack["blocks"])
    await workspace.ict("resolve ICT-1 Reset the VPN profile", user="UALEX")
    await workspace.settle()

    shown = texts((await workspace.ict("ticket ICT-1", user="UROB"))["blocks"])
    assert "Reset the VPN profile" in shown and NOTE not in shown
    assert NOTE in texts((await workspace.ict("ticket ICT-1", user="UALEX"))["blocks"])
    ack = await workspace.ict("reopen ICT-1 it drops again", user="UROB")
    assert "ICT-1 is open again" in texts(ack["blocks"]) and "Alex Agent has been told." in texts(ack["blocks"])
    await workspace.settle()

    to_rob = [c for c in workspace.fake.calls if c.args.get("channel") == "DROB" or c.args.get("user") == "UROB"]
    assert to_rob, "Rob was told of the assignment and the resolution"
    assert all(NOTE not in json.dumps(c.args) for c in to_rob)
    to_alex = [c for c in workspace.fake.of("chat.postMessage") if c.args["channel"] == "DALEX"]
    assert any("reopened ICT-1" in c.args["text"] and "it drops again" in c.args["text"] for c in to_alex)


async def test_a_requester_withdraws_from_slack_and_the_assignee_hears(workspace):
    await workspace.make_agent("UALEX")
    await workspace.ict("support printer jammed", user="UROB")
    await workspace.ict("assign ICT-1", user="UALEX")
    await workspace.settle()
    ack = await workspace.ict("close ICT-1 sorted it myself", user="UROB")
    assert "ICT-1 is withdrawn and closed. Alex Agent has been told." in texts(ack["blocks"])
    await workspace.settle()
    to_alex = [c for c in workspace.fake.of("chat.postMessage") if c.args["channel"] == "DALEX"]
    assert any("withdrew ICT-1" in c.args["text"] for c in to_alex)
    refreshed = texts(workspace.fake.of("chat.update")[-1].args["blocks"])  # the triage post, in place
    assert "*Status*\nclosed" in refreshed and "Assign to me" not in refreshed


async def test_a_requesters_reply_on_an_unassigned_request_is_said_in_the_triage_channel(workspace):
    await workspace.ict("support printer jammed", user="UROB")
    await workspace.settle()
    [post] = workspace.fake.of("chat.postMessage")  # the triage post, to SLACK_SUPPORT_CHANNEL by name
    ack = await workspace.ict("comment ICT-1 It is the one by the lifts", user="UROB")
    assert "The service desk will see it in the queue." in texts(ack["blocks"])
    await workspace.settle()
    [said] = [c for c in workspace.fake.of("chat.postMessage") if c.args.get("thread_ts")]
    channel_id = workspace.fake.channels[post.args["channel"]]  # the id Slack gave for that name
    assert said.args["channel"] == channel_id and said.args["reply_broadcast"] is True
    assert said.args["text"] == "Rob Requester added to ICT-1, which nobody is assigned: It is the one by the lifts"
    assert "assign ICT-1" in texts(said.args["blocks"])
