"""New requests written together (group commit), and one request per submission key."""

from __future__ import annotations

import asyncio

import pytest

from storage import NotFound, Store
from storage.records import Origin

HERE = Origin(platform="local", conversation="local:test")


@pytest.fixture
async def desk(engine) -> Store:
    store = Store(engine, notify_channels=("slack",))
    for n in range(5):
        await store.ensure_user(f"local:p{n}", f"Person {n}")
    return store


async def test_a_burst_of_requests_each_gets_its_own_number_event_and_triage_notice(desk: Store):
    made = await asyncio.gather(
        *(desk.create_ticket(f"local:p{n % 5}", summary=f"VPN drops, case {n}", origin=HERE) for n in range(40))
    )
    assert len({t.number for t in made}) == 40
    assert [t.summary for t in made] == [f"VPN drops, case {n}" for n in range(40)]
    assert all(t.requester_name == f"Person {n % 5}" for n, t in enumerate(made))
    for t in made:
        stored = await desk.get_ticket(t.ref, t.requester_key)
        assert [e.kind for e in stored.events] == ["created"]
        assert [(k, ch, state) for k, ch, state, _ in await desk.notification_states(t.ref)] == [
            ("new_request", "slack", "pending")
        ]


async def test_an_unknown_requester_fails_alone_and_the_others_are_saved(desk: Store):
    results = await asyncio.gather(
        desk.create_ticket("local:p1", summary="Printer jammed", origin=HERE),
        desk.create_ticket("local:nobody", summary="Who am I", origin=HERE),
        desk.create_ticket("local:p2", summary="Screen flickers", origin=HERE),
        return_exceptions=True,
    )
    assert isinstance(results[1], NotFound)
    assert [r.summary for r in (results[0], results[2])] == ["Printer jammed", "Screen flickers"]
    assert [t.summary for t in await desk.my_tickets("local:p1")] == ["Printer jammed"]
    assert [t.summary for t in await desk.my_tickets("local:p2")] == ["Screen flickers"]


async def test_the_same_submission_raises_one_request_however_often_and_however_close(desk: Store):
    first = await desk.create_ticket("local:p1", summary="Dock not charging", origin=HERE, submission_key="k-1")
    again = await desk.create_ticket("local:p1", summary="Dock not charging", origin=HERE, submission_key="k-1")
    at_once = await asyncio.gather(
        *(desk.create_ticket("local:p1", summary="Mouse dead", origin=HERE, submission_key="k-2") for _ in range(5))
    )
    other = await desk.create_ticket("local:p1", summary="Dock not charging", origin=HERE, submission_key="k-3")
    assert again.number == first.number
    assert len({t.number for t in at_once}) == 1 and at_once[0].number != first.number
    assert other.number not in (first.number, at_once[0].number)
    assert len(await desk.my_tickets("local:p1")) == 3
    assert len(await desk.notification_states(first.ref)) == 1  # one triage notice, not one per attempt
    assert len(await desk.notification_states(at_once[0].ref)) == 1
