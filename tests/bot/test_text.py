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
