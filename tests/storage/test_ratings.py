"""The requester's rating of a resolved request ("How did we do?"), on a real, migrated database: who may
rate, when, once per request and changeable for seven days from resolution, and who is told, in the same
transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage import Conflict, InvalidInput, NotFound, PermissionDenied, Store
from storage.ratings import RATING_COMMENT_MAX, RATING_DAYS
from storage.records import Origin

T0 = datetime(2019, 11, 4, 9, 0, tzinfo=UTC)  # a Monday
RESOLVED_AT = T0 + timedelta(hours=3)
HERE = Origin(platform="local", conversation="local:rob")
LATER = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture
async def desk(engine) -> Store:
    """A store whose triage notices go to Slack and Teams; Alex is an agent, Rob and Eve are staff."""
    store = Store(engine, notify_channels=("slack", "teams"))
    await store.set_role("local:alex", "agent", True, display_name="Alex Agent")
    await store.ensure_user("local:rob", "Rob Requester")
    await store.ensure_user("local:eve", "Eve Nosy")
    return store


async def resolved(store: Store, *, assign: bool = True) -> str:
    t = await store.create_ticket("local:rob", summary="VPN drops", origin=HERE, now=T0)
    if assign:
        await store.assign_ticket(t.ref, "local:alex", now=T0 + timedelta(minutes=5))
    await store.resolve_ticket(t.ref, "local:alex", "New VPN profile", now=RESOLVED_AT)
    return t.ref


async def told(store: Store, ref: str) -> list[tuple[str, str, str | None, dict]]:
    """(kind, channel, recipient, payload) of the rating notices about `ref`, oldest first."""
    number = int(ref.split("-")[1])
    due = await store.due_notifications(["local", "slack", "teams"], now=LATER, limit=500)
    return [
        (n.kind, n.channel, n.recipient_key, n.payload)
        for n in due
        if n.request_number == number and n.kind in ("rated", "low_rating")
    ]


async def test_a_low_score_is_kept_told_to_the_assignee_and_to_the_triage_channels(desk: Store):
    ref = await resolved(desk)
    t, changed = await desk.rate_ticket(ref, "local:rob", 2, "took three days", now=RESOLVED_AT + timedelta(hours=1))
    assert changed
    assert (t.rating, t.rating_comment, t.rated_at) == (2, "took three days", RESOLVED_AT + timedelta(hours=1))
    said = {"by": "Rob Requester", "score": 2, "previous": None, "comment": "took three days"}
    assert await told(desk, ref) == [
        ("rated", "local", "local:alex", said),
        ("low_rating", "slack", None, said),
        ("low_rating", "teams", None, said),
    ]
    [event] = [e for e in (await desk.get_ticket(ref, "local:rob")).events if e.kind == "rated"]
    assert (event.actor_key, event.detail) == ("local:rob", {"score": 2, "previous": None, "note": "took three days"})


async def test_a_good_score_reaches_the_assignee_only(desk: Store):
    ref = await resolved(desk)
    await desk.rate_ticket(ref, "local:rob", 4, now=RESOLVED_AT)
    assert [(k, r) for k, _ch, r, _p in await told(desk, ref)] == [("rated", "local:alex")]


async def test_one_rating_per_request_changeable_and_the_same_answer_again_tells_nobody(desk: Store):
    ref = await resolved(desk)
    await desk.rate_ticket(ref, "local:rob", 2, now=RESOLVED_AT)
    t, changed = await desk.rate_ticket(ref, "local:rob", 2, "", now=RESOLVED_AT + timedelta(minutes=1))
    assert not changed and t.rated_at == RESOLVED_AT  # a second click of the same button
    t, changed = await desk.rate_ticket(ref, "local:rob", 2, "took three days", now=RESOLVED_AT + timedelta(minutes=2))
    assert changed and (t.rating, t.rating_comment) == (2, "took three days")
    t, changed = await desk.rate_ticket(ref, "local:rob", 4, now=RESOLVED_AT + timedelta(days=1))
    assert changed and (t.rating, t.rating_comment) == (4, "took three days")  # the comment is kept
    kinds = [(k, ch, p["score"], p["previous"]) for k, ch, _r, p in await told(desk, ref)]
    assert kinds == [
        ("rated", "local", 2, None),
        ("low_rating", "slack", 2, None),
        ("low_rating", "teams", 2, None),
        ("rated", "local", 2, 2),  # the comment added
        ("low_rating", "slack", 2, 2),
        ("low_rating", "teams", 2, 2),
        ("rated", "local", 4, 2),  # changed from a low score: the desk hears that too
        ("low_rating", "slack", 4, 2),
        ("low_rating", "teams", 4, 2),
    ]
    [rating] = await desk.ratings_between(T0, LATER, viewer_key="local:alex")
    assert (rating.ref, rating.score, rating.comment, rating.changes) == (ref, 4, "took three days", 2)
    rated = [e.detail["score"] for e in (await desk.get_ticket(ref, "local:alex")).events if e.kind == "rated"]
    assert rated == [2, 2, 4]


async def test_it_can_be_rated_and_changed_for_seven_days_from_resolution_and_not_after(desk: Store):
    ref = await resolved(desk)
    last = RESOLVED_AT + timedelta(days=RATING_DAYS)
    await desk.rate_ticket(ref, "local:rob", 3, now=last)
    with pytest.raises(Conflict) as late:
        await desk.rate_ticket(ref, "local:rob", 1, now=last + timedelta(seconds=1))
    assert (late.value.code, late.value.ref, late.value.current) == ("rating_too_late", ref, "2019-11-04")
    assert (await desk.get_ticket(ref, "local:rob")).rating == 3
    other = await resolved(desk)
    with pytest.raises(Conflict) as never:  # never rated: the same seven days
        await desk.rate_ticket(other, "local:rob", 5, now=last + timedelta(minutes=1))
    assert never.value.code == "rating_too_late"


async def test_only_the_requester_rates_from_any_of_their_identities(desk: Store):
    ref = await resolved(desk)
    with pytest.raises(NotFound):  # to anyone else the request does not exist
        await desk.rate_ticket(ref, "local:eve", 1, now=RESOLVED_AT)
    with pytest.raises(PermissionDenied) as desk_refused:
        await desk.rate_ticket(ref, "local:alex", 5, now=RESOLVED_AT)
    assert (desk_refused.value.attempt, desk_refused.value.ref) == ("rate_request", ref)
    await desk.set_user_email("local:rob", "rob@maidstone.gov.uk")
    await desk.ensure_user("slack:UROB", "Rob R", email="rob@maidstone.gov.uk")  # Rob in Slack too
    t, changed = await desk.rate_ticket(ref, "slack:UROB", 5, "quick", now=RESOLVED_AT)
    assert changed and t.rating == 5
    assert await told(desk, ref) == [
        ("rated", "local", "local:alex", {"by": "Rob R", "score": 5, "previous": None, "comment": "quick"})
    ]
    assert (await desk.get_ticket(ref, "local:alex")).rating == 5


async def test_only_a_resolved_request_is_rated(desk: Store):
    t = await desk.create_ticket("local:rob", summary="Printer jammed", origin=HERE, now=T0)
    with pytest.raises(Conflict) as still_open:
        await desk.rate_ticket(t.ref, "local:rob", 4, now=T0)
    assert (still_open.value.code, still_open.value.current) == ("rating_while_open", "new")
    await desk.withdraw_ticket(t.ref, "local:rob", "sorted it", now=T0 + timedelta(minutes=1))
    with pytest.raises(Conflict) as withdrawn:
        await desk.rate_ticket(t.ref, "local:rob", 4, now=T0 + timedelta(minutes=2))
    assert (withdrawn.value.code, withdrawn.value.current) == ("rating_withdrawn", "closed")
    ref = await resolved(desk)
    await desk.reopen_ticket(ref, "local:rob", "drops again", now=RESOLVED_AT + timedelta(hours=1))
    with pytest.raises(Conflict) as reopened:
        await desk.rate_ticket(ref, "local:rob", 1, now=RESOLVED_AT + timedelta(hours=2))
    assert reopened.value.code == "rating_while_open"
    assert [x for x in await told(desk, t.ref)] == [] and await told(desk, ref) == []


@pytest.mark.parametrize("score", [0, 6, -1, 9])
async def test_a_score_out_of_range_is_refused_and_nothing_is_written(desk: Store, score):
    ref = await resolved(desk)
    with pytest.raises(InvalidInput) as bad:
        await desk.rate_ticket(ref, "local:rob", score, now=RESOLVED_AT)
    assert (bad.value.field, bad.value.code, bad.value.value) == ("score", "out_of_range", score)
    assert (await desk.get_ticket(ref, "local:rob")).rating is None and await told(desk, ref) == []


async def test_a_comment_too_long_is_refused(desk: Store):
    ref = await resolved(desk)
    with pytest.raises(InvalidInput) as bad:
        await desk.rate_ticket(ref, "local:rob", 3, "x" * (RATING_COMMENT_MAX + 1), now=RESOLVED_AT)
    assert (bad.value.field, bad.value.code) == ("rating_comment", "too_long")


async def test_an_agent_rating_their_own_request_is_not_told_of_it(desk: Store):
    t = await desk.create_ticket("local:alex", summary="My dock is dead", origin=HERE, now=T0)
    await desk.resolve_ticket(t.ref, "local:alex", "Swapped the dock", now=RESOLVED_AT)  # and so its assignee
    await desk.rate_ticket(t.ref, "local:alex", 1, now=RESOLVED_AT)
    assert [(k, ch, r) for k, ch, r, _p in await told(desk, t.ref)] == [
        ("low_rating", "slack", None),
        ("low_rating", "teams", None),
    ]


async def test_ratings_between_two_times_for_the_desk(desk: Store):
    first, second, third = [await resolved(desk) for _ in range(3)]
    await desk.rate_ticket(first, "local:rob", 5, now=RESOLVED_AT + timedelta(hours=1))
    await desk.rate_ticket(second, "local:rob", 2, "slow", now=RESOLVED_AT + timedelta(days=2))
    await desk.rate_ticket(third, "local:rob", 4, now=RESOLVED_AT + timedelta(days=3))
    window = await desk.ratings_between(RESOLVED_AT + timedelta(days=1), RESOLVED_AT + timedelta(days=3))
    assert [(r.ref, r.score, r.comment, r.assignee_name) for r in window] == [(second, 2, "slow", "Alex Agent")]
    assert [r.ref for r in await desk.ratings_between(T0, LATER, viewer_key="local:alex")] == [first, second, third]
    with pytest.raises(PermissionDenied) as refused:
        await desk.ratings_between(T0, LATER, viewer_key="local:rob")
    assert refused.value.attempt == "view_ratings"


async def test_the_database_refuses_a_score_out_of_range(desk: Store):
    ref = await resolved(desk)
    number = int(ref.split("-")[1])
    with pytest.raises(IntegrityError):
        async with desk.engine.begin() as conn:
            await conn.execute(text("UPDATE support_requests SET rating = 6 WHERE id = :n"), {"n": number})
