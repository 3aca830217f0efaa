"""The strategy cycle in Teams, through the real CloudAdapter and the fake Bot Connector: owners named by key,
by email or with `owner` update their actions and others are told why not; a check-in reaches the owner's
personal chat with an Update button per action; the digest reaches the strategy conversation an admin chose
with set-strategy; nothing is sent twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.jobs import JobRunner
from bot.teams.render import ACTION_KEY, VALUE_KEY
from storage.cycle import CycleConfig
from storage.plan_io import parse_plan
from tests.cycle_plan import CHECKIN_DUE, JANE, load_cycle_plan
from tests.teams.card_walk import nodes, of_type
from tests.teams.conftest import BOT_ID, TeamsUser, execute_invoke

JANE_USER = TeamsUser("aad-jane", JANE[0])
ADA = TeamsUser("aad-ada", "Ada Admin")
JANE_CHAT = "a:personal-aad-jane"
CHANNEL = "19:general@thread.tacv2"


def _runner(teams) -> JobRunner:
    config = CycleConfig(strategy_channels=("teams",))
    return JobRunner(teams.runtime.store, config, grace=timedelta(hours=36))


def _actions(card: dict) -> list[dict]:
    return nodes(card, of_type("Action.Execute"))


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


OWNERS_YAML = """
themes:
  - code: RS
    name: Resilient solutions
    actions:
      - {ref: RS-10, title: Recable the server room, owner: Kim Owner, owner_key: "teams:aad-kim",
         partners: all, plan_year: 2020/21, due: 2021-03-31, status: in progress, progress: 20, rag: green}
      - {ref: RS-11, title: Move the backups offsite, owner: Lee Jones, owner_email: lee.jones@swale.gov.uk,
         partners: Swale, plan_year: 2020/21, due: 2021-03-31, status: not started, progress: 0, rag: green}
      - {ref: RS-12, title: Review the firewall rules, owner: Nobody Yet,
         partners: all, plan_year: 2020/21, due: 2021-03-31, status: not started, progress: 0, rag: green}
