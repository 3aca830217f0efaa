"""Text is cleaned once on the way in: no NUL, control or bidi override characters are stored."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from storage.text import clean_text

UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


async def test_nul_and_escape_sequences_in_a_request_are_stored_clean(person, seeded_store):
    """PostgreSQL refuses NUL ("Sorry, something went wrong") and SQLite stores it: both now store the same."""
    rob = person("Rob")
    reply = await rob.say("support printer\x00 shows \x1b[31mERROR\x1b[0m\r\nin red \u202eevil\u202c")
    assert rob.last.status == "ok", reply
    [ticket] = await seeded_store.my_tickets("local:rob")
    assert ticket.description == "printer shows [31mERROR[0m\nin red evil"
    assert ticket.summary == "printer shows [31mERROR[0m"


async def test_form_values_are_cleaned_too(person, assistant, seeded_store):
    rob = person("Rob")
    values = {"summary": "VPN\x00 drops\x07", "description": "Every\x1b[2J few\tminutes\nsince Monday\u2066"}
    outcome = await assistant.submit_form("support", values, rob.sender, rob.origin)
    assert outcome.status == "ok"
    [ticket] = await seeded_store.my_tickets("local:rob")
    assert (ticket.summary, ticket.description) == ("VPN drops", "Every[2J few\tminutes\nsince Monday")


def test_single_line_text_has_its_breaks_made_spaces():
    assert clean_text("a\r\nb\tc\x00", multiline=False) == "a b c"
    assert clean_text("a\r\nb\tc\x00", multiline=True) == "a\nb\tc"


@given(st.text())
def test_nothing_unwanted_survives(text):
    cleaned = clean_text(text, multiline=True)
    assert not UNWANTED.search(cleaned)
    assert clean_text(cleaned, multiline=True) == cleaned
