"""Roles from Teams chat through the real CloudAdapter: an admin names people by mentioning them, and the
mention is read as their user key (from the mention itself, or the roster)."""

from __future__ import annotations

from tests.teams.conftest import BOT_ID, TeamsUser

ADA = TeamsUser("aad-ada", "Ada Admin")
PRIYA = TeamsUser("aad-priya", "Priya Patel", "priya.patel@swale.gov.uk")
CHANNEL = "19:general@thread.tacv2"


def mention(user: TeamsUser, *, with_aad: bool = False) -> dict:
    mentioned = {"id": user.channel_id, "name": user.name} | ({"aadObjectId": user.aad} if with_aad else {})
    return {"type": "mention", "text": f"<at>{user.name}</at>", "mentioned": mentioned}


def in_channel(teams, sender: TeamsUser, text: str, *people: dict) -> dict:
    """`text` typed in a channel after mentioning the bot, with `people`'s mentions where it names them."""
    bot = {"type": "mention", "text": "<at>ICT Assistant</at>", "mentioned": {"id": BOT_ID, "name": "ICT Assistant"}}
    return teams.activity(
        sender, kind="channel", type="message", text=f"<at>ICT Assistant</at> {text}", entities=[bot, *people]
    )


async def said(teams, activity: dict) -> str:
    before = len(teams.connector.sent)
    response = await teams.post(activity)
    assert response.status in (200, 201), await response.text()
    [reply] = teams.connector.sent[before:]
    return reply.text


async def test_an_admin_grants_a_role_by_mentioning_someone_in_a_channel(teams):
    await teams.runtime.store.set_role(ADA.key, "admin", True, display_name=ADA.name)
    teams.connector.members[PRIYA.channel_id] = PRIYA.account() | {"email": PRIYA.email}
    reply = await said(teams, in_channel(teams, ADA, "grant agent <at>Priya Patel</at>", mention(PRIYA)))
    assert "is now an agent" in reply and PRIYA.key in reply
    lookups = [c.path for c in teams.connector.calls if c.method == "GET"]
    assert f"/v3/conversations/{CHANNEL}/members/{PRIYA.channel_id}" in lookups  # who the mention is
    queue = await teams.say(PRIYA, "queue")
    assert "No open requests" in queue.text
    whoami = await teams.say(PRIYA, "whoami")
    assert "Roles: agent" in whoami.text and f"Teams: Priya Patel ({PRIYA.key})" in whoami.text


async def test_a_mention_that_carries_the_entra_id_needs_no_roster_and_others_cannot_grant(teams):
    await teams.runtime.store.set_role(ADA.key, "admin", True, display_name=ADA.name)
    await teams.say(PRIYA, "hello")
    refused = await said(teams, in_channel(teams, PRIYA, "grant admin <at>Priya Patel</at>", mention(PRIYA)))
    assert refused == "Only an ICT Assistant admin can grant roles."
    before = len([c for c in teams.connector.calls if c.method == "GET"])
    reply = await said(teams, in_channel(teams, ADA, "grant lead <at>Priya Patel</at>", mention(PRIYA, with_aad=True)))
    assert "Priya Patel is now a lead." in reply
    assert len([c for c in teams.connector.calls if c.method == "GET"]) == before + 1  # only the sender's email
    assert (await teams.runtime.store.get_user(PRIYA.key)).roles == ("lead",)


async def test_a_mention_the_roster_cannot_place_is_read_as_the_name(teams):
    await teams.runtime.store.set_role(ADA.key, "admin", True, display_name=ADA.name)
    stranger = TeamsUser("aad-new", "Sam Newcomer")
    reply = await said(teams, in_channel(teams, ADA, "grant agent <at>Sam Newcomer</at>", mention(stranger)))
    assert "I don't know anyone called 'Sam Newcomer'." in reply and "<at>" not in reply
    assert await teams.runtime.store.find_user(stranger.key) is None
