"""Request references, user keys and emails: parsed one way, formatted one way."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage import InvalidInput, TicketRef, user_key
from storage.refs import email_key


@pytest.mark.parametrize(
    "typed", ["ICT-42", "ict-42", "Ict-42", "ict 42", "ICT  42", "ICT42", "ict42", "#42", "42", "  ICT-42 ", "ICT-0042"]
)
def test_every_way_of_typing_a_reference_reads_as_the_same_request(typed):
    assert TicketRef.parse(typed) == TicketRef(42)
    assert str(TicketRef.parse(typed)) == "ICT-42"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "ICT",
        "ICT-",
        "#",
        "ICT-0",
        "0",
        "-42",
        "ICT--42",
        "ICT-42a",
        "42.0",
        "ICT-1234567890",  # more than nine digits
        "ICT #42",
        "#ICT-42",
        "RS-03",
        "٤٢",  # digits, but not ASCII ones
        "ICT-42 and more",
    ],
)
def test_anything_else_is_invalid_input_naming_what_was_typed(typed):
    with pytest.raises(InvalidInput) as error:
        TicketRef.parse(typed)
    assert (error.value.field, error.value.code, error.value.value) == ("ref", "malformed", typed)


def test_a_reference_is_a_value_formatted_one_way():
    assert TicketRef(7) == TicketRef.parse("#7") and hash(TicketRef(7)) == hash(TicketRef.parse("ict 7"))
    assert sorted([TicketRef(10), TicketRef(9)]) == [TicketRef(9), TicketRef(10)]
    assert f"ticket {TicketRef(42)}" == "ticket ICT-42" and TicketRef.SHAPE == "ICT-N"
    assert TicketRef.parse(TicketRef(5)) == TicketRef(5)
    for bad in (0, -1, 1_000_000_000, True):
        with pytest.raises(InvalidInput):
            TicketRef(bad)


@pytest.mark.parametrize(
    ("typed", "ref", "rest"),
    [
        ("ICT-42 Reset the VPN profile", 42, "Reset the VPN profile"),
        ("ict 42 Reset it", 42, "Reset it"),
        ("  #7   P2 ", 7, "P2"),
        ("12", 12, ""),
        ("ICT-5\nSecond line", 5, "Second line"),
        ("42 3 people affected", 42, "3 people affected"),
    ],
)
def test_split_reads_a_reference_at_the_start_and_keeps_the_rest(typed, ref, rest):
    assert TicketRef.split(typed) == (TicketRef(ref), rest)


@pytest.mark.parametrize(
    ("typed", "first"), [("ICT-42x note", "ICT-42x"), ("printer broken", "printer"), ("ict", "ict")]
)
def test_split_refuses_a_text_that_does_not_start_with_a_reference(typed, first):
    with pytest.raises(InvalidInput) as error:
        TicketRef.split(typed)
    assert error.value.value == first


@given(st.integers(min_value=1, max_value=999_999_999), st.sampled_from(["ICT-", "ict-", "ict ", "ICT", "#", ""]))
def test_formatting_then_parsing_gives_the_same_reference(number, prefix):
    assert TicketRef.parse(str(TicketRef(number))) == TicketRef(number)
    assert TicketRef.parse(f"{prefix}{number}") == TicketRef(number)


@given(st.text(max_size=20))
def test_parsing_any_text_gives_a_reference_or_invalid_input(text):
    try:
        ref = TicketRef.parse(text)
    except InvalidInput:
        return
    assert TicketRef.parse(str(ref)) == ref


def test_user_keys_and_emails_are_normalised():
    assert user_key(" Local:Alex ") == "local:alex"
    assert user_key("slack:U012AB3CD") == "slack:U012AB3CD"
    for bad in ("nocolon", "irc:alex", "local:", "local:a b"):
        with pytest.raises(InvalidInput) as error:
            user_key(bad)
        assert (error.value.field, error.value.code, error.value.value) == ("user_key", "malformed", bad)
    assert email_key("  Pat@Swale.gov.uk ") == "pat@swale.gov.uk" and email_key("  ") is None
