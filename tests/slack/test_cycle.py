"""The strategy cycle in Slack, through the real app and the fake Web API: check-ins reach owners as DMs with
an Update button for each action, the digest reaches SLACK_STRATEGY_CHANNEL, and nothing is sent twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.jobs import JobRunner, cycle_config
from bot.runtime import build_runtime
from bot.server import create_app
from bot.slack.app import setup_slack
from storage.plan_io import parse_plan
from tests.cycle_plan import CHECKIN_DUE, JANE, SAM, load_cycle_plan
from tests.slack.conftest import Workspace, button, buttons, slack_settings, texts

STRATEGY_CHANNEL = "CSTRATEGY"


@pytest.fixture
async def cycle_workspace(tmp_path, fake_slack):
    fake_slack.users.update(
        {"UJANE": {"real_name": JANE[0], "email": JANE[1]}, "USAM": {"real_name": SAM[0], "email": SAM[1]}}
    )
    settings = slack_settings(tmp_path, fake_slack, SLACK_STRATEGY_CHANNEL=STRATEGY_CHANNEL, ICTBOT_SEED_SAMPLE=False)
    runtime = await build_runtime(settings)
    app = create_app(settings, runtime=runtime, setups=[setup_slack])
    try:
        async with TestClient(TestServer(app)) as client:
            workspace = Workspace(client, fake_slack, app)
            await load_cycle_plan(workspace.store, platform="slack", jane="UJANE", sam="USAM")
            workspace.runner = JobRunner(runtime.store, cycle_config(settings), grace=timedelta(hours=36))
            yield workspace
    finally:
        await runtime.close()


def _posts_to(fake, channel: str):
    return [c for c in fake.of("chat.postMessage") if c.args["channel"] == channel]


async def test_a_checkin_reaches_each_owner_as_a_dm_with_an_update_button_per_action(cycle_workspace):
    ws = cycle_workspace
    [report] = await ws.runner.run_due(CHECKIN_DUE + timedelta(minutes=1), ["checkin"])
    assert (report.result, report.notices) == ("sent", 2)
    await ws.settle()
    [to_jane] = _posts_to(ws.fake, "UJANE")
    assert "Board meeting on Tuesday 5 January 2021: your updates, please" in to_jane.args["text"]
    blocks = to_jane.args["blocks"]
    assert [(b["action_id"].split(":")[:2], b["value"]) for b in buttons(blocks)] == [
        (["ict", "update"], "RS-01"),
        (["ict", "update"], "WF-01"),
    ]
    assert "RS-01 Replace the perimeter firewalls" in texts(blocks) and "RS-03" not in texts(blocks)
    [to_sam] = _posts_to(ws.fake, "USAM")
    assert [b["value"] for b in buttons(to_sam.args["blocks"])] == ["RS-03"]
    # The button comes back as the command `update RS-01` from Jane, the owner.
    response = await ws.click(button(blocks, "Update", "RS-01"), user="UJANE", channel="DJANE")
    assert response.status == 200
    await ws.settle()
    # It ran `update RS-01` for her: the update form, or (where that form is not offered) the update usage.
    answered = ws.fake.of("views.open") + ws.fake.of("response_url")
    assert answered and any("update" in str(c.args).lower() for c in answered)
    # A second pass, with the same time or later, sends nothing again.
    assert await ws.runner.run_due(CHECKIN_DUE + timedelta(minutes=1), ["checkin"]) == []
    assert await ws.runner.run_due(CHECKIN_DUE + timedelta(hours=5), ["checkin"]) == []
    await ws.settle()
    assert len(_posts_to(ws.fake, "UJANE")) == len(_posts_to(ws.fake, "USAM")) == 1


async def test_a_red_action_reaches_the_digest_in_the_strategy_channel_once(cycle_workspace):
    ws = cycle_workspace
    await ws.store.record_action_update(
        "RS-01",
        "slack:UJANE",
        progress=40,
        rag="red",
        note="Supplier gone bust",
        now=datetime(2021, 1, 4, 15, tzinfo=UTC),
    )
    fifth = datetime(2021, 1, 5, 9, 0, tzinfo=UTC)
    reports = await ws.runner.run_due(fifth, ["digest"])
    assert [r.result for r in reports if r.due_at == fifth] == ["sent"]
    await ws.settle()
    [digest] = _posts_to(ws.fake, STRATEGY_CHANNEL)
    shown = texts(digest.args["blocks"])
    assert "Strategy digest for Tuesday 5 January 2021" in digest.args["text"]
    assert "RS-01 Replace the perimeter firewalls" in shown and "Turned red" in shown
    assert "Owners I cannot reach" in shown and "RS-04: Nobody Known" in shown
    assert await ws.runner.run_due(fifth + timedelta(minutes=5), ["digest"]) == []
    await ws.settle()
    assert len(_posts_to(ws.fake, STRATEGY_CHANNEL)) == 1


async def test_a_stale_action_is_nudged_to_its_owner(cycle_workspace):
    ws = cycle_workspace
    monday = datetime(2020, 12, 7, 9, 0, tzinfo=UTC)
    await ws.runner.run_due(monday, ["stale"])
    await ws.settle()
    [nudge] = _posts_to(ws.fake, "USAM")
    assert "Actions with no update for 30 days" in nudge.args["text"]
    assert [b["value"] for b in buttons(nudge.args["blocks"])] == ["RS-03"]


SLACK_OWNERS_YAML = """
themes:
  - code: IN
    name: Information management
    actions:
      - {ref: IN-10, title: Tidy the shared drives, owner: Kim Owner, owner_key: "slack:UKIM",
         partners: all, plan_year: 2020/21, due: 2021-03-31, status: in progress, progress: 20, rag: green}
      - {ref: IN-11, title: Archive old mailboxes, owner: Nobody Yet,
         partners: all, plan_year: 2020/21, due: 2021-03-31, status: not started, progress: 0, rag: green}
