"""An admin imports the plan by sending its file to the bot in a Slack DM: a signed file_share event into the
real bolt app, the file downloaded from the fake Slack with the bot token, the summary and its Confirm button
posted, then a signed block_actions press of Confirm."""

from __future__ import annotations

import pytest

from storage import NotFound
from tests.plan_files import EXCEL_CSV
from tests.slack.conftest import PEOPLE, button, texts
from tests.slack.fake_slack import BOT_USER_ID

TOKEN = "xoxb-test-token"


def file_share(fake, user: str, files: list[dict], *, text: str = "", channel_type: str = "im", **extra) -> dict:
    return {
        "type": "message",
        "subtype": "file_share",
        "channel_type": channel_type,
        "user": user,
        "text": text,
        "channel": f"D{user[1:]}" if channel_type == "im" else "CGENERAL",
        "ts": "1700000300.000100",
        "files": files,
        **extra,
    }


@pytest.fixture
async def ada(workspace) -> str:
    """UALEX, made an admin."""
    await workspace.store.set_role("slack:UALEX", "admin", True, display_name=PEOPLE["UALEX"]["real_name"])
    return "UALEX"


async def test_an_admin_sends_an_excel_csv_sees_the_summary_and_confirms(workspace, ada):
    fake = workspace.fake
    plan = fake.share_file("plan.csv", EXCEL_CSV)

    response = await workspace.event(file_share(fake, ada, [plan]), event_id="EvFile1")
    assert response.status == 200
    await workspace.settle()

    [download] = fake.downloads
    assert download.token == TOKEN and download.path.endswith("/download/plan.csv")
    [offer] = fake.of("chat.postMessage")
    assert offer.args["channel"] == "DALEX"
    shown = texts(offer.args["blocks"])
    assert "Dry run of plan.csv: nothing has been changed" in shown
    assert "Actions: 2 added, 0 changed, 0 unchanged." in shown
    assert "partners 'Tunbridge Wells BC' read as Tunbridge Wells (1 row: 2)" in shown
    assert "status 'On track' read as 'in progress'" in shown
    assert "e.g. '30/06/2021' as 30 June 2021" in shown
    assert "Windows-1252" in shown
    confirm = button(offer.args["blocks"], "Confirm import")
    button(offer.args["blocks"], "Cancel")
    assert await workspace.store.count_actions() == 29  # nothing imported before the Confirm

    pressed = await workspace.click(confirm, user=ada, channel="DALEX")
    assert pressed.status == 200
    await workspace.settle()

    [imported] = fake.of("response_url")
    assert "Imported plan.csv." in texts(imported.args["blocks"])
    assert await workspace.store.count_actions() == 2
    action = await workspace.store.get_action("RS-01")
    assert (action.partners, action.status, action.due.isoformat()) == (
        ("Tunbridge Wells",),
        "in progress",
        "2021-06-30",
    )
    history = await workspace.store.action_history("RS-02")

    await workspace.click(confirm, user=ada, channel="DALEX")
    await workspace.settle()

    _, again = fake.of("response_url")
    assert "plan.csv has already been imported" in again.args["text"]
    assert await workspace.store.action_history("RS-02") == history and await workspace.store.count_actions() == 2


async def test_a_non_admins_file_is_refused_and_nothing_is_kept(workspace, ada):
    fake = workspace.fake
    await workspace.event(file_share(fake, "UROB", [fake.share_file("plan.csv", EXCEL_CSV)]), event_id="EvFile2")
    await workspace.settle()

    [answer] = fake.of("chat.postMessage")
    assert answer.args["channel"] == "DROB"
    assert answer.args["text"].endswith("Only an ICT Assistant admin can import the plan.")
    assert "Confirm import" not in texts(answer.args["blocks"])
    with pytest.raises(NotFound):
        await workspace.store.cancel_plan_upload(1, "slack:UALEX")
    assert await workspace.store.count_actions() == 29


async def test_a_screenshot_with_a_problem_is_the_problem(workspace):
    fake = workspace.fake
    shot = {**fake.share_file("screenshot.png", b"\x89PNG"), "mimetype": "image/png"}
    await workspace.event(file_share(fake, "UROB", [shot], text="my VPN keeps dropping"), event_id="EvFile3")
    await workspace.settle()

    assert fake.downloads == []  # not a plan: never fetched
    [answer] = fake.of("chat.postMessage")
    assert "This may fix it" in texts(answer.args["blocks"])


async def test_the_bot_token_goes_to_slacks_file_host_only_and_redirects_are_not_followed(workspace, ada):
    fake = workspace.fake
    elsewhere = {**fake.share_file("plan.csv", EXCEL_CSV), "url_private_download": "https://files.example.org/plan.csv"}
    target = fake.share_file("plan.csv", EXCEL_CSV)
    bounced = fake.share_file("plan.csv", EXCEL_CSV, redirect_to=target["url_private_download"])

    await workspace.event(file_share(fake, ada, [elsewhere]), event_id="EvFile4")
    await workspace.settle()
    await workspace.event(file_share(fake, ada, [bounced]), event_id="EvFile5")
    await workspace.settle()

    [asked] = fake.downloads  # the redirect itself, never its target; nothing sent to files.example.org
    assert asked.path.endswith(f"-{bounced['id']}/download/plan.csv")
    first, second = fake.of("chat.postMessage")
    assert first.args["text"].endswith("I couldn't download plan.csv. Please send it to me again.")
    assert second.args["text"].endswith("I couldn't download plan.csv. Please send it to me again.")
    assert await workspace.store.count_actions() == 29


async def test_a_file_over_the_limit_is_not_downloaded(workspace, ada):
    fake = workspace.fake
    big = {**fake.share_file("plan.csv", EXCEL_CSV), "size": 5 * 1024 * 1024}
    await workspace.event(file_share(fake, ada, [big]), event_id="EvFile6")
    await workspace.settle()

    assert fake.downloads == []
    [answer] = fake.of("chat.postMessage")
    assert "plan.csv is 5 MB, more than the 1 MB I can read." in answer.args["text"]


async def test_a_plan_shared_in_a_channel_is_not_downloaded_and_the_admin_is_told_to_send_it_directly(workspace, ada):
    fake = workspace.fake
    shared = file_share(fake, ada, [fake.share_file("plan.csv", EXCEL_CSV)], channel_type="channel")
    event = {**shared, "type": "app_mention", "text": f"<@{BOT_USER_ID}>"}
    del event["subtype"], event["channel_type"]  # as Slack sends a mention with a file
    await workspace.event(event, event_id="EvFile7")
    await workspace.settle()

    assert fake.downloads == []
    [answer] = fake.of("chat.postEphemeral")
    assert "send me the file in a direct message" in answer.args["text"]
