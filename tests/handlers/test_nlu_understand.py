"""What the understanding step makes of the messages of issue 9's table, and of typos."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.nlu import explained, understand

TODAY = date(2021, 3, 1)


@pytest.mark.parametrize(
    ("text", "intent", "category", "priority"),
    [
        ("I clicked a link in a dodgy email", "security_incident", "security incident", "P1"),
        ("how is the strategy going?", "status", None, None),
        ("any update on my ticket?", "ask_my_requests", None, None),
        ("RS-05 is now at 40%", "progress_update", None, None),
        ("Priya here, RS-05 is now at 40%", "progress_update", None, None),
        ("thanks", "thanks", None, None),
        ("ict-1", "ticket", None, None),
        ("nobody in Swale House can print", "report_problem", "hardware", "P2"),
        ("Teams calls keep cutting out", "report_problem", "telephony", "P3"),
        ("urgent, meeting with the chief exec in 10 mins, laptop dead", "report_problem", "hardware", "P2"),
    ],
)
def test_the_issue_table(text, intent, category, priority):
    seen = understand(text, today=TODAY)
    assert (seen.intent, seen.category, seen.priority) == (intent, category, priority)
    assert seen.confidence >= 0.7


def test_slips_of_the_keyboard_are_put_right():
    assert understand("my pasword has expried", today=TODAY).category == "access"
    assert understand("the pritner is jamed", today=TODAY).category == "hardware"
    assert understand("I think Ive been phsihed", today=TODAY).intent == "security_incident"


def test_words_close_to_a_known_one_are_not_changed_into_it():
    # 'house' is not 'mouse', 'town hall' not 'down call'
    assert understand("the weather is awful at the town hall", today=TODAY).intent == "unknown"
    assert understand("calendar invites missing, I'm at Maidstone House", today=TODAY).category == "email"


def test_nonsense_is_unknown_and_says_so_with_the_runners_up():
    seen = understand("asdf qwerty", today=TODAY)
    assert seen.intent == "unknown"
    assert explained(seen)[0].startswith("intent: unknown (1.00)")


def test_a_problem_the_words_do_not_place_is_other_at_p3():
    seen = understand("I need some advice about which kit to order for a new team", today=TODAY)
    assert (seen.intent, seen.category, seen.priority) == ("report_problem", "other", "P3")


def test_no_rush_is_p4():
    assert understand("no rush but my monitor flickers", today=TODAY).priority == "P4"