"""


async def test_owners_by_key_by_email_or_set_with_owner_update_from_slack_and_others_are_told_why(cycle_workspace):
    ws = cycle_workspace
    ws.fake.users["UKIM"] = {"real_name": "Kim Owner", "email": "kim.owner@midkent.gov.uk"}
    await ws.store.import_plan(parse_plan(SLACK_OWNERS_YAML, "yaml"))
    await ws.store.set_role("slack:UROB", "admin", True, display_name="Rob Requester")

    said = texts((await ws.ict("update IN-10 50 amber in progress Drives mapped", user="UKIM"))["blocks"])
    assert "IN-10 updated" in said  # by identity key
    said = texts((await ws.ict("update RS-01 45 green in progress Kit ordered", user="UJANE"))["blocks"])
    assert "RS-01 updated" in said  # by email, from users.info
    said = texts((await ws.ict("update IN-10 90 green nearly there", user="UEVE"))["blocks"])
    assert "Only Kim Owner (the action's owner), a deputy or an admin can update IN-10." in said
    said = texts((await ws.ict("update IN-11 10 green started", user="UEVE"))["blocks"])
    assert "names Nobody Yet as the owner of IN-11" in said and "owner IN-11 slack:UEVE" in said

    said = texts((await ws.ict("owner IN-11 <@UEVE|eve>", user="UROB"))["blocks"])
    assert "IN-11 is now owned by Eve Nosy" in said
    assert "IN-11 updated" in texts((await ws.ict("update IN-11 10 green started Kick-off", user="UEVE"))["blocks"])
    assert "Only an ICT Assistant admin" in texts((await ws.ict("owner IN-10 <@UEVE|eve>", user="UEVE"))["blocks"])

    progress = {a.ref: a.progress for a in await ws.store.list_actions()}
    assert (progress["IN-10"], progress["RS-01"], progress["IN-11"]) == (50, 45, 10)
    [kim_update] = [u for u in await ws.store.action_history("IN-10") if u.kind == "update"]
    assert kim_update.author_key == "slack:UKIM" and kim_update.changes["progress"] == (20, 50)


async def test_status_by_council_and_by_plan_year_from_slack(cycle_workspace):
    ws = cycle_workspace
    swale = texts((await ws.ict("status Swale", user="UJANE"))["blocks"])
    assert "for Swale" in swale and "Workforce" in swale
    year = texts((await ws.ict("status 2020/21", user="UJANE"))["blocks"])
    assert "for 2020/21" in year and "5 actions" in year
    only_swale = texts((await ws.ict("actions swale", user="UJANE"))["blocks"])
    assert "WF-01" in only_swale and "RS-01" in only_swale  # RS-01 is shared by all three councils


async def test_sla_at_risk_then_breached_reach_the_assignee_and_the_triage_post_once_each(cycle_workspace):
    from storage.records import Origin

    ws = cycle_workspace
    friday = datetime(2020, 11, 13, 16, 0, tzinfo=UTC)  # GMT
    await ws.store.ensure_user("slack:UROB", "Rob Requester")
    here = Origin(platform="slack", conversation="DROB")
    t = await ws.store.create_ticket("slack:UROB", summary="VPN drops", priority="P2", origin=here, now=friday)
    assert t.sla_due == datetime(2020, 11, 16, 15, 30, tzinfo=UTC)  # Monday 15:30: 8 business hours
    await ws.make_agent("UALEX")
    await ws.store.assign_ticket(t.ref, "slack:UALEX", now=friday)
    await ws.settle()
    ws.fake.calls.clear()

    monday = datetime(2020, 11, 16, 13, 40, tzinfo=UTC)  # three quarters used at 13:30
    [run] = await ws.runner.run_due(monday, ["sla"])
    assert (run.result, run.outcome["at_risk"], run.outcome["breached"]) == ("sent", 1, 0)
    assert await ws.runner.run_due(monday, ["sla"]) == []  # the same time again: nothing
    await ws.settle()
    [dm] = [c for c in ws.fake.of("chat.postMessage") if c.args["channel"] == "DALEX"]
    assert dm.args["text"].startswith("ICT-1 is at risk of missing its SLA, due ") and "VPN drops" in dm.args["text"]
    assert "ICT-1 “VPN drops” (P2, assigned) is at risk of missing its SLA" in texts(dm.args["blocks"])
    [triage] = ws.fake.of("chat.update")  # the triage post, refreshed in place (its SLA line as at now)
    assert "*SLA*" in texts(triage.args["blocks"])
    [said] = [c for c in ws.fake.of("chat.postMessage") if c.args.get("thread_ts") == triage.args["ts"]]
    assert said.args["reply_broadcast"] is True and "is at risk of missing its SLA" in said.args["text"]

    later = datetime(2020, 11, 16, 15, 50, tzinfo=UTC)
    [run] = await ws.runner.run_due(later, ["sla"])
    assert (run.outcome["at_risk"], run.outcome["breached"]) == (0, 1)
    [run] = await ws.runner.run_due(later + timedelta(minutes=15), ["sla"])
    assert run.outcome == {"at_risk": 0, "breached": 0, "notices": 0}
    await ws.settle()
    dms = [c.args["text"] for c in ws.fake.of("chat.postMessage") if c.args["channel"] == "DALEX"]
    assert len(dms) == 2 and "has missed its SLA" in dms[1]
    in_thread = [c.args["text"] for c in ws.fake.of("chat.postMessage") if c.args.get("thread_ts")]
    assert len(in_thread) == 2 and "has missed its SLA" in in_thread[1]
