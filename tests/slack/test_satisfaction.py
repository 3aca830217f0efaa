""" "How did we do?" in Slack, through the real bolt app and the fake Web API: the resolved DM carries the
five score buttons, the requester presses 2 and adds a comment in the modal, the assignee hears both in
their DM and the triage channel gets the low score in the triage post's thread; a 4 stays out of it."""

from __future__ import annotations

from tests.slack.conftest import button, buttons, texts

SCORES = ["1 Very poor", "2 Poor", "3 OK", "4 Good", "5 Excellent"]


async def _resolved_dm(workspace) -> list[dict]:
    """Rob raises ICT-1, Alex takes and resolves it: the blocks of the resolved notice in Rob's DM."""
    await workspace.make_agent("UALEX")
    await workspace.ict("support printer jammed on floor 2", user="UROB")
    await workspace.settle()
    await workspace.ict("assign ICT-1", user="UALEX")
    await workspace.ict("resolve ICT-1 Cleared the jam", user="UALEX")
    await workspace.settle()
    [resolved] = [
        c
        for c in workspace.fake.of("chat.postMessage")
        if c.args["channel"] == "DROB" and c.args["text"].startswith("ICT-1 resolved: ")
    ]
    return resolved.args["blocks"]


def _triage_channel(workspace) -> str:
    return next(iter(workspace.fake.channels.values()))  # the id the fake gave #ict-desk


async def test_the_requester_rates_2_with_a_comment_and_the_assignee_and_the_triage_channel_hear(workspace):
    blocks = await _resolved_dm(workspace)
    assert "How did we do?" in texts(blocks)
    scores = [b for b in buttons(blocks) if b["action_id"].startswith("ict:rate:")]
    assert [(b["text"]["text"], b["value"]) for b in scores] == [(s, f"ICT-1 {s[0]}") for s in SCORES]
    workspace.fake.clear()

    response = await workspace.click(button(blocks, "2 Poor"), user="UROB", channel="DROB")
    assert response.status == 200
    await workspace.settle()
    [thanks] = workspace.fake.of("response_url")
    assert "Thank you: you rated ICT-1 2/5 (Poor). Alex Agent will see it." in thanks.args["text"]
    assert (await workspace.store.get_ticket("ICT-1", "slack:UROB")).rating == 2

    await workspace.click(button(thanks.args["blocks"], "Add a comment"), user="UROB", channel="DROB")
    await workspace.settle()
    [opened] = workspace.fake.of("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "rate" and [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == [
        "comment"
    ]
    answer = await (await workspace.submit(view, {"comment": "took three days <!channel>"}, user="UROB")).json()
    assert answer["response_action"] == "update"
    assert "you rated ICT-1 2/5 (Poor): \u201ctook three days &lt;!channel&gt;\u201d" in texts(answer["view"]["blocks"])
    await workspace.settle()

    to_alex = [c.args["text"] for c in workspace.fake.of("chat.postMessage") if c.args["channel"] == "DALEX"]
    assert len(to_alex) == 2
    assert "Rob Requester rated ICT-1 \u201cprinter jammed on floor 2\u201d 2/5 (Poor)." in to_alex[0]
    assert "2/5 (Poor): \u201ctook three days &lt;!channel&gt;\u201d" in to_alex[1]
    in_thread = [c for c in workspace.fake.of("chat.postMessage") if c.args.get("thread_ts")]
    assert len(in_thread) == 2  # the score, then the comment added
    assert all(c.args["channel"] == _triage_channel(workspace) and c.args["reply_broadcast"] for c in in_thread)
    low = in_thread[-1].args
    assert low["text"].startswith("Low rating: Rob Requester") and "took three days &lt;!channel&gt;" in low["text"]
    assert "ticket ICT-1" in texts(low["blocks"])
    assert "<!channel>" not in str(low)  # escaped: the requester's words cannot ping the channel
    refreshed = texts(workspace.fake.of("chat.update")[-1].args["blocks"])  # the triage post shows the rating
    assert "*Rated by the requester*\n2/5 (Poor): \u201ctook three days &lt;!channel&gt;\u201d" in refreshed


async def test_a_score_of_4_reaches_the_assignee_and_not_the_triage_channel(workspace):
    blocks = await _resolved_dm(workspace)
    workspace.fake.clear()
    await workspace.click(button(blocks, "4 Good"), user="UROB", channel="DROB")
    await workspace.settle()
    [to_alex] = [c.args["text"] for c in workspace.fake.of("chat.postMessage") if c.args["channel"] == "DALEX"]
    assert "Rob Requester rated ICT-1 \u201cprinter jammed on floor 2\u201d 4/5 (Good)." in to_alex
    triage = _triage_channel(workspace)
    assert [c for c in workspace.fake.calls if c.args.get("channel") == triage] == []
