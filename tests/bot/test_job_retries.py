"""A scheduled run that fails writes nothing and is tried again later, after a wait that doubles; one that
keeps failing is recorded as skipped once it is too old to act on. Through the scheduler's runner and the
real store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.jobs import JobRunner
from storage import Store
from storage.cycle import CycleConfig
from tests.cycle_plan import CHECKIN_DUE, load_cycle_plan

CONFIG = CycleConfig(strategy_channels=("slack",))


async def _notices(store: Store):
    return await store.due_notifications(["local", "slack"], now=datetime(2030, 1, 1, tzinfo=UTC), limit=500)


async def test_a_failed_run_is_tried_again_after_a_wait_that_doubles_and_then_sends_once(store: Store):
    await load_cycle_plan(store)
    assert await store.claim_job("checkin", CHECKIN_DUE, worker="w1", now=CHECKIN_DUE)
    assert await store.fail_job("checkin", CHECKIN_DUE, worker="w1", error="OperationalError: gone", now=CHECKIN_DUE)
    run = await store.get_job_run("checkin", CHECKIN_DUE)
    assert (run.state, run.outcome) == ("failed", {"error": "OperationalError: gone", "attempts": 1})
    assert run.lease_until == CHECKIN_DUE + timedelta(minutes=5)
    runner = JobRunner(store, CONFIG, grace=timedelta(hours=36), worker="w2")
    assert await runner.run_due(CHECKIN_DUE + timedelta(minutes=4), ["checkin"]) == []  # still waiting
    second = CHECKIN_DUE + timedelta(minutes=6)
    assert await store.claim_job("checkin", CHECKIN_DUE, worker="w1", now=second)
    assert await store.fail_job("checkin", CHECKIN_DUE, worker="w1", error="again", now=second)
    run = await store.get_job_run("checkin", CHECKIN_DUE)
    assert run.outcome["attempts"] == 2 and run.lease_until == second + timedelta(minutes=10)
    assert await _notices(store) == []  # a failed run wrote nothing

    [report] = await runner.run_due(second + timedelta(minutes=11), ["checkin"])
    assert (report.result, report.notices) == ("sent", 2)
    assert await runner.run_due(second + timedelta(hours=3), ["checkin"]) == []
    assert len(await _notices(store)) == 2


async def test_a_run_that_keeps_failing_is_skipped_once_too_old(store: Store):
    await load_cycle_plan(store)
    assert await store.claim_job("checkin", CHECKIN_DUE, worker="w1", now=CHECKIN_DUE)
    assert await store.fail_job("checkin", CHECKIN_DUE, worker="w1", error="x", now=CHECKIN_DUE)
    runner = JobRunner(store, CONFIG, grace=timedelta(hours=36), worker="w2")
    [report] = await runner.run_due(CHECKIN_DUE + timedelta(hours=37), ["checkin"])
    assert report.result == "skipped"
    assert (await store.get_job_run("checkin", CHECKIN_DUE)).state == "skipped"
    assert await _notices(store) == []
