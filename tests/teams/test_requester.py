"""The requester's side in Teams, through the real CloudAdapter and the fake Bot Connector: an internal note
never reaches the requester (checked on everything sent to their chat), and a reopen reaches the assignee in
their personal chat."""

from __future__ import annotations

import json

from tests.teams.conftest import TeamsUser

SAM = TeamsUser("aad-sam", "Sam Smith", "sam.smith@maidstone.gov.uk")
ALEX = TeamsUser("aad-alex", "Alex Agent", "alex.agent@midkent.gov.uk")
NOTE = "Same fault as the Swale House switch"
SAM_CHAT, ALEX_CHAT = "a:personal-aad-sam", "a:personal-aad-alex"


async def test_an_internal_note_never_reaches_the_requester_and_a_reopen_reaches_the_assignee(teams):
    await teams.runtime.store.set_role(ALEX.key, "agent", True, display_name=ALEX.name)
    await teams.say(ALEX, "whoami")  # Alex has a personal chat with the bot
    assert "ICT-1 raised" in (await teams.say(SAM, "support the VPN drops every five minutes")).text
    await teams.say(ALEX, "assign ICT-1")
    assert "Only the service desk can see it." in (await teams.say(ALEX, f"note ICT-1 {NOTE}")).text
    await teams.say(ALEX, "resolve ICT-1 Reset the VPN profile")
    await teams.runtime.outbox.drain()
    assert NOTE not in (await teams.say(SAM, "ticket ICT-1")).text
    assert NOTE in (await teams.say(ALEX, "ticket ICT-1")).text

    reopened = await teams.say(SAM, "reopen ICT-1 it drops again")
    assert "ICT-1 is open again" in reopened.text and "Alex Agent has been told." in reopened.text
    await teams.runtime.outbox.drain()
    to_sam = teams.connector.sent_to(SAM_CHAT)
    assert any("is resolved by Alex Agent" in c.text for c in to_sam)
    assert all(NOTE not in json.dumps(c.body) for c in to_sam)
    assert any("reopened ICT-1" in c.text and "it drops again" in c.text for c in teams.connector.sent_to(ALEX_CHAT))
