"""Importing the plan from chat, in the handlers: which messages with files are imports, what the admin is
shown before and after Confirm, and every way a file can be refused."""

from __future__ import annotations

import pytest

from bot.text import render_text
from handlers import Assistant, Origin, Sender
from handlers.messages import Attachment, FileProblem
from storage import NotFound
from storage.uploads import MAX_BYTES
from tests.plan_files import EXCEL_CSV, EXCEL_ROWS, excel_csv

ADA = Sender("local:ada", "Ada Admin")
SAM = Sender("local:sam", "Sam Staff")
DM = Origin(platform="local", conversation="dm", personal=True)
CHANNEL = Origin(platform="local", conversation="general")
PLAN = Attachment("plan.csv", len(EXCEL_CSV), EXCEL_CSV)
SCREENSHOT = Attachment("screenshot.png", 20_000)


@pytest.fixture
async def admin_assistant(assistant: Assistant) -> Assistant:
    await assistant.store.set_role(ADA.key, "admin", True, display_name=ADA.display_name)
    return assistant


async def send(assistant: Assistant, sender: Sender, text: str, *files: Attachment, origin: Origin = DM):
    return await assistant.handle(text, sender, origin, files=files)


async def test_an_admins_file_gets_the_dry_run_summary_then_confirm_imports_it(admin_assistant: Assistant):
    offer = await send(admin_assistant, ADA, "", PLAN)

    reply = offer.reply
    assert offer.status == "ok" and reply.title == "Import plan.csv?"
    assert reply.text.startswith("Dry run of plan.csv: nothing has been changed. The import would do this:")
    assert "Actions: 2 added, 0 changed, 0 unchanged." in reply.text
    assert "The sample plan (29 actions) was replaced." in reply.text
    assert "The file was read as Windows-1252 text (Excel's plain CSV), not UTF-8." in reply.text
    assert "due: 2 UK dates read day first, e.g. '30/06/2021' as 30 June 2021 (2 rows: 2, 3)" in reply.text
    assert "partners 'Tunbridge Wells BC' read as Tunbridge Wells (1 row: 2)" in reply.text
    assert "status 'On track' read as 'in progress' (1 row: 2)" in reply.text
    assert "RS-01 Zo\u00eb Hart: nobody known has this email" in reply.text
    confirm, cancel = reply.buttons
    assert (confirm.label, cancel.label) == ("Confirm import", "Cancel")
    assert await admin_assistant.store.count_actions() == 29  # nothing imported yet

    done = await admin_assistant.click(confirm.action_id, confirm.value, ADA, DM)

    assert done.status == "ok" and done.reply.title == "Imported plan.csv"
    assert done.reply.text.startswith("Imported plan.csv.\n")
    assert "Actions: 2 added" in done.reply.text
    assert (await admin_assistant.store.get_action("RS-01")).partners == ("Tunbridge Wells",)

    again = await admin_assistant.click(confirm.action_id, confirm.value, ADA, DM)
    assert again.status == "conflict"
    assert "plan.csv has already been imported at " in again.reply.text
    assert "Nothing more was changed." in again.reply.text
    late_cancel = await admin_assistant.click(cancel.action_id, cancel.value, ADA, DM)
    assert late_cancel.status == "conflict"


async def test_cancel_says_nothing_changed(admin_assistant: Assistant):
    offer = await send(admin_assistant, ADA, "", PLAN)
    _confirm, cancel = offer.reply.buttons

    gone = await admin_assistant.handle(cancel.command, ADA, DM)

    assert gone.reply.text == "Cancelled: plan.csv was not imported, and nothing has been changed."
    assert await admin_assistant.store.count_actions() == 29


async def test_an_expired_offer_says_to_send_the_file_again(admin_assistant: Assistant, clock):
    offer = await send(admin_assistant, ADA, "", PLAN)
    clock.advance(hours=25)

    late = await admin_assistant.handle(offer.reply.buttons[0].command, ADA, DM)

    assert late.status == "conflict"
    assert late.reply.text == (
        "plan.csv was sent more than 24 hours ago, so I can no longer import it. To import it, send me the file again."
    )


async def test_the_options_typed_with_the_file_are_used_and_shown_in_the_summary(admin_assistant: Assistant):
    first = await send(admin_assistant, ADA, "", PLAN)
    await admin_assistant.handle(first.reply.buttons[0].command, ADA, DM)
    shorter = excel_csv(EXCEL_ROWS[:2])

    listed = await send(admin_assistant, ADA, "", Attachment("shorter.csv", None, shorter))
    assert "Not in the file, still in the plan: RS-02." in listed.reply.text
    assert "To retire them, send the file again with the words retire missing." in listed.reply.text

    retiring = await send(admin_assistant, ADA, "import, retire missing", Attachment("shorter.csv", None, shorter))
    assert "Retired (not in the file): RS-02." in retiring.reply.text
    await admin_assistant.handle(retiring.reply.buttons[0].command, ADA, DM)
    assert [a.ref for a in await admin_assistant.store.list_actions()] == ["RS-01"]


