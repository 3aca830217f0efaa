"""The strategy cycle in Teams, through the real CloudAdapter and the fake Bot Connector: a check-in reaches
the owner's personal chat with an Update button per action; the digest reaches the strategy conversation
an admin chose with set-strategy; nothing is sent twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.jobs import JobRunner
from bot.teams.render import ACTION_KEY, VALUE_KEY
from storage.cycle import CycleConfig
from tests.cycle_plan import CHECKIN_DUE, JANE, load_cycle_plan
from tests.teams.conftest import TeamsUser

JANE_USER = TeamsUser("aad-jane", JANE[0])
ADA = TeamsUser("aad-ada", "Ada Admin")
JANE_CHAT = "a:personal-aad-jane"
CHANNEL = "19:general@thread.tacv2"


def _runner(teams) -> JobRunner:
    config = CycleConfig(strategy_channels=("teams",))
    return JobRunner(teams.runtime.store, config, grace=timedelta(hours=36))


def _actions(card: dict) -> list[dict]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


async def test_a_checkin_reaches_the_owner_in_their_personal_chat(teams, validate_card):
    await teams.say(JANE_USER, "whoami")  # Jane has a personal chat with the bot
    await load_cycle_plan(teams.runtime.store, platform="teams", jane="aad-jane", sam="aad-sam")
    [report] = await _runner(teams).run_due(CHECKIN_DUE + timedelta(minutes=1), ["checkin"])
    assert report.notices == 2
    before = len(teams.connector.sent_to(JANE_CHAT))
    await teams.runtime.outbox.drain()
    [checkin] = teams.connector.sent_to(JANE_CHAT)[before:]
    validate_card(checkin.card)
    assert "Board meeting on Tuesday 5 January 2021: your updates, please" in checkin.text
    updates = [a["data"] for a in _actions(checkin.card) if a["verb"] == "update"]
    assert [(d[ACTION_KEY], d[VALUE_KEY]) for d in updates] == [("update", "RS-01"), ("update", "WF-01")]
    # Sam has never talked to the bot in Teams: there is no chat to reach him in, so that notice gives up.
    notices = await teams.runtime.store.due_notifications(["teams"], now=datetime(2030, 1, 1, tzinfo=UTC))
    assert notices == []
    assert await _runner(teams).run_due(CHECKIN_DUE + timedelta(hours=1), ["checkin"]) == []
    await teams.runtime.outbox.drain()
    assert len(teams.connector.sent_to(JANE_CHAT)) == before + 1


async def test_the_digest_goes_to_the_conversation_set_with_set_strategy(teams, validate_card):
    await teams.runtime.store.set_role(ADA.key, "admin", True, display_name=ADA.name)
    said = await teams.say(ADA, "set-strategy", kind="channel", conversation=CHANNEL, mention=True)
    assert "daily strategy digest will be posted in this conversation" in said.text
    await load_cycle_plan(teams.runtime.store, platform="teams", jane="aad-jane", sam="aad-sam")
    new_year = datetime(2021, 1, 1, 9, 0, tzinfo=UTC)
    reports = await _runner(teams).run_due(new_year, ["digest"])
    assert [r.result for r in reports if r.due_at == new_year] == ["sent"]
    before = len(teams.connector.sent_to(CHANNEL))
    await teams.runtime.outbox.drain()
    [digest] = teams.connector.sent_to(CHANNEL)[before:]
    validate_card(digest.card)
    assert "Strategy digest for Friday 1 January 2021" in digest.text
    assert "RS-03" in str(digest.card) and "Overdue" in str(digest.card)
