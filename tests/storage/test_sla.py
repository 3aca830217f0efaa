"""SLA clocks in business hours (08:30-17:00 Europe/London, England and Wales bank holidays off), paused while
a request waits on the requester (targets and hours from settings: tests/bot/test_sla_settings.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import SlaPolicy, Store
from storage.records import Origin

POLICY = SlaPolicy()
HERE = Origin(platform="local", conversation="local:rob")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_p2_raised_on_friday_at_four_is_due_on_monday_at_half_past_three():
    friday = utc(2020, 11, 13, 16, 0)  # GMT: local time is UTC
    assert POLICY.due(friday, "P2") == utc(2020, 11, 16, 15, 30)


def test_weekends_bank_holidays_and_summer_time_are_counted_as_people_work():
    # Thursday 24 December 2020, 16:00 GMT: Christmas, Boxing Day (moved to Monday 28) and the weekend are off.
    assert POLICY.due(utc(2020, 12, 24, 16, 0), "P2") == utc(2020, 12, 29, 15, 30)
    # In British Summer Time the desk opens at 07:30 UTC.
    assert POLICY.due(utc(2021, 6, 1, 7, 0), "P1") == utc(2021, 6, 1, 11, 30)
    # Raised in the evening: the clock starts when the desk opens.
    assert POLICY.due(utc(2020, 11, 16, 19, 0), "P1") == utc(2020, 11, 17, 12, 30)
    # Three working days of 8.5 hours.
    assert POLICY.target("P3") == timedelta(hours=25.5)


def test_business_time_between_two_moments():
    assert POLICY.between(utc(2020, 11, 13, 16, 0), utc(2020, 11, 16, 9, 30), "P2") == timedelta(hours=2)
    assert POLICY.between(utc(2020, 11, 14, 10, 0), utc(2020, 11, 15, 10, 0), "P2") == timedelta()


def test_a_priority_may_run_around_the_clock():
    policy = SlaPolicy(all_hours=frozenset({"P1"}))
    assert policy.due(utc(2020, 11, 13, 16, 0), "P1") == utc(2020, 11, 13, 20, 0)
    assert policy.due(utc(2020, 11, 13, 16, 0), "P2") == utc(2020, 11, 16, 15, 30)


async def test_waiting_on_the_requester_stops_the_clock_and_their_answer_starts_it(store: Store):
    await store.ensure_user("local:rob", "Rob")
    await store.set_role("local:alex", "agent", True, display_name="Alex")
    monday = utc(2020, 11, 16, 9, 0)
    t = await store.create_ticket("local:rob", summary="VPN drops", priority="P2", origin=HERE, now=monday)
    assert t.sla_due == utc(2020, 11, 16, 17, 0)
    t = await store.set_ticket_waiting(t.ref, "local:alex", "Which Wi-Fi?", now=monday + timedelta(hours=1))
    assert t.sla_state(utc(2020, 11, 17, 9, 0)) == "paused"
    t = await store.add_comment(t.ref, "local:rob", "Home", now=utc(2020, 11, 17, 10, 0))  # Tuesday 10:00
    # 7 business hours were left at 10:00 on Monday; they run from 10:00 on Tuesday.
    assert (t.status, t.sla_due) == ("new", utc(2020, 11, 17, 17, 0))
    assert t.sla_state(utc(2020, 11, 17, 12, 0)) == "on track"
    assert t.sla_state(utc(2020, 11, 17, 15, 0)) == "at risk"  # three quarters of 8 business hours used
    assert t.sla_state(utc(2020, 11, 17, 17, 1)) == "breached"
    t = await store.set_ticket_priority(t.ref, "local:alex", "P1", now=utc(2020, 11, 17, 11, 0))
    # 4 hours from Monday 09:00 plus the 8.5 hours it waited: Tuesday 13:00.
    assert t.sla_due == utc(2020, 11, 17, 13, 0)


async def test_the_queue_is_in_order_of_time_left_with_those_waiting_last(store: Store):
    await store.ensure_user("local:rob", "Rob")
    await store.set_role("local:alex", "agent", True, display_name="Alex")
    monday = utc(2020, 11, 16, 9, 0)
    p4 = await store.create_ticket("local:rob", summary="New mouse", priority="P4", origin=HERE, now=monday)
    p3 = await store.create_ticket(
        "local:rob", summary="Printer", priority="P3", origin=HERE, now=monday - timedelta(days=7)
    )
    p1 = await store.create_ticket("local:rob", summary="Server down", priority="P1", origin=HERE, now=monday)
    waiting = await store.create_ticket(
        "local:rob", summary="VPN", priority="P1", origin=HERE, now=monday - timedelta(hours=1)
    )
    await store.set_ticket_waiting(waiting.ref, "local:alex", "Which Wi-Fi?", now=monday)
    rows, total = await store.queue("local:alex")
    assert [t.ref for t in rows] == [p3.ref, p1.ref, p4.ref, waiting.ref] and total == 4
