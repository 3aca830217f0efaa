"""The words of an import's summary: what was added, changed, kept, missing, retired and unreachable, and
what the reader normalised, grouped so that a long file still gives a short summary."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.plan_import import import_note, import_summary_text, notes_text
from storage import Store
from storage.plan_file import ImportResult
from storage.plan_io import read_plan

HEADER = "theme_code,theme_name,ref,title,owner,owner_email,due,plan_year,status,progress,partners\n"
T0 = datetime(2020, 5, 1, 9, 0, tzinfo=UTC)


def test_two_hundred_rows_of_owners_words_read_as_a_few_lines():
    rows = [
        f"RS,Resilient solutions,RS-{n:03d},Action {n},Owner {n},,"
        f"{'30/06/2020' if n % 2 else ''},{'' if n % 2 else '2021/22'},{'On track' if n % 3 else 'Done'},"
        f"{'' if n % 3 else 100},{'TWBC' if n % 4 else 'Swale'}\n"
        for n in range(1, 201)
    ]

    lines = notes_text(read_plan(HEADER + "".join(rows), "csv").notes)

    assert len(lines) == 5
    assert "status 'On track' read as 'in progress' (134 rows: 2, 3, 5, 6, 8, 9, 11, 12, 14, 15 and 124 more)" in lines
    assert "status 'Done' read as 'complete' (66 rows: 4, 7, 10, 13, 16, 19, 22, 25, 28, 31 and 56 more)" in lines
    assert any(line.startswith("partners 'TWBC' read as Tunbridge Wells (150 rows: 2, 3, 4, 6,") for line in lines)
    assert any(
        line.startswith("due: 100 UK dates read day first, e.g. '30/06/2020' as 30 June 2020 (100 rows: 2, 4,")
        for line in lines
    )
    assert any(
        line.startswith("plan_year blank: 2020/21, the financial year of the due date (100 rows: 2, 4,")
        for line in lines
    )


def test_a_plan_year_from_the_option_is_said_so():
    read = read_plan(HEADER + "RS,R,RS-01,T,O,,,,,,\nRS,R,RS-02,T,O,,,2019/20,,,\n", "csv", plan_year="2021/22")

    assert notes_text(read.notes) == ["plan_year blank: 2021/22, from --plan-year (1 row: 2)"]


async def test_the_summary_of_a_reimport(store: Store):
    await store.set_role("local:ada", "admin", True, display_name="Ada")
    await store.ensure_user("local:sam", "Sam", email="sam@midkent.gov.uk")
    first = (
        HEADER
        + "RS,R,RS-01,Firewalls,Sam,sam@midkent.gov.uk,30/09/2020,,in progress,40,all\n"
        + "RS,R,RS-02,Backups,Kim,,,2020/21,,,all\n"
        + "RS,R,RS-03,Phishing,Lee,lee@midkent.gov.uk,,2020/21,,,all\n"
    )
    await store.import_plan(read_plan(first, "csv").themes, author_key="local:ada", now=T0)
    await store.record_action_update("RS-01", "local:sam", progress=70, rag="red", note="Late", now=T0)
    second = first.replace("Firewalls", "Replace the firewalls").replace(
        "RS,R,RS-03,Phishing,Lee,lee@midkent.gov.uk,,", "RS,R,RS-04,Wi-Fi,Zoë,,01/04/2021,"
    )
    read = read_plan(second, "csv")

    result = await store.import_plan(read.themes, author_key="local:ada", note=import_note("plan.csv"), dry_run=True)
    text = import_summary_text(result, read.notes, file_name="plan.csv")

    assert text.splitlines() == [
        "Dry run of plan.csv: nothing has been changed. The import would do this:",
        "Themes: 0 added, 1 updated. Actions: 1 added, 1 changed, 1 unchanged.",
        "Added: RS-04.",
        "Changed: RS-01 (title).",
        "Kept (changed in chat since the last import):",
        "  RS-01: progress 70 (the file says 40)",
        "To use the file's values instead, import it again with --overwrite.",
        "Not in the file, still in the plan: RS-03.",
        "To retire them, import the file again with --retire-missing.",
        "Owners the bot cannot reach in chat (3):",
        "  RS-02 Kim: no email or chat identity given",
        "  RS-03 Lee: nobody known has this email",
        "  RS-04 Zoë: no email or chat identity given",
        "They get no reminders until they talk to the bot with that email, or you set it: ictbot users email KEY EMAIL.",
        "Read from the file:",
        "  plan_year blank: 2020/21, the financial year of the due date (1 row: 2)",
        "  partners 'all' read as Maidstone, Swale, Tunbridge Wells (3 rows: 2, 3, 4)",
        "  due: 2 UK dates read day first, e.g. '30/09/2020' as 30 September 2020 (2 rows: 2, 4)",
    ]


async def test_the_summary_of_retiring_and_board_meetings(store: Store):
    text = "board_meetings: [2020-06-18]\nthemes: [{code: RS, name: R, actions: [{ref: RS-01, title: T, owner: O, plan_year: 2020/21}, {ref: RS-02, title: U, owner: P, plan_year: 2020/21}]}]\n"
    await store.import_plan(read_plan(text, "yaml").themes, author_key="local:ada")
    read = read_plan(text.replace(", {ref: RS-02, title: U, owner: P, plan_year: 2020/21}", ""), "yaml")

    result = await store.import_plan(
        read.themes, board_meetings=read.board_meetings, author_key="local:ada", retire_missing=True
    )
    words = import_summary_text(result, read.notes, file_name="plan.yaml")

    assert "Retired (not in the file): RS-02." in words and "Not in the file" not in words
    assert "Board meetings added: 1 (18 June 2020)." in words
    assert words.startswith(
        "Imported plan.yaml.\nThemes: 0 added, 1 updated. Actions: 0 added, 0 changed, 1 unchanged."
    )


def test_rows_of_a_year_carried_forward_are_said_to_be_left_alone():
    result = ImportResult(
        themes_created=0,
        themes_updated=1,
        actions_created=0,
        actions_updated=1,
        unchanged=("RS-02",),
        carried_forward=("RS-01 2020/21",),
    )
    text = import_summary_text(result, (), file_name="plan.csv")
    assert "Left alone, carried forward to a later plan year: RS-01 2020/21." in text
    assert "change the action in its later year instead" in text
