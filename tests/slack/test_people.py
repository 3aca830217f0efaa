"""One person in Slack and Teams: the real bolt app and the real CloudAdapter on one server. A Slack user whose
users.info email is a Teams user's roster email is the same person: a role granted in Teams works in Slack,
a revoke in either holds in both, and whoami lists both accounts."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.runtime import build_runtime
from bot.server import create_app
from bot.slack.app import SLACK, setup_slack
from bot.teams.app import setup_teams
from tests.slack.conftest import PEOPLE, Workspace, slack_settings, texts
from tests.teams.conftest import BOT_ID, Teams, TeamsUser
from tests.teams.conftest import connector as connector  # the fake Bot Connector, as a fixture here

ALEX_IN_TEAMS = TeamsUser("aad-alex", "Alex Agent", PEOPLE["UALEX"]["email"])
ADA = TeamsUser("aad-ada", "Ada Admin")


class BothChannels:
    def __init__(self, slack: Workspace, teams: Teams):
        self.slack, self.teams = slack, teams


@pytest.fixture
async def both(tmp_path, fake_slack, connector):
    settings = slack_settings(tmp_path, fake_slack, ICTBOT_TEAMS_ENABLED=True)
    runtime = await build_runtime(settings)
    app = create_app(settings, runtime=runtime, setups=[setup_slack, setup_teams])
    try:
        async with TestClient(TestServer(app)) as client:
            app[SLACK].profiles.first_wait = 10.0  # the first command carries the users.info email
            yield BothChannels(Workspace(client, fake_slack, app), Teams(client, connector, runtime))
    finally:
        await runtime.close()


def grant_in_channel(teams: Teams, text: str, person: TeamsUser) -> dict:
    """Ada, in a Teams channel: '@ICT Assistant <text> @person'."""
    entities = [
        {"type": "mention", "text": "<at>ICT Assistant</at>", "mentioned": {"id": BOT_ID, "name": "ICT Assistant"}},
        {
            "type": "mention",
            "text": f"<at>{person.name}</at>",
            "mentioned": {"id": person.channel_id, "name": person.name},
        },
    ]
    typed = f"<at>ICT Assistant</at> {text} <at>{person.name}</at>"
    return teams.activity(ADA, kind="channel", type="message", text=typed, entities=entities)


async def test_an_agent_granted_in_teams_works_the_queue_in_slack(both):
    slack, teams = both.slack, both.teams
    await slack.store.set_role(ADA.key, "admin", True, display_name=ADA.name)
    teams.connector.members[ALEX_IN_TEAMS.channel_id] = ALEX_IN_TEAMS.account() | {"email": ALEX_IN_TEAMS.email}
    await teams.say(ALEX_IN_TEAMS, "hello")  # Alex has talked to the bot in Teams: the roster gave his email
    assert (await teams.post(grant_in_channel(teams, "grant agent", ALEX_IN_TEAMS))).status == 201
    assert "Alex Agent is now an agent." in teams.connector.sent[-1].text
    await slack.ict("support the printer on floor 2 is jammed", user="UROB")
    queue = await slack.ict("queue", user="UALEX")  # Alex's first word in Slack: users.info gives his email
    assert "ICT-1" in texts(queue["blocks"]) and "the printer on floor 2 is jammed" in texts(queue["blocks"])
    shown = texts((await slack.ict("whoami", user="UALEX"))["blocks"])
    assert "Slack: Alex Agent (slack:UALEX)" in shown and "Teams: Alex Agent (teams:aad-alex)" in shown
    assert "Your accounts on Slack and Teams are one person" in shown and "agent" in shown
    revoke = {**grant_in_channel(teams, "revoke agent", ALEX_IN_TEAMS), "id": "revoke-1"}
    assert (await teams.post(revoke)).status == 201
    assert "is no longer an agent" in teams.connector.sent[-1].text
    refused = await slack.ict("queue", user="UALEX")  # a revoke in Teams holds in Slack too
    assert "The queue is for the ICT service desk (agents) only." in texts(refused["blocks"])


async def test_a_slack_admin_grants_by_mention_and_the_teams_account_shares_it(both):
    slack, teams = both.slack, both.teams
    await slack.store.set_role("slack:ULUKE", "admin", True, display_name=PEOPLE["ULUKE"]["real_name"])
    await slack.ict("whoami", user="UALEX")  # Alex has talked to the bot in Slack: users.info gave his email
    ack = await slack.ict("grant agent <@UALEX|alex>", user="ULUKE")
    assert "Alex Agent is now an agent." in texts(ack["blocks"])
    teams.connector.members[ALEX_IN_TEAMS.channel_id] = ALEX_IN_TEAMS.account() | {"email": ALEX_IN_TEAMS.email}
    whoami = await teams.say(ALEX_IN_TEAMS, "whoami")  # his first word in Teams: the roster gives his email
    assert "Roles: agent" in whoami.text and "Slack: " in whoami.text and "slack:UALEX" in whoami.text
    assert "No open requests" in (await teams.say(ALEX_IN_TEAMS, "queue")).text
