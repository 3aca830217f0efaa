"""The same button press or modal submission, seen again, answers with the request it made the first time."""

from __future__ import annotations

from tests.slack.conftest import SUPPORT_CHANNEL, button, texts

VALUES = {"summary": "VPN drops every few minutes", "description": "Since Monday, at home, every 5 minutes."}


def triage_posts(workspace) -> list:
    return [c for c in workspace.fake.of("chat.postMessage") if c.args["channel"] == SUPPORT_CHANNEL]


async def test_a_support_modal_submitted_twice_raises_one_request(workspace):
    await workspace.command("support")
    await workspace.settle()
    view = workspace.fake.of("views.open")[0].args["view"]
    first = await (await workspace.submit(view, VALUES, view_id="VSUPPORT1")).json()
    again = await (await workspace.submit(view, VALUES, view_id="VSUPPORT1")).json()
    assert "ICT-1 raised" in texts(first["view"]["blocks"])
    assert "ICT-1 raised" in texts(again["view"]["blocks"])  # the same answer, the same request
    await workspace.settle()
    assert [t.ref for t in await workspace.store.my_tickets("slack:UROB")] == ["ICT-1"]
    assert len(triage_posts(workspace)) == 1

    another = await (await workspace.submit(view, VALUES, view_id="VSUPPORT2")).json()  # a new modal
    assert "Is this about ICT-1?" in texts(another["view"]["blocks"])  # the same problem, raised just now


async def test_create_request_pressed_twice_raises_one_request(workspace):
    offer = await workspace.ict("the projector in room 5 is dead")
    create = button(offer["blocks"], "Create request")
    message = {"type": "message", "message_ts": "1700000000.000100", "channel_id": "CGENERAL", "is_ephemeral": True}
    for _ in range(2):
        response = await workspace.click(create, user="UROB", container=message)
        assert response.status == 200
    await workspace.settle()
    answers = [texts(c.args["blocks"]) for c in workspace.fake.of("response_url")]
    assert len(answers) == 2 and all("ICT-1 raised" in a for a in answers)
    assert [t.ref for t in await workspace.store.my_tickets("slack:UROB")] == ["ICT-1"]
    assert len(triage_posts(workspace)) == 1

    # The same button in another message (a new offer) is a new press: of the same problem, so ICT-1 is offered.
    await workspace.click(create, user="UROB", container={**message, "message_ts": "1700000000.000200"})
    await workspace.settle()
    assert "Is this about ICT-1?" in texts(workspace.fake.of("response_url")[-1].args["blocks"])
