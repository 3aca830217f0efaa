"""`ictbot serve` runs the strategy cycle's jobs by itself, on the real clock, through database claims."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient, TestServer

from bot.jobs import cycle_config
from bot.runtime import build_runtime
from bot.server import create_app
from bot.settings import Settings
from storage.schedule import daily


async def test_the_server_runs_the_latest_digest_and_records_the_older_due_times_as_skipped(tmp_path):
    settings = Settings(
        _env_file=None,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'jobs.db'}",
        ICTBOT_TEAMS_ENABLED=False,
        ICTBOT_JOBS_INTERVAL_SECONDS=0.05,
    )
    runtime = await build_runtime(settings)
    try:
        async with TestClient(TestServer(create_app(settings, runtime=runtime, setups=[]))):
            for _ in range(400):  # wait for the scheduler's first pass (no timing is asserted)
                runs = await runtime.store.last_job_runs()
                if "digest" in runs and "stale" in runs:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)  # a few more passes, which must find nothing left to do
        now = datetime.now(UTC)
        latest = max(daily(now - timedelta(days=2), now))
        run = await runtime.store.get_job_run("digest", latest)
        assert run is not None and run.state == "done"  # within the grace window: run, not skipped
        week = await runtime.store.job_due_times("digest", cycle_config(settings), now - timedelta(days=7), now)
        assert len(week) >= 6  # one a day (seven, or eight across a clock change)
        assert {r.state for due, r in week if due < now - timedelta(hours=36)} == {"skipped"}
        assert all(r.claimed_by == run.claimed_by for _, r in week)  # one process, each due time once
    finally:
        await runtime.close()
