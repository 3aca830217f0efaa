"""The Board report on the seeded sample plan (clock: Monday 25 November 2019, 09:30 UTC).

Expected figures are counted here straight from the sample plan's YAML file, not through the store or the
report's own counting: per theme and per partner council, red/amber/green, complete and overdue."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import yaml

from bot.jobs import JobRunner
from bot.reports import render
from handlers.board_report import BoardScope, board_document
from storage.cycle import SNAPSHOT, CycleConfig

SAMPLE = Path(__file__).resolve().parents[2] / "storage" / "data" / "sample_plan_2019_20.yaml"
TODAY = date(2019, 11, 25)


def plan_actions() -> list[dict]:
    plan = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    return [{**a, "theme": t["code"]} for t in plan["themes"] for a in t["actions"]]


def expected_row(actions: list[dict], on: date) -> tuple[str, ...]:
    total = len(actions)
    done = sum(a["status"] == "complete" for a in actions)
    late = sum(a["status"] != "complete" and a.get("due") and a["due"] < on for a in actions)
    rag = [sum(a["rag"] == r for a in actions) for r in ("red", "amber", "green")]
    return (str(total), *map(str, rag), str(done), f"{round(100 * done / total) if total else 0}%", str(late))


def table(doc, caption: str):
    for section in doc.sections:
        for t in section.tables:
            if t.caption == caption:
                return {row[0]: row[1:] for row in t.rows}
    raise AssertionError(f"no table {caption!r}")


async def test_summary_themes_and_councils_match_the_plan_file(seeded_store, clock):
    actions = plan_actions()
    doc = board_document(await seeded_store.board_data(clock()), BoardScope())
    themes = table(doc, "By theme")
    for code in ("WF", "DS", "RS", "CS", "IM", "IN"):
        [label] = [k for k in themes if k.startswith(code + " ")]
        assert themes[label] == expected_row([a for a in actions if a["theme"] == code], TODAY), code
    assert list(themes)[:6] == [k for k in themes if k != "All themes"]  # the strategy's order
    assert [k.split()[0] for k in list(themes)[:6]] == ["WF", "DS", "RS", "CS", "IM", "IN"]
    councils = table(doc, "By partner council")
    for council in ("Maidstone", "Swale", "Tunbridge Wells"):
        assert councils[council] == expected_row([a for a in actions if council in a["partners"]], TODAY)
    assert councils["Shared total (every action once)"] == expected_row(actions, TODAY)

    swale = board_document(await seeded_store.board_data(clock()), BoardScope(council="Swale"))
    swale_actions = [a for a in actions if "Swale" in a["partners"]]
    assert table(swale, "By theme")["All themes"] == expected_row(swale_actions, TODAY)
    assert {f.label: f.value for f in swale.figures}["Actions"] == str(len(swale_actions))


async def test_exceptions_carry_the_owners_latest_narrative_and_how_long(person, seeded_store, clock):
    rs05 = await seeded_store.get_action("RS-05")
    priya = person("Priya", email=rs05.owner_email)
    await priya.say("update RS-05 40 red Supplier late with the tokens; chasing weekly")
    clock.advance(days=21)
    doc = board_document(await seeded_store.board_data(clock()), BoardScope())
    exceptions = table(doc, "Red, blocked or overdue")
    [key] = [k for k in exceptions if k.startswith("RS-05 ")]
    owner, rag, _status, how_long, narrative = exceptions[key]
    assert (owner, rag) == (rs05.owner, "Red")
    assert "red for 3 weeks" in how_long
    assert narrative == "Supplier late with the tokens; chasing weekly (25 Nov 2019)"
    expected = {
        a["ref"]
        for a in plan_actions()
        if (a["rag"] == "red" and a["status"] != "complete")
        or a["status"] == "blocked"
        or (a["status"] != "complete" and a.get("due") and a["due"] < clock().date())
    } | {"RS-05"}
    assert {k.split()[0] for k in exceptions} == expected


async def test_snapshots_at_the_board_give_as_at_figures_and_movement(person, admin, seeded_store, clock):
    await admin.say("board add 02/12/2019 Winter Board")
    config = CycleConfig()
    runner = JobRunner(seeded_store, config, grace=timedelta(hours=12))
    clock.now = datetime(2019, 12, 2, 9, 5, tzinfo=UTC)
    reports = await runner.run_due(clock(), jobs=[SNAPSHOT])
    # 30 November's month end was due at midnight, more than the grace before: skipped, not taken late
    assert [(r.result, r.due_at.date().isoformat()) for r in reports] == [
        ("skipped", "2019-12-01"),
        ("sent", "2019-12-02"),
    ]
    run = reports[-1]
    assert (run.outcome["snapshot"], run.outcome["kind"], run.outcome["actions"]) == ("2019-12-02", "board", 29)
    assert await runner.run_due(clock(), jobs=[SNAPSHOT]) == []  # never twice for one due time
    assert await seeded_store.take_snapshot(date(2019, 12, 2), clock(), kind="board") is None  # nor by hand

    rs03 = await seeded_store.get_action("RS-03")
    luke = person("Luke", email=rs03.owner_email)
    clock.advance(days=3)
    await luke.say("update RS-03 60 red Firewall vendor went bust")
    ds02 = await seeded_store.get_action("DS-02")
    await person("Owner", email=ds02.owner_email).say("update DS-02 100 green Done and signed off")

    live = board_document(await seeded_store.board_data(clock()), BoardScope())
    moved = {(row[0], row[1].split()[0]): row[2] for row in table_rows(live, "What moved")}
    assert (rs03.rag, ds02.status, ds02.rag) == ("amber", "not started", "amber")  # in the sample plan
    assert moved[("RAG worse", "RS-03")] == "Amber to Red"
    assert moved[("Completed", "DS-02")] == "" and moved[("RAG better", "DS-02")] == "Amber to Green"
    assert not any(kind in ("New", "Retired") for kind, _ in moved)

    before = board_document(await seeded_store.board_data(clock(), as_at=date(2019, 12, 3)), BoardScope())
    assert "snapshot of 2 December 2019" in before.subtitle
    rag_before = {row[0]: row for row in table_rows(before, "RAG by theme")}
    rag_now = {row[0]: row for row in table_rows(live, "RAG by theme")}
    assert int(rag_now["RS"][1]) == int(rag_before["RS"][1]) + 1  # RS-03 turned red after the Board
    assert rag_before["RS"] == ("RS", *expected_row([a for a in plan_actions() if a["theme"] == "RS"], TODAY)[1:4])


def table_rows(doc, caption: str):
    for section in doc.sections:
        tables = [*section.tables, *([section.chart.table()] if section.chart else [])]
        for t in tables:
            if t.caption == caption:
                return t.rows
    raise AssertionError(f"no table {caption!r}")


async def test_month_end_snapshots_make_the_trend(seeded_store, clock):
    runner = JobRunner(seeded_store, CycleConfig(), grace=timedelta(days=40))
    clock.now = datetime(2019, 12, 1, 0, 10, tzinfo=UTC)
    reports = await runner.run_due(clock(), jobs=[SNAPSHOT])
    assert [(r.outcome["snapshot"], r.outcome["kind"]) for r in reports] == [("2019-11-30", "month")]
    doc = board_document(await seeded_store.board_data(clock()), BoardScope())
    trend = table_rows(doc, "% complete over time")
    assert [row[0] for row in trend] == ["30 Nov 2019", "01 Dec 2019"]


async def test_every_format_and_user_text_escaped(person, seeded_store, clock):
    rs05 = await seeded_store.get_action("RS-05")
    evil = "<script>alert(1)</script> =cmd|' /C calc'!A0 **bold**"
    await person("Priya", email=rs05.owner_email).say(f"update RS-05 40 red {evil}")
    doc = board_document(await seeded_store.board_data(clock()), BoardScope())
    page = render(doc, "html").decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert page.count('<svg role="img"') == 2  # both charts, each labelled
    assert {u for u in re.findall(r"https?://[^\s\"']+", page) if "www.w3.org" not in u} == set()  # no fetches
    md = render(doc, "md").decode()
    assert "\\<script\\>" in md and "\\*\\*bold\\*\\*" in md
    csv_text = render(doc, "csv").decode("utf-8-sig")
    header, *lines = csv_text.splitlines()
    assert header.startswith("Ref,Plan year,Theme,Action,Owner")
    assert len(lines) == len(plan_actions())
    assert render(doc, "pdf").startswith(b"%PDF-")


async def test_report_in_chat_gives_the_summary_and_problems_still_raise_requests(person, seeded_store):
    rita = person("Rita")
    reply = await rita.say("report swale")
    swale = [a for a in plan_actions() if "Swale" in a["partners"]]
    assert "Board report (Swale)" in reply and f"{len(swale)} actions" in reply
    assert "ictbot report board" in reply
    assert "Board report" in await rita.say("report")
    assert "Board report (theme RS)" in await rita.say("report board RS")
    raised = await rita.say("report my printer is jammed again")
    assert re.search(r"ICT-\d+", raised) and "Board report" not in raised
    assert "Board report" not in await rita.say("report vpn down")
    bad = await rita.say("report board ZZ")
    assert "There is no theme ZZ" in bad and "Usage: report" in bad
