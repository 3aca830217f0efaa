"""Follow-ups in Teams, through the real CloudAdapter and the fake Bot Connector: "yes" in the personal chat
after the bot's offer raises the request, and "still not working" after the resolved notice reopens it."""

from __future__ import annotations

from tests.teams.conftest import TeamsUser

SAM = TeamsUser("aad-sam", "Sam Smith", "sam.smith@maidstone.gov.uk")
ALEX = TeamsUser("aad-alex", "Alex Agent", "alex.agent@midkent.gov.uk")
SAM_CHAT = "a:personal-aad-sam"


async def test_yes_after_the_offer_raises_the_request(teams):
    offer = await teams.say(SAM, "the projector in room 5 is dead")
    assert "Shall I raise a support request?" in offer.text
    raised = await teams.say(SAM, "yes")
    [ticket] = await teams.runtime.store.my_tickets(SAM.key)
    assert ticket.summary == "the projector in room 5 is dead" and f"{ticket.ref} raised" in raised.text


async def test_still_not_working_after_the_resolved_notice_reopens_the_request(teams):
    await teams.runtime.store.set_role(ALEX.key, "agent", True, display_name=ALEX.name)
    await teams.say(SAM, "support the printer on floor 2 is jammed")
    await teams.say(ALEX, "assign ICT-1")
    await teams.say(ALEX, "resolve ICT-1 Cleared the jam")
    await teams.runtime.outbox.drain()
    assert any("is resolved by Alex Agent" in c.text for c in teams.connector.sent_to(SAM_CHAT))
    answer = await teams.say(SAM, "still not working")
    assert "I took that as being about ICT-1, so I reopened it." in answer.text
    ticket = await teams.runtime.store.get_ticket("ICT-1", SAM.key)
    assert ticket.status != "resolved" and ticket.events[-1].detail["note"] == "still not working"
