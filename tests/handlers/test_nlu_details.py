"""The details the understanding step finds in a message, as people write them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.nlu import understand
from handlers.nlu.details import (
    action_refs,
    councils_and_places,
    dates,
    percentages,
    rag_words,
    statuses,
    ticket_refs,
    urgency_words,
)
from storage import TicketRef

#: A Monday.
TODAY = date(2021, 3, 1)


@pytest.mark.parametrize(
    "typed", ["ICT-12", "ict-12", "ict 12", "ict12", "ICT012", "#12", "ticket 12", "request no 12", "call #12"]
)
def test_a_request_reference_in_any_spelling(typed):
    assert ticket_refs(f"any news on {typed}? thanks") == (TicketRef(12),)


def test_request_references_in_order_each_once_and_not_years():
    assert ticket_refs("ICT-7 and ict 9, also ticket 7") == (TicketRef(7), TicketRef(9))
    assert ticket_refs("the ICT 2019-2024 strategy") == ()
    assert ticket_refs("no reference here, just 12 people") == ()


@pytest.mark.parametrize("typed", ["RS-05", "rs-05", "RS-5", "rs05", "rs5", "rs 5", "Rs 05"])
def test_an_action_reference_in_any_spelling(typed):
    assert action_refs(f"{typed} is now at 40%") == ("RS-05",)


def test_action_references_are_not_english_or_requests():
    assert action_refs("meeting in 10 mins, in 3 days") == ()
    assert action_refs("IN-03 and IN3 are late") == ("IN-03",)
    assert action_refs("ICT-12 is a request, GOV-12 an action of a council's own theme") == ("GOV-12",)
    assert action_refs("wf2 and DS-01") == ("WF-02", "DS-01")


def test_percentages_rag_and_statuses():
    assert percentages("40% now, was 20 per cent, aiming for 90 percent, 75pc") == (40, 20, 90, 75)
    assert percentages("150% sure") == ()
    assert rag_words("Amber, was green") == ("amber", "green")
    assert statuses("on hold until April") == ("blocked",)
    assert statuses("done and dusted") == ("complete",)
    assert statuses("unblocked now, on track") == ("in progress",)


def test_councils_from_their_names_abbreviations_and_places():
    assert councils_and_places("for SBC and TWBC") == (("Swale", "Tunbridge Wells"), ())
    assert councils_and_places("Maidstone Borough Council") == (("Maidstone",), ())
    assert councils_and_places("nobody in Swale House can print") == (("Swale",), ("Swale House",))
    assert councils_and_places("at Sheerness, then the Town Hall") == (
        ("Swale", "Tunbridge Wells"),
        ("Sheerness", "the Town Hall"),
    )
    assert councils_and_places("working from home") == ((), ())


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("by Friday", date(2021, 3, 5)),
        ("on Monday", date(2021, 3, 8)),  # today is Monday: the next one
        ("end of March", date(2021, 3, 31)),
        ("end of February", date(2022, 2, 28)),  # passed this year: next year's
        ("end of the month", date(2021, 3, 31)),
        ("end of next month", date(2021, 4, 30)),
        ("30/06", date(2021, 6, 30)),
        ("15/01", date(2022, 1, 15)),
        ("31/03/2021", date(2021, 3, 31)),
        ("2021-06-30", date(2021, 6, 30)),
        ("15th of May", date(2021, 5, 15)),
        ("tomorrow", date(2021, 3, 2)),
        ("next week", date(2021, 3, 8)),
    ],
)
def test_dates_relative_to_today(typed, meant):
    assert dates(f"should be finished {typed} hopefully", TODAY) == (meant,)


def test_impossible_dates_are_no_dates():
    assert dates("31/02 or 45/13", TODAY) == ()


def test_urgency_words():
    assert urgency_words("urgent, meeting with the chief exec in 10 mins") == ("urgent", "chief exec", "in 10 mins")
    assert urgency_words("nobody in Swale House can print") == ("nobody",)
    assert urgency_words("not urgent, no rush") == ("not urgent", "no rush")


def test_an_interpretation_carries_them_all():
    seen = understand("Priya here, RS-05 is now at 40% amber for SBC, should be done by Friday", today=TODAY)
    assert seen.intent == "progress_update"
    assert seen.details.action_refs == ("RS-05",)
    assert seen.details.percentages == (40,)
    assert seen.details.rag == ("amber",)
    assert seen.details.councils == ("Swale",)
    assert seen.details.dates == (date(2021, 3, 5),)
    assert seen.as_dict()["dates"] == ["2021-03-05"]


def test_forwarded_headers_are_not_read_as_details():
    seen = understand(
        "is this real?\n-----Original Message-----\nFrom: Tom <tom@swale.gov.uk>\nSent: 03/03/2021 09:14\n"
        "Subject: Invoice 4471\n\nclick here to pay",
        today=TODAY,
    )
    assert seen.details.dates == ()
    assert seen.details.councils == ()


@given(st.text(max_size=300))
def test_any_text_gets_an_interpretation(text):
    seen = understand(text, today=TODAY)
    assert 0.0 <= seen.confidence <= 1.0
    assert seen.alternatives[0] == (seen.intent, seen.confidence)
