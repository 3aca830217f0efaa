"""An admin imports the plan by sending its file to the bot in a Teams personal chat: an activity with the
file attachment Teams sends (file.download.info) into the real CloudAdapter, the file downloaded from the
local server standing in for SharePoint, then Confirm pressed (Action.Execute)."""

from __future__ import annotations

import pytest

from bot.teams.files import FILE_DOWNLOAD_INFO
from storage import NotFound
from storage.uploads import MAX_BYTES
from tests.plan_files import EXCEL_CSV
from tests.teams.conftest import TeamsUser
from tests.teams.test_conversation import execute_invoke

ADA = TeamsUser("aad-ada", "Ada Admin", "ada.admin@midkent.gov.uk")
SAM = TeamsUser("aad-sam", "Sam Smith", "sam.smith@maidstone.gov.uk")


def file_message(teams, user: TeamsUser, name: str, url: str, *, text: str = "", kind: str = "personal") -> dict:
    """A message with a file, as Teams sends it to a bot with supportsFiles."""
    attachments = [
        {
            "contentType": FILE_DOWNLOAD_INFO,
            "contentUrl": f"https://mks.sharepoint.com/personal/ada/Documents/Microsoft Teams Chat Files/{name}",
            "name": name,
            "content": {"downloadUrl": url, "uniqueId": "1150d938-8870-4044-9f2c-5bbdebbd0d4b", "fileType": "csv"},
        },
        {"contentType": "text/html", "content": f"<p>{text}</p>"},
    ]
    return teams.message(user, text, kind=kind, attachments=attachments)


async def say_with_file(teams, activity: dict):
    before = len(teams.connector.sent)
    response = await teams.post(activity)
    assert response.status in (200, 201), await response.text()
    [reply] = teams.connector.sent[before:]
    return reply


@pytest.fixture
async def admin(teams) -> TeamsUser:
    await teams.runtime.store.set_role(ADA.key, "admin", True, display_name=ADA.name)
    return ADA


async def test_an_admin_sends_an_excel_csv_sees_the_summary_and_confirms(teams, admin, validate_card):
    url = teams.connector.file_url("plan.csv", EXCEL_CSV)

    offer = await say_with_file(teams, file_message(teams, admin, "plan.csv", url))

    [download] = teams.connector.downloads
    assert download.path.endswith("/plan.csv")
    card = validate_card(offer.card)
    assert "Dry run of plan.csv: nothing has been changed" in offer.text
    assert "Actions: 2 added, 0 changed, 0 unchanged." in offer.text
    assert "partners 'Tunbridge Wells BC' read as Tunbridge Wells (1 row: 2)" in offer.text
    assert "status 'On track' read as 'in progress' (1 row: 2)" in offer.text
    assert "e.g. '30/06/2021' as 30 June 2021" in offer.text
    confirm, cancel = (a for a in card["actions"] if a["type"] == "Action.Execute")
    assert (confirm["title"], cancel["title"]) == ("Confirm import", "Cancel")
    assert await teams.runtime.store.count_actions() == 29

    response = await teams.post(execute_invoke(teams, admin, confirm))

    body = await response.json()
    assert response.status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
    validate_card(body["value"])
    assert "Imported plan.csv." in body["value"]["fallbackText"]
    assert await teams.runtime.store.count_actions() == 2
    action = await teams.runtime.store.get_action("RS-01")
    assert (action.partners, action.status, action.due.isoformat()) == (
        ("Tunbridge Wells",),
        "in progress",
        "2021-06-30",
    )

    again = await (await teams.post(execute_invoke(teams, admin, confirm))).json()
    assert again["type"] == "application/vnd.microsoft.activity.message"  # the summary card stays as it is
    assert "plan.csv has already been imported" in again["value"]
    assert await teams.runtime.store.count_actions() == 2


async def test_a_non_admins_file_is_refused_and_nothing_is_kept(teams, admin):
    url = teams.connector.file_url("plan.csv", EXCEL_CSV)

    reply = await say_with_file(teams, file_message(teams, SAM, "plan.csv", url))

    assert reply.text.endswith("Only an ICT Assistant admin can import the plan.")
    assert not [a for a in reply.card.get("actions", []) if a.get("title") == "Confirm import"]
    with pytest.raises(NotFound):
        await teams.runtime.store.cancel_plan_upload(1, ADA.key)
    assert await teams.runtime.store.count_actions() == 29


async def test_files_come_from_sharepoint_only(teams, admin):
    for url in (
        "https://sharepoint.com.example.org/plan.csv",
        "http://mks.sharepoint.com/plan.csv",  # not https
        "https://user@mks.sharepoint.com/plan.csv",
        "http://127.0.0.1:1/plan.csv",
    ):
        reply = await say_with_file(teams, file_message(teams, admin, "plan.csv", url))
        assert reply.text.endswith("I couldn't download plan.csv. Please send it to me again."), url
    assert teams.connector.downloads == []


async def test_a_file_in_a_channel_is_not_downloaded(teams, admin):
    url = teams.connector.file_url("plan.csv", EXCEL_CSV)

    reply = await say_with_file(teams, file_message(teams, admin, "plan.csv", url, kind="channel"))

    assert teams.connector.downloads == []
    assert "send me the file in a direct message" in reply.text


async def test_a_download_is_stopped_past_the_limit(teams, admin):
    """Teams gives no size: the download itself stops once it is past the limit."""
    url = teams.connector.file_url("plan.csv", b"theme_code\n" + b"x" * MAX_BYTES)

    reply = await say_with_file(teams, file_message(teams, admin, "plan.csv", url))

    assert "plan.csv is more than the 1 MB I can read." in reply.text
    with pytest.raises(NotFound):
        await teams.runtime.store.cancel_plan_upload(1, ADA.key)
