"""clean_text: what may reach storage from outside text (plan files, chat)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.text import clean_text

C0 = [chr(c) for c in range(0x00, 0x20) if chr(c) not in "\n\t\r"]
C1 = [chr(c) for c in range(0x80, 0xA0)]
BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
FORBIDDEN = {*C0, "\x7f", *C1, *BIDI}


@pytest.mark.parametrize("char", [*C0, "\x7f", *C1, *BIDI], ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("multiline", [True, False])
def test_control_and_bidi_characters_are_removed(char, multiline):
    assert clean_text(f"Fire{char}walls{char}", multiline=multiline) == "Firewalls"


def test_multiline_text_keeps_newlines_and_tabs_and_unifies_line_breaks():
    assert clean_text("one\r\ntwo\rthree\n\tfour", multiline=True) == "one\ntwo\nthree\n\tfour"


def test_single_line_text_turns_line_breaks_and_tabs_into_spaces():
    assert clean_text("one\r\ntwo\rthree\n\tfour", multiline=False) == "one two three  four"


def test_everything_else_is_left_alone():
    text = "  Zoë O'Neill — ‘quoted’, 50%, ✓, 中文, עברית, \u00a0non-breaking, emoji 🙂  "
    assert clean_text(text, multiline=True) == text
    assert clean_text(text, multiline=False) == text


@given(st.text(), st.booleans())
def test_no_control_or_bidi_character_survives_and_cleaning_twice_changes_nothing(text, multiline):
    cleaned = clean_text(text, multiline=multiline)

    assert not FORBIDDEN & set(cleaned)
    assert "\r" not in cleaned
    assert multiline or not {"\n", "\t"} & set(cleaned)
    assert clean_text(cleaned, multiline=multiline) == cleaned
