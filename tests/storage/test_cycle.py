"""The strategy cycle in storage: Board dates, working days, claims on job runs, and who is told what."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from storage import InvalidInput, NotFound, PermissionDenied, Store
from storage.board import parse_day
from storage.cycle import CycleConfig
from storage.schedule import due_on, is_working_day, working_days_before
from tests.cycle_plan import BOARD, CHECKIN_DUE, IMPORTED, PREVIOUS_BOARD, REMINDER_DUE, load_cycle_plan

CONFIG = CycleConfig(strategy_channels=("slack",))


@pytest.fixture
async def cycle_store(store: Store) -> Store:
    await load_cycle_plan(store)
    return store


async def _notices(store: Store, channels=("local", "slack")):
    return await store.due_notifications(list(channels), now=datetime(2030, 1, 1, tzinfo=UTC), limit=500)


async def _run(store: Store, job: str, due_at: datetime, *, worker: str = "w1", config: CycleConfig = CONFIG):
    if not await store.claim_job(job, due_at, worker=worker, now=due_at):
        return None
    return await store.complete_job(job, due_at, worker=worker, config=config, now=due_at)


# ------------------------------------------------------------ working days


def test_ten_working_days_before_a_board_skip_christmas_boxing_day_and_new_year():
    assert not is_working_day(date(2020, 12, 25))
    assert not is_working_day(date(2020, 12, 28))  # Boxing Day (substitute day)
    assert not is_working_day(date(2021, 1, 1))
    assert not is_working_day(date(2021, 1, 2))  # a Saturday
    assert is_working_day(date(2020, 12, 29))
    assert working_days_before(BOARD, 10) == date(2020, 12, 17)
    assert working_days_before(BOARD, 3) == date(2020, 12, 30)
    assert working_days_before(date(2021, 6, 15), 0) == date(2021, 6, 15)


def test_nine_o_clock_is_local_time_in_winter_and_summer():
    assert due_on(date(2020, 12, 17)) == CHECKIN_DUE
    assert due_on(date(2021, 6, 1)) == datetime(2021, 6, 1, 8, 0, tzinfo=UTC)  # 09:00 BST


# ------------------------------------------------------------ Board meetings


async def test_board_meetings_are_listed_in_order_and_adding_a_date_twice_says_so(store: Store):
    first, added = await store.add_board_meeting(date(2021, 3, 16), actor_key=None, note="Spring", now=IMPORTED)
    assert added and first.note == "Spring" and first.added_by == "command line"
    again, added_again = await store.add_board_meeting(date(2021, 3, 16), actor_key=None, note="Other", now=IMPORTED)
    assert not added_again and again.note == "Spring"
    await store.add_board_meeting(date(2021, 1, 5), actor_key=None, now=IMPORTED)
    assert [b.on for b in await store.list_board_meetings()] == [date(2021, 1, 5), date(2021, 3, 16)]
    assert (await store.next_board_meeting(date(2021, 1, 6))).on == date(2021, 3, 16)
    assert (await store.next_board_meeting(date(2021, 1, 5))).on == date(2021, 1, 5)
    assert (await store.last_board_meeting(date(2021, 1, 6))).on == date(2021, 1, 5)
    assert await store.last_board_meeting(date(2021, 1, 5)) is None
    assert await store.next_board_meeting(date(2021, 3, 17)) is None
    gone = await store.remove_board_meeting(date(2021, 1, 5), actor_key=None)
    assert gone.on == date(2021, 1, 5)
    with pytest.raises(NotFound):
        await store.remove_board_meeting(date(2021, 1, 5), actor_key=None)


async def test_only_admins_change_board_meetings(store: Store):
    await store.ensure_user("local:eve", "Eve")
    with pytest.raises(PermissionDenied) as refused:
        await store.add_board_meeting(date(2021, 3, 16), actor_key="local:eve", now=IMPORTED)
    assert refused.value.attempt == "change_board"
    assert await store.list_board_meetings() == []
    await store.set_role("local:ada", "admin", True, display_name="Ada")
    made, _ = await store.add_board_meeting(date(2021, 3, 16), actor_key="local:ada", now=IMPORTED)
    assert made.added_by == "local:ada"
    with pytest.raises(PermissionDenied):
        await store.remove_board_meeting(date(2021, 3, 16), actor_key="local:eve")


def test_board_dates_are_read_as_iso_or_uk():
    assert parse_day("2021-03-15") == parse_day("15/03/2021") == date(2021, 3, 15)
    with pytest.raises(InvalidInput) as bad:
        parse_day("next Tuesday")
    assert (bad.value.field, bad.value.code) == ("date", "malformed")
    with pytest.raises(InvalidInput):
        parse_day("31/02/2021")


# ------------------------------------------------------------ claims


async def test_a_due_time_is_claimed_once(cycle_store: Store):
    assert await cycle_store.claim_job("checkin", CHECKIN_DUE, worker="w1", now=CHECKIN_DUE)
    assert not await cycle_store.claim_job("checkin", CHECKIN_DUE, worker="w2", now=CHECKIN_DUE)
    done = await cycle_store.complete_job("checkin", CHECKIN_DUE, worker="w1", config=CONFIG, now=CHECKIN_DUE)
    assert done.state == "done" and done.outcome["notices"] == 2  # Jane and Sam
    assert not await cycle_store.claim_job("checkin", CHECKIN_DUE, worker="w2", now=CHECKIN_DUE + timedelta(days=1))
    assert len(await _notices(cycle_store)) == 2


async def test_an_expired_running_lease_is_taken_over_and_the_old_claim_writes_nothing(cycle_store: Store):
    assert await cycle_store.claim_job(
        "checkin", CHECKIN_DUE, worker="dead", now=CHECKIN_DUE, lease=timedelta(minutes=1)
    )
    later = CHECKIN_DUE + timedelta(seconds=30)
    assert not await cycle_store.claim_job("checkin", CHECKIN_DUE, worker="w2", now=later)  # lease still holds
    later = CHECKIN_DUE + timedelta(minutes=2)
    assert await cycle_store.claim_job("checkin", CHECKIN_DUE, worker="w2", now=later)
    run = await cycle_store.get_job_run("checkin", CHECKIN_DUE)
    assert (run.state, run.claimed_by) == ("running", "w2")
    # The first process wakes up: its claim is gone, so it writes nothing.
    assert await cycle_store.complete_job("checkin", CHECKIN_DUE, worker="dead", config=CONFIG, now=later) is None
    assert await _notices(cycle_store) == []
    done = await cycle_store.complete_job("checkin", CHECKIN_DUE, worker="w2", config=CONFIG, now=later)
    assert done.state == "done" and len(await _notices(cycle_store)) == 2


async def test_a_skipped_due_time_is_on_record_and_never_runs(cycle_store: Store):
    assert await cycle_store.skip_job("checkin", CHECKIN_DUE, worker="w1", now=CHECKIN_DUE, reason="too old")
    assert not await cycle_store.claim_job("checkin", CHECKIN_DUE, worker="w1", now=CHECKIN_DUE)
    run = await cycle_store.get_job_run("checkin", CHECKIN_DUE)
    assert run.state == "skipped" and run.outcome == {"reason": "too old"}
    assert await _notices(cycle_store) == []


async def test_due_times_come_from_the_board_dates(cycle_store: Store):
    start, end = datetime(2020, 12, 1, tzinfo=UTC), datetime(2021, 1, 31, tzinfo=UTC)
    assert [d for d, _ in await cycle_store.job_due_times("checkin", CONFIG, start, end)] == [CHECKIN_DUE]
    assert [d for d, _ in await cycle_store.job_due_times("reminder", CONFIG, start, end)] == [REMINDER_DUE]
    assert await cycle_store.next_job_due("checkin", CONFIG, start) == CHECKIN_DUE
    assert await cycle_store.next_job_due("checkin", CONFIG, CHECKIN_DUE) is None
    mondays = await cycle_store.job_due_times("stale", CONFIG, start, datetime(2020, 12, 15, tzinfo=UTC))
    assert [d for d, _ in mondays] == [datetime(2020, 12, 7, 9, tzinfo=UTC), datetime(2020, 12, 14, 9, tzinfo=UTC)]


# ------------------------------------------------------------ who is told what


async def test_checkin_asks_each_owner_once_about_their_unreported_open_actions(cycle_store: Store):
    # Sam reported after the previous Board: nothing to ask him.
    await cycle_store.record_action_update(
        "RS-03", "local:sam", progress=20, rag="amber", note="Test date booked", now=datetime(2020, 10, 1, tzinfo=UTC)
    )
    await _run(cycle_store, "checkin", CHECKIN_DUE)
    [notice] = await _notices(cycle_store)
    assert (notice.kind, notice.channel, notice.recipient_key, notice.request_number) == (
        "checkin",
        "local",
        "local:jane",
        None,
    )
    assert notice.payload["board"] == BOARD.isoformat()
    assert [a["ref"] for a in notice.payload["actions"]] == ["RS-01", "WF-01"]  # not RS-02 (complete)
    assert await _run(cycle_store, "checkin", CHECKIN_DUE, worker="w2") is None
    assert len(await _notices(cycle_store)) == 1


async def test_reminder_goes_only_to_owners_still_without_an_update(cycle_store: Store):
    await _run(cycle_store, "checkin", CHECKIN_DUE)
    await cycle_store.record_action_update(
        "RS-03", "local:sam", progress=30, rag="amber", note="Done half", now=CHECKIN_DUE + timedelta(hours=2)
    )
    await cycle_store.record_action_update(
        "RS-01", "local:jane", progress=50, rag="green", note="Ordered", now=CHECKIN_DUE + timedelta(hours=3)
    )
    await _run(cycle_store, "reminder", REMINDER_DUE)
    [reminder] = [n for n in await _notices(cycle_store) if n.kind == "reminder"]
    assert reminder.recipient_key == "local:jane"
    assert [a["ref"] for a in reminder.payload["actions"]] == ["WF-01"]


async def test_stale_actions_are_nudged_one_message_per_owner(cycle_store: Store):
    monday = datetime(2020, 12, 7, 9, tzinfo=UTC)
    await cycle_store.record_action_update(
        "RS-01", "local:jane", progress=50, rag="green", note="Ordered", now=monday - timedelta(days=3)
    )
    await _run(cycle_store, "stale", monday)
    nudges = {n.recipient_key: [a["ref"] for a in n.payload["actions"]] for n in await _notices(cycle_store)}
    assert nudges == {"local:jane": ["WF-01"], "local:sam": ["RS-03"]}
    assert await _run(cycle_store, "stale", monday, worker="w2") is None


async def test_digest_reports_what_turned_red_or_became_overdue_to_the_channel_and_the_leads(cycle_store: Store):
    await cycle_store.set_role("local:lee", "lead", True, display_name="Lee Lead")
    # 1 January: RS-03 (due 31 December) became overdue overnight.
    new_year = datetime(2021, 1, 1, 9, tzinfo=UTC)
    await _run(cycle_store, "digest", new_year)
    sent = await _notices(cycle_store)
    assert {(n.channel, n.recipient_key) for n in sent} == {("slack", None), ("local", "local:lee")}
    assert all(n.kind == "digest" and n.request_number is None for n in sent)
    assert [a["ref"] for a in sent[0].payload["overdue"]] == ["RS-03"]
    assert sent[0].payload["turned"] == []
    assert [a["ref"] for a in sent[0].payload["unreachable"]] == ["RS-04"]
    # 2 January: nothing new, so nothing is sent.
    await _run(cycle_store, "digest", new_year + timedelta(days=1))
    assert len(await _notices(cycle_store)) == 2
    # 5 January: Sam turned RS-03 red the day before.
    await cycle_store.record_action_update(
        "RS-03",
        "local:sam",
        progress=30,
        rag="red",
        note="Supplier let us down",
        now=datetime(2021, 1, 4, 15, tzinfo=UTC),
    )
    fifth = datetime(2021, 1, 5, 9, tzinfo=UTC)
    done = await _run(cycle_store, "digest", fifth)
    assert done.outcome["red_or_blocked"] == 1
    latest = [n for n in await _notices(cycle_store) if n.payload["day"] == "2021-01-05"]
    assert len(latest) == 2 and [a["ref"] for a in latest[0].payload["turned"]] == ["RS-03"]
    # Another red update the next day is not news: it was red already.
    await cycle_store.record_action_update(
        "RS-03", "local:sam", progress=35, rag="red", note="Still waiting", now=datetime(2021, 1, 5, 15, tzinfo=UTC)
    )
    done = await _run(cycle_store, "digest", fifth + timedelta(days=1))
    assert done.outcome["notices"] == 0


async def test_previous_board_is_the_threshold_for_who_is_asked(cycle_store: Store):
    assert (await cycle_store.last_board_meeting(BOARD)).on == PREVIOUS_BOARD


async def test_a_run_left_running_too_long_ago_is_recorded_as_skipped(cycle_store: Store):
    assert await cycle_store.claim_job("checkin", CHECKIN_DUE, worker="dead", now=CHECKIN_DUE)
    days_later = CHECKIN_DUE + timedelta(days=3)
    assert await cycle_store.skip_job("checkin", CHECKIN_DUE, worker="w2", now=days_later, reason="too old")
    run = await cycle_store.get_job_run("checkin", CHECKIN_DUE)
    assert (run.state, run.claimed_by, run.outcome) == ("skipped", "w2", {"reason": "too old"})
    assert await cycle_store.complete_job("checkin", CHECKIN_DUE, worker="dead", config=CONFIG, now=days_later) is None
    assert await _notices(cycle_store) == []
