"""`/ict report desk` in Slack, through the real bolt app and the fake Web API: the desk sees the month's
figures as Block Kit, one council's on request, and anyone else is told who the report is for."""

from __future__ import annotations

from tests.slack.conftest import texts


async def test_the_desk_report_in_slack(workspace):
    ws = workspace
    await ws.make_agent("UALEX")
    await ws.ict("support printer jammed on floor 2", user="UROB")  # Rob: Maidstone, from his email
    await ws.ict("support outlook will not open", user="UROB")
    await ws.ict("support my monitor is flickering", user="UEVE")  # Eve: Swale
    await ws.ict("resolve ICT-1 Cleared the jam", user="UALEX")

    ack = await ws.ict("report desk", user="UALEX")
    shown = texts(ack["blocks"])
    assert "Service desk report:" in shown and "(to date)" in shown
    assert "3 requests raised, 1 resolved, 1 of 1 (100%) within target; 2 still open." in shown
    assert "Maidstone: 2" in shown and "Swale: 1" in shown
    assert "First-contact resolution" in shown and "1 of 1 (100%)" in shown

    swale = texts((await ws.ict("report desk --council swale", user="UALEX"))["blocks"])
    assert "1 request raised, 0 resolved; 1 still open." in swale

    refused = await ws.ict("report desk", user="UEVE")
    assert "The desk report is for the ICT service desk, leads and admins." in texts(refused["blocks"])
    wrong = texts((await ws.ict("report desk --month 13/2026", user="UALEX"))["blocks"])
    assert "'13/2026' is not a month like 2026-11" in wrong and "report desk [--council NAME]" in wrong
