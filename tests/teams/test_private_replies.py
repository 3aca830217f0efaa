"""Replies about one person (their requests, their details) asked for in a Teams channel go to that person's
personal chat, opened through the connector as the notifier opens it; the channel is told where they went."""

from __future__ import annotations

import pytest

from bot.teams.activity_bot import NOT_REACHED, SENT_PRIVATELY
from tests.teams.conftest import TeamsUser, execute_invoke

SAM = TeamsUser("aad-sam", "Sam Smith", "sam.smith@maidstone.gov.uk")
ALEX = TeamsUser("aad-alex", "Alex Agent")
CHANNEL = "19:general@thread.tacv2"
SAM_CHAT = "a:personal-aad-sam"


@pytest.mark.parametrize("typed", ["tickets", "whoami", "ticket ICT-1"])
async def test_personal_replies_asked_for_in_a_channel_go_to_the_personal_chat(teams, typed):
    await teams.say(SAM, "support the printer on floor 2 is jammed", kind="channel", mention=True)
    before = len(teams.connector.sent)
    response = await teams.post(teams.message(SAM, typed, kind="channel", mention=True))
    assert response.status in (200, 201)
    sent = teams.connector.sent[before:]
    in_channel = [c for c in sent if c.conversation == CHANNEL]
    in_chat = [c for c in sent if c.conversation == SAM_CHAT]
    assert [c.text for c in in_channel] == [SENT_PRIVATELY]
    assert len(in_chat) == 1
    assert ("ICT-1" in in_chat[0].text) or ("Sam Smith" in in_chat[0].text)
    opened = [c for c in teams.connector.calls if c.path == "/v3/conversations"]
    assert len(opened) == 1 and opened[0].body["members"][0]["id"] == SAM.channel_id


async def test_in_the_personal_chat_they_are_answered_there(teams):
    reply = await teams.say(SAM, "whoami")
    assert reply.conversation == SAM_CHAT and "teams:aad-sam" in reply.text


async def test_the_desk_looking_at_a_request_in_a_channel_sees_it_there(teams):
    await teams.runtime.store.set_role(ALEX.key, "agent", True, display_name=ALEX.name)
    await teams.say(SAM, "support the printer on floor 2 is jammed")
    reply = await teams.say(ALEX, "ticket ICT-1", kind="channel", mention=True)
    assert reply.conversation == CHANNEL and "ICT-1" in reply.text


async def test_when_the_personal_chat_cannot_be_reached_the_channel_is_told_without_the_details(teams):
    await teams.say(SAM, "support the printer on floor 2 is jammed", kind="channel", mention=True)
    before = len(teams.connector.sent)
    teams.connector.fail(403, times=1)  # the chat cannot be opened
    response = await teams.post(teams.message(SAM, "tickets", kind="channel", mention=True))
    assert response.status in (200, 201)
    sent = [c for c in teams.connector.sent[before:] if c.body and c.body.get("attachments")]
    assert [c.text for c in sent if c.conversation == CHANNEL] == [NOT_REACHED]
    assert not any("ICT-1" in c.text for c in sent)


async def test_a_button_in_a_channel_that_shows_personal_details_sends_them_to_the_chat(teams):
    await teams.say(SAM, "support the printer on floor 2 is jammed", kind="channel", mention=True)
    button = {"verb": "tickets", "data": {"ict_action": "tickets", "ict_value": ""}}
    body = await (await teams.post(execute_invoke(teams, SAM, button, kind="channel"))).json()
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert body["value"] == SENT_PRIVATELY
    [chat] = teams.connector.sent_to(SAM_CHAT)
    assert "ICT-1" in chat.text
