"""The parser: every way people address the bot reaches the same command."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.commands import ALL_COMMANDS
from handlers.nlu import guess
from handlers.parser import normalise
from handlers.vocabulary import EXPLICIT_REQUEST, theme_for_word


@pytest.mark.parametrize(
    "typed",
    [
        "/ict status",
        "ict status",
        "status",
        "STATUS",
        "  Status  ",
        "<@U012AB3CD> status",
        "<@U012AB3CD|ictbot> ict status",
        "<at>ICT Assistant</at> status",
        "@ICT status",
        "@ICT Assistant /ict status",
        "/ICT   status",
        "ict\u00a0status",
    ],
)
def test_status_reaches_status(typed):
    parsed = ALL_COMMANDS.parse(typed)
    assert parsed.verb == "status" and parsed.rest == ""


def test_arguments_keep_their_text():
    parsed = ALL_COMMANDS.parse("/ict update RS-03 60 amber Firewall  <b>slipped</b>")
    assert parsed.verb == "update"
    assert parsed.rest == "RS-03 60 amber Firewall  <b>slipped</b>"


def test_unknown_first_word_is_not_a_command():
    parsed = ALL_COMMANDS.parse("my vpn keeps dropping")
    assert parsed.verb is None and parsed.text == "my vpn keeps dropping" and parsed.first_word == "my"


@pytest.mark.parametrize(("typo", "command"), [("staus", "status"), ("tickts", "tickets"), ("qeueu", "queue")])
def test_closest_command(typo, command):
    assert ALL_COMMANDS.closest(typo).name == command


def test_no_suggestion_for_nonsense():
    assert ALL_COMMANDS.closest("xyzzy") is None


@pytest.mark.parametrize(
    ("word", "code"),
    [("cyber", "RS"), ("GDPR", "IM"), ("workforce", "WF"), ("digital", "DS"), ("innovation", "IN"), ("wf", "WF")],
)
def test_theme_words(word, code):
    assert theme_for_word(word) == code


@pytest.mark.parametrize(
    ("text", "category", "priority"),
    [
        ("I forgot my password", "access", "P3"),
        ("locked out of my account", "access", "P3"),
        ("VPN keeps dropping", "network", "P3"),
        ("no wifi on floor 2", "network", "P3"),
        ("laptop screen is cracked", "hardware", "P3"),
        ("printer on floor 2 is jammed", "hardware", "P3"),
        ("I clicked a link in a phishing email", "security incident", "P1"),
        ("virus warning popped up", "security incident", "P1"),
        ("the whole office has no internet", "network", "P2"),
        ("Excel crashes when I open the budget", "software", "P3"),
        ("something odd", "other", "P3"),
        ("Teams calls keep cutting out", "telephony", "P3"),
        ("urgent, meeting with the chief exec in 10 mins, laptop dead", "hardware", "P2"),
        ("nobody in Swale House can print", "hardware", "P2"),
        ("no rush, my second monitor flickers", "hardware", "P4"),
    ],
)
def test_category_guess(text, category, priority):
    assert guess(text) == (category, priority)


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("raise a ticket: printer on floor 2 is jammed", "printer on floor 2 is jammed"),
        ("Raise a ticket printer jammed", "printer jammed"),
        ("please log a call about my monitor", "my monitor"),
        ("open a new request for a headset", "a headset"),
    ],
)
def test_explicit_requests(text, body):
    m = EXPLICIT_REQUEST.match(text)
    assert m is not None and m["text"] == body


@given(st.text(max_size=300))
def test_parse_never_raises(text):
    parsed = ALL_COMMANDS.parse(text)
    assert parsed.text == normalise(text)
