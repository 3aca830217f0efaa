"""`report desk` in Teams, through the real CloudAdapter and the fake Bot Connector: the desk's month as an
Adaptive Card that validates against the schema; a lead may see it; a requester is told who it is for."""

from __future__ import annotations

from tests.teams.conftest import TeamsUser

ALEX = TeamsUser("aad-alex", "Alex Agent", "alex.agent@midkent.gov.uk")
LEE = TeamsUser("aad-lee", "Lee Lead", "lee.lead@midkent.gov.uk")
SAM = TeamsUser("aad-sam", "Sam Smith", "sam.smith@maidstone.gov.uk")
RIA = TeamsUser("aad-ria", "Ria Patel", "ria.patel@swale.gov.uk")


async def test_the_desk_report_in_teams(teams, validate_card):
    store = teams.runtime.store
    await store.set_role(ALEX.key, "agent", True, display_name=ALEX.name)
    await store.set_role(LEE.key, "lead", True, display_name=LEE.name)
    await teams.say(SAM, "support printer jammed on floor 2")
    await teams.say(SAM, "where ICT-1 office maidstone")
    await teams.say(RIA, "support outlook will not open")
    await teams.say(RIA, "where ICT-2 home swale")
    await teams.say(ALEX, "assign ICT-2")
    await teams.say(ALEX, "resolve ICT-2 Repaired the profile")

    said = await teams.say(ALEX, "report desk")
    validate_card(said.card)
    assert "Service desk report:" in said.text
    assert "2 requests raised, 1 resolved, 1 of 1 (100%) within target; 1 still open." in said.text
    assert "Maidstone: 1" in said.text and "Swale: 1" in said.text
    assert "In a council office: 1" in said.text and "At home: 1" in said.text

    lead = await teams.say(LEE, "report desk tunbridge wells")
    validate_card(lead.card)
    assert "Tunbridge Wells" in lead.text and "0 requests raised, 0 resolved." in lead.text

    refused = await teams.say(SAM, "report desk")
    assert "The desk report is for the ICT service desk, leads and admins." in refused.text
