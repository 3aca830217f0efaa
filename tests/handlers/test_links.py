"""Requests tied to strategy actions: the desk links and unlinks, the request shows it, and the action's
status counts its open requests for everyone and lists them for the desk."""

from __future__ import annotations

from storage import Store


async def test_the_desk_links_a_request_to_an_action_and_its_status_lists_it(person, agent, seeded_store: Store):
    rita, eve = person("Rita"), person("Eve")
    await rita.say("support the old payroll system crashes every afternoon")
    await rita.say("support printer jammed")

    said = await agent.say("link ICT-1 ds-1")  # written loosely: the plan's DS-01
    assert "ICT-1 is linked to DS-01. 'status DS-01' lists its open requests." in said
    assert "Linked to: DS-01" in await agent.say("ticket ICT-1")
    assert "ICT-1 is already linked to DS-01." in await agent.say("link ICT-1 DS-01")

    desk_view = await agent.say("status DS-01")
    assert "Open support requests: 1" in desk_view
    assert "ICT-1 the old payroll system crashes every afternoon (P3, new)" in desk_view
    staff_view = await eve.say("status DS-01")
    assert "Open support requests: 1" in staff_view and "payroll system crashes" not in staff_view

    await agent.say("resolve ICT-1 Patched the payroll server")
    assert "Open support requests" not in await agent.say("status DS-01")  # only open ones count

    said = await agent.say("unlink ICT-1 DS-01")
    assert "ICT-1 is no longer linked to DS-01." in said
    assert "ICT-1 is not linked to DS-01." in await agent.say("unlink ICT-1 DS-01")


async def test_linking_says_what_is_wrong_and_is_for_the_desk(person, agent, seeded_store: Store):
    rita = person("Rita")
    await rita.say("support printer jammed")
    said = await agent.say("link ICT-1 ZZ-99")
    assert "There is no action ZZ-99." in said
    said = await agent.say("link ICT-1 the payroll one")
    assert "Name the strategy action, like RS-03" in said and "Usage: link REF ACTION|INC-N" in said
    assert "Usage: link REF ACTION|INC-N" in await agent.say("link ICT-1")
    said = await rita.say("link ICT-1 DS-01")
    assert "service desk" in said.lower()
    assert (await seeded_store.get_ticket("ICT-1", "local:alex")).linked_actions == ()
    assert await seeded_store.requests_linked_to("DS-01") == []
