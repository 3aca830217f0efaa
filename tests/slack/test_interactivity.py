"""Modals and buttons: views.open with the trigger id, submissions with validation errors, triage buttons
pressed by an agent and by someone who is not."""

from __future__ import annotations

import json

from tests.slack.conftest import SUPPORT_CHANNEL, button, buttons, texts


async def _triage_post(workspace, summary="printer on floor 2 is jammed"):
    await workspace.ict(f"support {summary}")
    await workspace.settle()
    [post] = [c for c in workspace.fake.of("chat.postMessage") if c.args["channel"] == SUPPORT_CHANNEL]
    workspace.fake.clear()
    return post.args["blocks"]


async def test_support_with_no_text_opens_the_support_modal_after_an_empty_ack(workspace):
    response = await workspace.command("support")
    assert response.status == 200
    assert await response.text() == ""
    await workspace.settle()
    [opened] = workspace.fake.of("views.open")
    assert opened.args["trigger_id"].startswith("trigger-UROB")
    view = opened.args["view"]
    assert view["callback_id"] == "support"
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in inputs] == [
        "category",
        "priority",
        "summary",
        "description",
        "work_setting",
        "location",
        "contact",
    ]
    assert all(b["element"]["action_id"] == b["block_id"] for b in inputs)
    description = next(b for b in inputs if b["block_id"] == "description")["element"]
    assert description["multiline"] is True and description["max_length"] <= 3000


async def test_support_modal_submission_with_a_mistake_shows_errors_in_the_modal(workspace):
    await workspace.command("support")
    await workspace.settle()
    view = workspace.fake.of("views.open")[0].args["view"]
    response = await workspace.submit(view, {"priority": "P2", "summary": "", "description": ""})
    assert response.status == 200
    answer = await response.json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"summary", "description"}
    assert await workspace.store.my_tickets("slack:UROB") == []


async def test_support_modal_submission_raises_the_request_and_shows_the_result(workspace):
    await workspace.command("support", channel="CHELPDESK")
    await workspace.settle()
    view = workspace.fake.of("views.open")[0].args["view"]
    response = await workspace.submit(
        view,
        {
            "category": "network",
            "priority": "P2",
            "summary": "VPN drops every few minutes",
            "description": "Since Monday the VPN disconnects every 5 minutes at home.",
            "location": "Home",
            "contact": "07700 900123",
        },
    )
    answer = await response.json()
    assert answer["response_action"] == "update"
    assert answer["view"]["type"] == "modal"
    assert "ICT-1 raised" in texts(answer["view"]["blocks"])
    [ticket] = await workspace.store.my_tickets("slack:UROB")
    assert (ticket.category, ticket.priority, ticket.location, ticket.contact) == (
        "network",
        "P2",
        "Home",
        "07700 900123",
    )
    assert ticket.origin.conversation == "CHELPDESK"  # where the modal was opened from


async def test_update_with_no_arguments_picks_the_action_then_the_modal_becomes_its_form(workspace):
    await workspace.store.ensure_user("slack:ULUKE", "Luke", email="luke.fenwick@midkent.gov.uk")
    await workspace.store.record_action_update("WF-04", "slack:ULUKE", progress=30, rag="amber", note="Under way")
    assert await workspace.ict("update", user="ULUKE") == {}  # an empty ack: the picker opens as a modal
    await workspace.settle()
    [opened] = workspace.fake.of("views.open")
    picker = opened.args["view"]
    assert json.loads(picker["private_metadata"]) == {"m": "", "c": workspace.channel_id}
    assert not [b for b in picker["blocks"] if b["type"] == "input"], "no form before an action is chosen"
    [select] = [b["accessory"] for b in picker["blocks"] if "accessory" in b]
    assert {o["value"] for o in select["options"]} == {"WF-03", "WF-04", "RS-03", "IN-02"}

    assert (await workspace.choose(picker, "RS-03", user="ULUKE")).status == 200
    await workspace.settle()
    assert len(workspace.fake.of("views.open")) == 1 and workspace.fake.of("views.push") == []
    [updated] = workspace.fake.of("views.update")
    assert (updated.args["view_id"], updated.args["hash"]) == ("VPICK", "1700000000.hash")
    view = updated.args["view"]
    assert view["callback_id"] == "update"
    assert json.loads(view["private_metadata"]) == {"m": "RS-03", "c": workspace.channel_id}
    rs03 = await workspace.store.get_action("RS-03")
    progress = next(b for b in view["blocks"] if b.get("block_id") == "progress")
    assert progress["element"]["initial_value"] == str(rs03.progress) != "30"
    assert {b.get("block_id") for b in view["blocks"]} >= {"progress", "rag", "status", "note"}

    bad = await (await workspace.submit(view, {"progress": "150", "rag": "amber", "note": ""}, user="ULUKE")).json()
    assert bad["response_action"] == "errors" and set(bad["errors"]) == {"progress", "note"}
    good = await workspace.submit(view, {"progress": "70", "rag": "green", "note": "Kit arrived"}, user="ULUKE")
    assert "RS-03 updated" in texts((await good.json())["view"]["blocks"])
    assert (await workspace.store.get_action("RS-03")).progress == 70
    assert (await workspace.store.get_action("WF-04")).progress == 30