"""
KIM = TeamsUser("aad-kim", "Kim Owner")
LEE = TeamsUser("aad-lee", "Lee Jones", "lee.jones@swale.gov.uk")
EVE = TeamsUser("aad-eve", "Eve Other")


async def test_owners_named_by_key_by_email_or_with_owner_update_from_teams_and_others_are_told_why_not(
    teams, validate_card
):
    store = teams.runtime.store
    await store.import_plan(parse_plan(OWNERS_YAML, "yaml"))
    await store.set_role(ADA.key, "admin", True, display_name=ADA.name)
    teams.connector.members[LEE.channel_id] = LEE.account() | {"email": LEE.email}  # Teams' roster
    teams.connector.members[EVE.channel_id] = EVE.account()  # a member of the channel, with no email

    # By identity key: Kim's one action opens as a form card; submitting it posts the update.
    form = await teams.say(KIM, "update")
    validate_card(form.card)
    [submit] = [a for a in _actions(form.card) if a["verb"] == "update"]
    values = {"progress": "50", "rag": "amber", "status": "in progress", "note": "Cabling done"}
    body = await (await teams.post(execute_invoke(teams, KIM, submit, values))).json()
    assert "RS-10 updated" in body["value"]["fallbackText"]
    # By email, from the roster: a typed update.
    assert "RS-11 updated" in (await teams.say(LEE, "update RS-11 30 green in progress Drives ordered")).text
    # Someone else is refused, with the reason, and nothing changes.
    refused = (await teams.say(EVE, "update RS-10 90 green nearly there")).text
    assert "Only Kim Owner (the action's owner), a deputy or an admin can update RS-10." in refused
    nobody = (await teams.say(EVE, "update RS-12 10 green started")).text
    assert "names Nobody Yet as the owner of RS-12" in nobody and f"owner RS-12 {EVE.key}" in nobody
    # An admin sets the owner by mentioning Eve in a channel; then Eve's update goes through.
    bot = {"type": "mention", "text": "<at>ICT Assistant</at>", "mentioned": {"id": BOT_ID, "name": "ICT Assistant"}}
    eve = {"type": "mention", "text": f"<at>{EVE.name}</at>", "mentioned": {"id": EVE.channel_id, "name": EVE.name}}
    text = f"<at>ICT Assistant</at> owner RS-12 <at>{EVE.name}</at>"
    before = len(teams.connector.sent)
    await teams.post(teams.activity(ADA, kind="channel", type="message", text=text, entities=[bot, eve]))
    [set_owner] = teams.connector.sent[before:]
    assert "RS-12 is now owned by Eve Other" in set_owner.text
    assert "RS-12 updated" in (await teams.say(EVE, "update RS-12 10 green started Kick-off held")).text

    actions = {a.ref: a for a in await store.list_actions()}
    assert [(actions[r].progress, actions[r].rag) for r in ("RS-10", "RS-11", "RS-12")] == [
        (50, "amber"),
        (30, "green"),
        (10, "green"),
    ]
    history = (await store.get_action("RS-10", recent_updates=5)).updates
    assert [(u.author_key, u.progress) for u in history if u.kind == "update"] == [(KIM.key, 50)]


async def test_status_by_council_and_by_plan_year_from_teams(teams, validate_card):
    await load_cycle_plan(teams.runtime.store, platform="teams", jane="aad-jane", sam="aad-sam")
    swale = await teams.say(JANE_USER, "status Swale")
    validate_card(swale.card)
    assert "for Swale" in swale.text and "Workforce" in swale.text
    year = await teams.say(JANE_USER, "status 2020/21")
    assert "for 2020/21" in year.text and "5 actions" in year.text
    assert "WF-01" in (await teams.say(JANE_USER, "actions swale")).text


async def test_sla_at_risk_reaches_the_assignee_and_the_triage_conversation_once(teams, validate_card):
    from storage.records import Origin

    store = teams.runtime.store
    sam, alex = TeamsUser("aad-sam", "Sam Smith"), TeamsUser("aad-alex", "Alex Agent")
    await store.set_role(ADA.key, "admin", True, display_name=ADA.name)
    await store.set_role(alex.key, "agent", True, display_name=alex.name)
    desk = "19:desk@thread.tacv2"
    assert (
        "New support requests will be posted"
        in (await teams.say(ADA, "teams set-triage", kind="channel", mention=True, conversation=desk)).text
    )
    await teams.say(alex, "whoami")  # Alex has a personal chat with the bot
    await teams.say(sam, "whoami")
    friday = datetime(2020, 11, 13, 16, 0, tzinfo=UTC)
    here = Origin(platform="teams", conversation="a:personal-aad-sam")
    t = await store.create_ticket(sam.key, summary="VPN drops", priority="P2", origin=here, now=friday)
    await store.assign_ticket(t.ref, alex.key, now=friday)
    await teams.runtime.outbox.drain()
    before_desk, before_alex = len(teams.connector.sent_to(desk)), len(teams.connector.sent_to("a:personal-aad-alex"))

    monday = datetime(2020, 11, 16, 13, 40, tzinfo=UTC)
    [run] = await _runner(teams).run_due(monday, ["sla"])
    assert run.outcome["at_risk"] == 1
    assert await _runner(teams).run_due(monday, ["sla"]) == []
    await teams.runtime.outbox.drain()
    [to_alex] = teams.connector.sent_to("a:personal-aad-alex")[before_alex:]
    validate_card(to_alex.card)
    assert "ICT-1 “VPN drops” (P2, assigned) is at risk of missing its SLA" in to_alex.text
    [said] = teams.connector.sent_to(desk)[before_desk:]  # a message of its own beside the refreshed post
    assert "is at risk of missing its SLA" in said.text
    assert any(c.method == "PUT" for c in teams.connector.calls)  # the triage post refreshed in place