async def test_a_plan_year_given_with_the_file_is_said_so(admin_assistant: Assistant):
    no_dates = excel_csv([EXCEL_ROWS[0], EXCEL_ROWS[1].replace("30/06/2021", "")])
    offer = await send(admin_assistant, ADA, "2020/21", Attachment("plan.csv", None, no_dates))
    assert "plan_year blank: 2020/21, the plan year you gave (1 row: 2)" in offer.reply.text


async def test_a_file_with_problems_lists_them_and_offers_no_confirm(admin_assistant: Assistant):
    bad = excel_csv([EXCEL_ROWS[0], EXCEL_ROWS[1].replace("30/06/2021", "31/06/2021").replace(",40,", ",140,")])

    refused = await send(admin_assistant, ADA, "", Attachment("plan.csv", None, bad))

    assert refused.reply.title == "plan.csv: nothing imported" and not refused.reply.buttons
    assert "2 problem(s):" in refused.reply.text
    assert "row 2, field due: '31/06/2021' is not a date (use YYYY-MM-DD)" in refused.reply.text
    assert "row 2, field progress: '140' is not a whole number from 0 to 100" in refused.reply.text
    assert "Please correct the file and send it to me again." in refused.reply.text
    with pytest.raises(NotFound):  # nothing was kept: there is no upload 1
        await admin_assistant.store.cancel_plan_upload(1, ADA.key)


async def test_a_long_list_of_problems_is_cut(admin_assistant: Assistant):
    rows = [EXCEL_ROWS[0]] + [f"RS,R,RS-{n:02d},T,O,,all,not a date,,,," for n in range(1, 41)]

    refused = await send(admin_assistant, ADA, "", Attachment("plan.csv", None, excel_csv(rows)))

    assert "40 problem(s):" in refused.reply.text and "... and 15 more." in refused.reply.text
    assert refused.reply.text.count("is not a date") == 25


async def test_a_non_admin_is_refused_and_nothing_is_kept(admin_assistant: Assistant):
    refused = await send(admin_assistant, SAM, "", PLAN)

    assert refused.reply.text == "Only an ICT Assistant admin can import the plan."
    assert not refused.reply.buttons
    typed = await admin_assistant.handle("import confirm 1", SAM, DM)
    assert typed.status == "denied" and typed.reply.text == "Only an ICT Assistant admin can import the plan."
    not_kept = await admin_assistant.handle("import confirm 1", ADA, DM)
    assert not_kept.status == "not_found"
    assert (
        not_kept.reply.text == "There is no plan file 1 waiting to be imported. To import it, send me the file again."
    )


async def test_a_file_sent_with_something_to_say_is_handled_as_what_was_said(admin_assistant: Assistant):
    problem = await send(admin_assistant, SAM, "my VPN keeps dropping", SCREENSHOT)
    assert problem.reply.title == "This may fix it"
    raised = await send(admin_assistant, SAM, "support the export will not open", PLAN)
    assert raised.command == "support" and "ICT-1 raised" in render_text(raised.reply)
    status = await send(admin_assistant, SAM, "status", SCREENSHOT, origin=CHANNEL)
    assert status.command == "status"
    help_ = await send(admin_assistant, SAM, "", SCREENSHOT)
    assert help_.reply.title == "ICT Assistant: what I can do"


async def test_an_admin_is_told_what_is_wrong_with_a_file_that_cannot_be_a_plan(admin_assistant: Assistant):
    image = await send(admin_assistant, ADA, "", SCREENSHOT)
    assert image.reply.text == "I can import a plan from a .yaml, .yml or .csv file; screenshot.png is not one."

    big = await send(admin_assistant, ADA, "", Attachment("plan.csv", 3 * MAX_BYTES // 2, problem=FileProblem.TOO_BIG))
    assert big.reply.text.startswith("plan.csv is 1.5 MB, more than the 1 MB I can read.")
    unknown_size = await send(admin_assistant, ADA, "", Attachment("plan.csv", None, problem=FileProblem.TOO_BIG))
    assert unknown_size.reply.text.startswith("plan.csv is more than the 1 MB I can read.")
    lost = await send(admin_assistant, ADA, "", Attachment("plan.csv", 100, problem=FileProblem.UNAVAILABLE))
    assert lost.reply.text == "I couldn't download plan.csv. Please send it to me again."
    two = await send(admin_assistant, ADA, "", PLAN, Attachment("other.yaml", 10, b"themes: []"))
    assert two.reply.text == "Please send one plan file at a time: I got plan.csv and other.yaml."
    wordy = await send(admin_assistant, ADA, "here is the new plan", PLAN)
    assert wordy.status == "usage"
    assert wordy.reply.text.startswith("I don't know what 'here is the new plan' means here. With a plan file")
    in_channel = await send(admin_assistant, ADA, "", PLAN, origin=CHANNEL)
    assert in_channel.reply.text.startswith("To import the plan, send me the file in a direct message")
    assert await admin_assistant.store.count_actions() == 29


async def test_import_on_its_own_says_how(admin_assistant: Assistant):
    how = await admin_assistant.handle("import", ADA, DM)
    assert how.reply.title == "Importing the action plan"
    assert "send me the plan's file (.yaml, .yml or .csv) here in our chat" in how.reply.text
    wrong = await admin_assistant.handle("import please 3", ADA, DM)
    assert wrong.status == "usage" and "Usage: import [confirm|cancel N]" in wrong.reply.text
