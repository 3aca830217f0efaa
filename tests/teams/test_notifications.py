"""Proactive notifications through the outbox: requesters in Teams hear back whoever acted and wherever;
the triage conversation gets new requests; connector failures are retried, never lose the change."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from handlers import Origin, Sender
from storage import models as m
from tests.teams.conftest import TENANT, TeamsUser

SAM = TeamsUser("aad-sam", "Sam Smith")
ALEX_LOCAL = Sender(key="local:alex", display_name="Alex")
CONSOLE = Origin(platform="local", conversation="local:alex")
SAM_CHAT = "a:personal-aad-sam"


@pytest.fixture
async def console_agent(teams):
    await teams.runtime.store.set_role(ALEX_LOCAL.key, "agent", True, display_name="Alex")

    async def act(text: str):
        outcome = await teams.runtime.handle("local", text, ALEX_LOCAL, CONSOLE)
        assert outcome.status == "ok", outcome.reply
        return outcome

    return act


async def states(teams, ref="ICT-1"):
    return await teams.runtime.store.notification_states(ref)


async def test_request_raised_in_teams_and_worked_from_the_console_reaches_the_requester(
    teams, console_agent, validate_card
):
    await teams.say(SAM, "support my laptop will not connect to the VPN")
    await console_agent("assign ICT-1")
    await console_agent("waiting ICT-1 Which building are you in?")
    await console_agent("resolve ICT-1 Reset the VPN profile")
    before = len(teams.connector.sent)
    await teams.runtime.outbox.drain()
    notices = teams.connector.sent_to(SAM_CHAT)[-3:]
    assert len(teams.connector.sent) - before == 3
    assert "is now with Alex" in notices[0].text
    assert "Which building are you in?" in notices[1].text
    assert "resolved by Alex: Reset the VPN profile" in notices[2].text
    for notice in notices:  # the requester notices exactly as deliver.py sent them
        validate_card(notice.card)
    # Each shows one sentence in the toast, the activity feed and the chat list, not "Sent a card".
    assert [n.body["summary"] for n in notices] == [
        "ICT-1 is now with Alex: my laptop will not connect to the VPN",
        "ICT-1 needs something from you: Which building are you in?",
        "ICT-1 resolved: Reset the VPN profile",
    ]
    assert [n.body["text"] for n in notices] == [n.body["summary"] for n in notices]
    # A client that cannot show the card shows the sentence and the facts, not the console's layout.
    resolved = notices[2].card["fallbackText"]
    assert resolved.startswith("ICT-1 resolved: Reset the VPN profile\nICT-1 \u201cmy laptop")
    assert "=====" not in resolved and "] -> type:" not in resolved and "[1 Very poor]" not in resolved
    requester = [s for s in await states(teams) if s[0] in ("assigned", "waiting", "resolved")]
    assert [(k, ch, st) for k, ch, st, _ in requester] == [
        ("assigned", "teams", "sent"),
        ("waiting", "teams", "sent"),
        ("resolved", "teams", "sent"),
    ]


async def test_new_requests_go_to_the_triage_channel_and_the_post_is_refreshed(teams, console_agent, validate_card):
    await teams.runtime.store.set_role("teams:aad-admin", "admin", True, display_name="Ada")
    ada = TeamsUser("aad-admin", "Ada")
    await teams.say(ada, "teams set-triage", kind="channel", mention=True, conversation="19:desk@thread.tacv2")
    await teams.say(SAM, "support the printer on floor 2 is jammed")
    await teams.runtime.outbox.drain()
    [post] = teams.connector.sent_to("19:desk@thread.tacv2")[1:]
    assert post.text.startswith("New request ICT-1 from Sam Smith: the printer on floor 2 is jammed\nStatus: new")
    assert post.body["summary"] == "New request ICT-1 from Sam Smith: the printer on floor 2 is jammed"
    assert "Assign to me" in {a["title"] for a in post.card["actions"]}
    validate_card(post.card)
    stored = await teams.runtime.store.get_channel_post("ICT-1", "teams", "triage")
    assert stored.message_id.startswith("activity-")
    await console_agent("assign ICT-1")
    await teams.runtime.outbox.drain()
    [update] = teams.connector.updates
    assert update.activity_id == stored.message_id
    assert "Assigned to: Alex" in update.text
    validate_card(update.card)


async def test_without_a_triage_channel_new_requests_are_not_posted(teams):
    await teams.say(SAM, "support the printer is jammed")
    before = len(teams.connector.calls)
    await teams.runtime.outbox.drain()
    assert teams.connector.calls[before:] == []
    assert ("new_request", "teams", "sent", 1) in await states(teams)


async def next_attempt(teams, kind: str) -> datetime:
    async with teams.runtime.engine.connect() as conn:
        value = await conn.scalar(select(m.Notification.next_attempt_at).where(m.Notification.kind == kind))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "headers", "error"),
    [(403, {}, "403"), (429, {"Retry-After": "120"}, "429"), (500, {}, "500")],
)
async def test_connector_errors_are_retried_later_and_the_change_stands(
    teams, console_agent, status, headers, error, caplog
):
    await teams.say(SAM, "support my laptop will not connect to the VPN")
    await console_agent("resolve ICT-1 Reset the VPN profile")
    teams.connector.fail(status, headers=headers)
    before = len(teams.connector.calls)
    await teams.runtime.outbox.drain()
    assert len([c for c in teams.connector.calls[before:] if c.method == "POST"]) == 1  # no hidden SDK retries
    assert ("resolved", "teams", "pending", 1) in await states(teams)
    assert error in caplog.text
    ticket = await teams.runtime.store.get_ticket("ICT-1", SAM.key)
    assert ticket.status == "resolved"
    wait = (await next_attempt(teams, "resolved") - datetime.now(UTC)).total_seconds()
    assert 100 < wait <= 120 if status == 429 else 0 < wait <= 5


async def test_retries_are_bounded(teams, console_agent):
    from storage import NOTIFY_MAX_ATTEMPTS

    await teams.say(SAM, "support my laptop will not connect to the VPN")
    await teams.runtime.outbox.drain()
    await console_agent("resolve ICT-1 Reset the VPN profile")
    teams.connector.fail(500, times=NOTIFY_MAX_ATTEMPTS + 2)
    later = datetime(2100, 1, 1, tzinfo=UTC)  # past every back-off
    for _ in range(NOTIFY_MAX_ATTEMPTS + 2):  # what the outbox loop does, without waiting for the back-off
        due = await teams.runtime.store.due_notifications(["teams"], recipient_key=SAM.key, now=later)
        for notice in due:
            await teams.runtime.outbox._deliver_one(notice)
    assert ("resolved", "teams", "failed", NOTIFY_MAX_ATTEMPTS) in await states(teams)
    assert len(teams.connector.failures) == 2  # gave up: two planned failures were never reached
    assert (await teams.runtime.store.get_ticket("ICT-1", SAM.key)).status == "resolved"


async def test_requester_seen_only_in_a_channel_gets_a_new_personal_chat(teams, console_agent):
    await teams.say(SAM, "support the projector in room 4 is dead", kind="channel", mention=True)
    await console_agent("resolve ICT-1 Replaced the lamp")
    await teams.runtime.outbox.drain()
    created = [c for c in teams.connector.calls if c.path == "/v3/conversations"]
    assert created and created[0].body["members"][0]["id"] == SAM.channel_id
    assert created[0].body["channelData"]["tenant"]["id"] == TENANT  # where Teams reads it (not `tenantID`)
    [notice] = teams.connector.sent_to(SAM_CHAT)
    assert "resolved by Alex" in notice.text
    assert "19:general@thread.tacv2" not in {c.conversation for c in teams.connector.sent[1:]}
    stored = await teams.runtime.store.get_conversation_reference("teams", SAM.key)
    assert (stored["conversation"]["id"], stored["conversation"]["tenantId"]) == (SAM_CHAT, TENANT)


async def test_a_requester_never_seen_in_teams_is_a_permanent_failure(teams, console_agent):
    await teams.runtime.store.ensure_user("teams:aad-ghost", "Ghost")
    ghost = Sender(key="teams:aad-ghost", display_name="Ghost")
    await teams.runtime.handle("teams", "support ghost laptop broken", ghost, Origin(platform="teams"))
    await console_agent("resolve ICT-1 Fixed")
    await teams.runtime.outbox.drain()
    assert ("resolved", "teams", "failed", 1) in await states(teams)


async def test_triage_conversation_from_configuration(tmp_path, connector):
    from tests.teams.test_security import running

    teams = await running(tmp_path, connector, teams_triage_conversation=f"{connector.url} 19:configured@thread.tacv2")
    try:
        await teams.say(SAM, "support the printer is jammed")
        await teams.runtime.outbox.drain()
        [post] = connector.sent_to("19:configured@thread.tacv2")
        assert post.text.startswith("New request ICT-1 from Sam Smith: the printer is jammed")
    finally:
        await teams.client.close()
        await teams.runtime.close()
