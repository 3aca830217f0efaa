"""The plain-text renderer (the console, logs and text-only channels)."""

from __future__ import annotations

import re

from bot.text import render_text
from handlers import Item, Reply


def test_rag_is_a_word_in_the_console():
    items = tuple(Item(f"RS-0{n}", rag=rag) for n, rag in enumerate(("red", "amber", "green", None)))
    assert render_text(Reply(text="", items=items)).splitlines() == [
        "[Red] RS-00",
        "[Amber] RS-01",
        "[Green] RS-02",
        "- RS-03",
    ]


async def test_the_status_of_the_plan_says_each_themes_rag_in_words(admin):
    shown = await admin.say("status")
    marks = re.findall(r"^\[(\w+)\] ", shown, re.MULTILINE)
    assert marks and set(marks) <= {"Red", "Amber", "Green"}


def test_the_fallback_is_the_sentence_and_the_facts_without_the_consoles_layout():
    from bot.text import fallback, preview
    from handlers import Button, Field

    reply = Reply(
        title="Resolved",
        text="ICT-42 \u201cScreen flickers\u201d is resolved by Alex: Replaced the display cable",
        fields=(Field("Priority", "P3"),),
        items=(Item("RS-03 Firewalls", rag="amber"),),
        buttons=(Button("Assign to me", "assign", "ICT-42"),),
        summary="ICT-42 resolved: Replaced the display cable",
    )
    assert preview(reply) == "ICT-42 resolved: Replaced the display cable"
    assert fallback(reply).splitlines() == [
        "ICT-42 resolved: Replaced the display cable",
        "ICT-42 \u201cScreen flickers\u201d is resolved by Alex: Replaced the display cable",
        "Priority: P3",
        "Amber: RS-03 Firewalls",
    ]
    assert preview(Reply(title="Status", text="x")) == "Status"
    assert preview(Reply(text="\n  first line\nsecond")) == "first line"
    assert preview(Reply(text="")) == ""
