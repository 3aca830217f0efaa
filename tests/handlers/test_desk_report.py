"""The desk report against a month of requests worked through the real assistant and store, with the clock
set for each step. Every expected figure is worked out here by hand from the scenario's times (the desk's
default hours, 08:30-17:00 Monday to Friday, GMT in November; default targets P2 8h, P3 3 working days),
not by the report's code."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest

from bot.reports import render
from handlers.desk_report import desk_arguments, desk_document
from storage import PermissionDenied

H = 3600


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2019, month, day, hour, minute, tzinfo=UTC)  # GMT: UTC is the councils' time


@pytest.fixture
async def month(person, agent, seeded_store, clock):
    """November 2019 at the desk (ICT-1 raised in October):

    ICT-1 Rob, 31 Oct 16:00, printer (P3); resolved Mon 25 Nov 09:30 by Alex: no response in November counted,
      resolve 1 h (31 Oct) + 8.5 h (1 Nov) + 15 x 8.5 h (4-22 Nov) + 1 h (25 Nov) = 137.5 h, past its 25.5 h.
    ICT-2 Sam (Swale, home), Mon 25 10:00, VPN (P3); assigned 11:30 (response 1.5 h); question 14:00, Sam
      answers Tue 09:00 (waited 3 h + 0.5 h); resolved Tue 10:00: 7 h + 1.5 h - 3.5 h = 5 h. Asked: not first contact.
    ICT-3 Priya (Maidstone, office), Mon 25 10:30, laptop; P2 at 10:45 (response 15 min); resolved 11:15
      (45 min, within 8 h); reopened Tue 09:00, resolved again 10:00 (counts once, first resolution).
    ICT-4 Rob, Mon 25 11:00, Outlook (P3); assigned 12:00 (response 1 h); resolved 13:00 (2 h): first contact.
      Rob rates it 2 at 14:00; Priya rates ICT-3 5 on Tue 10:30.
    ICT-5 Sam, Tue 26 11:00, new starter access; withdrawn 11:30 (no response from the desk).
    ICT-6 Priya, Wed 27 09:00, Teams calls: still open.
    Rob says a knowledge article fixed his problem on Wed 27 (a deflection); Priya still needed help with one.
    """
    rob = person("Rob")
    sam = person("Sam", email="sam@swale.gov.uk")
    priya = person("Priya", email="priya@maidstone.gov.uk")

    clock.now = at(31, 16, month=10)
    await rob.say("support --new printer jammed on floor 2")
    clock.now = at(25, 9, 30)
    await agent.say("resolve ICT-1 Cleared the jam")

    clock.now = at(25, 10)
    await sam.say("support --new my vpn keeps dropping when I work from home")
    await sam.say("where ICT-2 home")
    clock.now = at(25, 10, 30)
    await priya.say("support --new laptop will not turn on")
    await priya.say("where ICT-3 office")
    clock.now = at(25, 10, 45)
    await agent.say("priority ICT-3 P2")
    clock.now = at(25, 11)
    await rob.say("support --new outlook will not open")
    clock.now = at(25, 11, 15)
    await agent.say("resolve ICT-3 Replaced the charger")
    clock.now = at(25, 11, 30)
    await agent.say("assign ICT-2")
    clock.now = at(25, 12)
    await agent.say("assign ICT-4")
    clock.now = at(25, 13)
    await agent.say("resolve ICT-4 Repaired the profile")
    clock.now = at(25, 14)
    await agent.say("waiting ICT-2 Which router do you have at home?")
    await rob.say("rate ICT-4 2 slow to start")

    clock.now = at(26, 9)
    await sam.say("comment ICT-2 a BT hub")
    await priya.say("reopen ICT-3 it died again")
    clock.now = at(26, 10)
    await agent.say("resolve ICT-2 Updated the VPN client")
    await agent.say("resolve ICT-3 New battery fitted")
    clock.now = at(26, 10, 30)
    await priya.say("rate ICT-3 5")
    clock.now = at(26, 11)
    await sam.say("support --new new starter needs access to the Revs and Bens folder")
    clock.now = at(26, 11, 30)
    await sam.say("withdraw ICT-5 sorted by my manager")

    clock.now = at(27, 9)
    await priya.say("support --new teams calls keep cutting out")
    await rob.say("selfhelp fixed vpn-keeps-dropping vpn keeps dropping")
    await priya.say("selfhelp still teams-calls-audio teams calls keep cutting out")  # raises ICT-7

    tickets = {n: await seeded_store.get_ticket_unchecked(n) for n in range(1, 8)}
    assert [tickets[n].status for n in range(1, 8)] == [
        "resolved",
        "resolved",
        "resolved",
        "resolved",
        "closed",
        "new",
        "new",
    ], "the scenario ran as written"
    clock.now = at(2, 9, month=12)  # November is over
    return tickets


async def test_the_month_in_figures(month, seeded_store, clock):
    tickets = month
    council, period = desk_arguments("--month 2019-11", clock.now)
    assert (council, period.start, period.end, period.to_date) == (None, at(1, 0), at(1, 0, month=12), False)
    r = await seeded_store.desk_report(period.start, period.end)

    assert r.raised == 6  # ICT-2 to ICT-7
    categories = {s.key: s.count for s in r.by_category if s.count}
    expected: dict[str, int] = {}
    for n in range(2, 8):
        expected[tickets[n].category] = expected.get(tickets[n].category, 0) + 1
    assert categories == expected
    priorities = {s.key: s.count for s in r.by_priority}
    # as raised: ICT-3 went to P2 after it was raised
    raised_as = [tickets[n].priority for n in (2, 4, 5, 6, 7)] + ["P3"]
    assert priorities == {p: raised_as.count(p) for p in ("P1", "P2", "P3", "P4")}
    assert {s.key: s.count for s in r.by_council} == {
        "Maidstone": 3,  # ICT-3, 6, 7
        "Swale": 2,  # ICT-2, 5
        "Tunbridge Wells": 0,
        "not recorded": 1,  # ICT-4: Rob's email does not say
    }
    settings = {s.key: s.count for s in r.by_setting if s.count}
    assert settings["home"] >= 1 and settings["office"] >= 1 and sum(settings.values()) == 6
    assert (r.still_open, r.withdrawn) == (2, 1)  # ICT-6 and ICT-7; ICT-5

    assert r.resolved == 4  # ICT-1 to ICT-4, ICT-3 once
    sla = {row.priority: (row.resolved, row.within) for row in r.sla}
    assert sla == {"P1": (0, 0), "P2": (1, 1), "P3": (3, 2), "P4": (0, 0)}  # ICT-1 was past its target
    assert r.within_target == 3

    assert r.responded == 3  # ICT-2, 3, 4 (ICT-5 was withdrawn first; ICT-6 and 7 are not answered yet)
    assert r.median_first_response == 1 * H  # of 1.5 h, 15 min, 1 h
    assert r.median_resolve == (2 + 5) / 2 * H  # of 137.5 h, 5 h, 45 min, 2 h
    assert r.first_contact == 2  # ICT-1 and ICT-4
    assert r.reopened == 1  # ICT-3
    assert r.ratings == (0, 1, 0, 0, 1) and r.average_rating == 3.5
    assert (r.deflected, r.still_needed_help) == (1, 1)

    days = {d.day.day: (d.raised, d.resolved) for d in r.days if d.raised or d.resolved}
    assert days == {25: (3, 3), 26: (1, 1), 27: (2, 0)}
    assert len(r.days) == 30


async def test_one_council(month, seeded_store, clock):
    council, period = desk_arguments("swale november 2019", clock.now)
    assert council == "Swale"
    r = await seeded_store.desk_report(period.start, period.end, council=council)
    assert (r.raised, r.resolved, r.withdrawn, r.still_open) == (2, 1, 1, 0)
    assert r.median_first_response == 1.5 * H and r.median_resolve == 5 * H
    assert (r.first_contact, r.reopened, r.rated) == (0, 0, 0)
    assert [s.key for s in r.by_council] == ["Swale"]
    assert (r.deflected, r.still_needed_help) == (0, 0)  # Rob's and Priya's were not Swale's


async def test_report_desk_in_chat_for_the_desk_and_leads_only(month, person, agent, seeded_store):
    said = await agent.say("report desk --month 2019-11")
    assert said.startswith("Service desk report: November 2019")
    assert "6 requests raised, 4 resolved, 3 of 4 (75%) within target; 2 still open." in said
    assert "Median first response (business hours): 1 h" in said
    assert "Median time to resolve (business hours): 3 h 30 min" in said
    assert "First-contact resolution: 2 of 4 (50%)" in said
    assert "Satisfaction: 3.5 out of 5 from 2 ratings" in said
    assert "P3 (target 3d): 2 of 3 (67%)" in said
    assert "Maidstone: 3" in said and "Swale: 2" in said

    rob = person("Rob")
    refused = await rob.say("report desk")
    assert refused == "The desk report is for the ICT service desk, leads and admins."
    await seeded_store.set_role("local:lee", "lead", True, display_name="Lee")
    assert (await person("Lee").say("report desk last month")).startswith("Service desk report: November 2019")
    with pytest.raises(PermissionDenied):
        await seeded_store.desk_report(at(1, 0), at(1, 0, month=12), viewer_key="local:rob")


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("report desk --month 2019-13", "'2019-13' is not a month like 2026-11"),
        ("report desk --month 2020-01", "January 2020 has not started yet"),
        ("report desk kent", "'kent' is not one of the councils (Maidstone, Swale, Tunbridge Wells)"),
        ("report desk --council", "Which council? Maidstone, Swale, Tunbridge Wells."),
        ("report desk --month", "Which month? Give a month like 2026-11"),
        ("report desk swale on tuesday", "I didn't understand 'on tuesday'"),
    ],
)
async def test_mistakes_say_what_was_wrong_and_the_usage(typed, said, agent, clock):
    clock.now = at(2, 9, month=12)
    reply = await agent.say(typed)
    assert (
        said in reply
        and "Usage: report [COUNCIL] [THEME] [PLAN YEAR] | report desk [--council NAME] [--month YYYY-MM]" in reply
    )


async def test_report_without_desk_still_raises_a_request(person, seeded_store):
    said = await person("Rob").say("report my monitor is flickering")
    assert "ICT-1" in said
    assert (await seeded_store.get_ticket_unchecked(1)).summary.lower().startswith("my monitor is flickering")


async def test_the_document_in_every_format_carries_the_same_figures(month, seeded_store, clock):
    _council, period = desk_arguments("--month 2019-11", clock.now)
    doc = desk_document(await seeded_store.desk_report(period.start, period.end), period)

    rows = list(csv.reader(io.StringIO(render(doc, "csv").decode("utf-8-sig"))))
    assert rows[0] == ["section", "item", "measure", "value"]
    summary = {row[1]: (row[2], row[3]) for row in rows if row[0] == "Summary"}
    assert summary["Raised"] == ("value", "6")
    assert summary["Resolved within target"] == ("share", "0.7500")
    assert summary["Median time to resolve (business hours)"] == ("hours", "3.50")
    assert summary["Satisfaction"] == ("average score", "3.50")
    days = [row for row in rows if row[0] == "Requests raised: Requests raised and resolved each day"]
    assert ["Requests raised: Requests raised and resolved each day", "25 Nov", "Raised", "3"] in days
    assert len(days) == 60  # raised and resolved for each of 30 days

    page = render(doc, "html").decode()
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "the page fetches nothing"
    assert '<svg role="img" aria-labelledby="chart-1-title chart-1-desc"' in page
    assert "<dt>Resolved within target</dt><dd>3 of 4 (75%)</dd>" in page
    assert '<th scope="row">25 Nov</th><td>3</td><td>3</td>' in page  # the chart's numbers beside it

    md = render(doc, "md").decode()
    assert md.startswith("# Service desk report: November 2019\n")
    assert "| P3 | 3d | 3 | 2 | 67% |" in md

    pdf = render(doc, "pdf")
    assert pdf.startswith(b"%PDF-") and b"Service desk report" in pdf


async def test_user_text_cannot_break_out_of_the_report():
    from handlers.report_doc import Document, Figure, Section, Table

    doc = Document(
        title="<script>alert(1)</script>",
        subtitle="a | b",
        figures=(Figure("x", "*bold*"),),
        sections=(Section("s", tables=(Table("t", ("a", "b"), (("=SUM(A1)", "<b>"),)),)),),
    )
    page = render(doc, "html").decode()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "\\*bold\\*" in render(doc, "md").decode()
    assert "'=SUM(A1)" in render(doc, "csv").decode("utf-8-sig")
    assert render(doc, "pdf").startswith(b"%PDF-")