async def test_update_typed_in_a_dm_lists_my_actions_and_the_button_opens_that_ones_form(workspace):
    await workspace.store.ensure_user("slack:ULUKE", "Luke", email="luke.fenwick@midkent.gov.uk")
    dm = {"type": "message", "channel_type": "im", "user": "ULUKE", "text": "update", "channel": "DLUKE", "ts": "1.2"}
    assert (await workspace.event(dm, event_id="EvUpdate")).status == 200
    await workspace.settle()
    [answer] = workspace.fake.of("chat.postMessage")
    assert workspace.fake.of("views.open") == []
    listing = answer.args["blocks"]
    picks = [b for b in buttons(listing) if b["text"]["text"] == "Update"]
    assert {b["value"] for b in picks} == {"WF-03", "WF-04", "RS-03", "IN-02"}
    await workspace.click(button(listing, "Update", "WF-03"), user="ULUKE", channel="DLUKE")
    await workspace.settle()
    [opened] = workspace.fake.of("views.open")
    assert json.loads(opened.args["view"]["private_metadata"])["m"] == "WF-03"


async def test_triage_assign_button_pressed_by_an_agent(workspace):
    blocks = await _triage_post(workspace)
    await workspace.make_agent("UALEX")
    response = await workspace.click(button(blocks, "Assign to me"), user="UALEX", channel="CDESK")
    assert response.status == 200
    await workspace.settle()
    ticket = await workspace.store.get_ticket_unchecked(1)
    assert (ticket.status, ticket.assignee_key) == ("assigned", "slack:UALEX")
    [follow_up] = workspace.fake.of("response_url")
    assert "ICT-1 is assigned to Alex Agent" in follow_up.args["text"]
    [update] = workspace.fake.of("chat.update")
    assert "Alex Agent" in texts(update.args["blocks"])
    assert [c.args["channel"] for c in workspace.fake.of("chat.postMessage")] == ["DROB"]  # the requester's DM


async def test_triage_buttons_pressed_by_a_non_agent_are_refused_and_change_nothing(workspace):
    blocks = await _triage_post(workspace)
    for label in ("Assign to me", "Resolve", "Priority"):
        response = await workspace.click(button(blocks, label), user="UEVE", channel="CDESK")
        assert response.status == 200
    await workspace.settle()
    refusals = workspace.fake.of("response_url")
    assert len(refusals) == 3
    assert all("Only the ICT service desk" in c.args["text"] for c in refusals)
    assert all(c.args["response_type"] == "ephemeral" for c in refusals)
    ticket = await workspace.store.get_ticket_unchecked(1)
    assert (ticket.status, ticket.assignee_key, ticket.priority) == ("new", None, "P3")
    assert workspace.fake.methods() <= {"response_url", "users.info"}  # no modal, no update, no DM
    assert workspace.fake.of("views.open") == []


async def test_triage_resolve_button_opens_a_modal_whose_note_resolves_and_dms_the_requester(workspace):
    blocks = await _triage_post(workspace)
    await workspace.make_agent("UALEX")
    await workspace.click(button(blocks, "Resolve"), user="UALEX", channel="CDESK")
    await workspace.settle()
    [opened] = workspace.fake.of("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "resolve"
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == ["note"]

    empty = await (await workspace.submit(view, {"note": "  "}, user="UALEX")).json()
    assert empty == {"response_action": "errors", "errors": {"note": "Say what fixed it."}}
    assert (await workspace.store.get_ticket_unchecked(1)).status == "new"

    done = await (await workspace.submit(view, {"note": "Replaced the fuser unit"}, user="UALEX")).json()
    assert "ICT-1 is resolved" in texts(done["view"]["blocks"])
    await workspace.settle()
    [dm] = [c for c in workspace.fake.of("chat.postMessage") if c.args["channel"] == "DROB"]
    assert "Replaced the fuser unit" in dm.args["text"]
    [update] = workspace.fake.of("chat.update")
    assert buttons(update.args["blocks"]) == []


async def test_triage_priority_button_offers_levels_and_a_level_changes_it(workspace):
    blocks = await _triage_post(workspace)
    await workspace.make_agent("UALEX")
    await workspace.click(button(blocks, "Priority"), user="UALEX", channel="CDESK")
    await workspace.settle()
    [choices] = workspace.fake.of("response_url")
    workspace.fake.clear()
    await workspace.click(button(choices.args["blocks"], "P1 critical"), user="UALEX", channel="CDESK")
    await workspace.settle()
    assert (await workspace.store.get_ticket_unchecked(1)).priority == "P1"
    [update] = workspace.fake.of("chat.update")
    assert "P1 (critical)" in texts(update.args["blocks"])


async def test_a_button_in_app_home_answers_in_a_modal(workspace):
    await workspace.ict("support printer jammed")
    response = await workspace.click(
        {"action_id": "ict:tickets:1", "value": "", "text": {"type": "plain_text", "text": "My requests"}},
        user="UROB",
        container={"type": "view", "view_id": "V1", "view_type": "home"},
    )
    assert response.status == 200
    await workspace.settle()
    [shown] = workspace.fake.of("views.open")
    assert "ICT-1 printer jammed" in texts(shown.args["view"]["blocks"])


async def test_the_ask_ict_button_in_app_home_opens_the_support_form(workspace):
    await workspace.click(
        {"action_id": "ict:support:2", "value": "", "text": {"type": "plain_text", "text": "Ask ICT for help"}},
        user="UROB",
        container={"type": "view", "view_id": "V1", "view_type": "home"},
    )
    await workspace.settle()
    [opened] = workspace.fake.of("views.open")
    assert opened.args["view"]["callback_id"] == "support"


async def test_an_expired_trigger_id_is_explained_in_the_conversation(workspace):
    workspace.fake.fail("views.open", "expired_trigger_id")
    await workspace.command("support")
    await workspace.settle()
    [told] = workspace.fake.of("response_url")
    assert "couldn't open the form" in told.args["text"] and "expired_trigger_id" in told.args["text"]
