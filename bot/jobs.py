"""Runs the strategy cycle's jobs (storage/cycle.py) for their due times, with claims in the database.

Every due time up to now that has no run on record is claimed, then completed: its notices are written
with the run marked done in one transaction, so a second `ictbot jobs run`, a restart or a second server
sends nothing twice. A run that fails is tried again after a wait (storage/jobs.py). A due time older than
the grace window is recorded as skipped instead (a fresh database, or a server that was down for days, does
not send stale check-ins). The outbox delivers after.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aiohttp import web

from bot.runtime import RUNTIME
from bot.settings import Settings
from storage import Store
from storage.cycle import JOBS, CycleConfig
from storage.jobs import may_take_over
from storage.write_queue import background_writes

log = logging.getLogger(__name__)

#: How far back a pass looks for due times with no run (a week and a day: one weekly due time at least).
LOOKBACK = timedelta(days=8)


def cycle_config(settings: Settings) -> CycleConfig:
    return CycleConfig(
        checkin_working_days=settings.checkin_working_days,
        reminder_working_days=settings.reminder_working_days,
        stale_days=settings.stale_days,
        timezone=settings.timezone,
        strategy_channels=settings.strategy_channels,
    )


def worker_name() -> str:
    """Who holds a claim: this host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


@dataclass(frozen=True, slots=True)
class RunReport:
    job: str
    due_at: datetime
    #: sent (claimed and done), skipped (too old), taken (another process has it), failed
    result: str
    notices: int = 0
    outcome: dict = field(default_factory=dict)


class JobRunner:
    def __init__(
        self, store: Store, config: CycleConfig, *, grace: timedelta, worker: str | None = None, lookback=LOOKBACK
    ):
        self.store = store
        self.config = config
        self.grace = grace
        self.worker = worker or worker_name()
        self.lookback = lookback

    async def run_due(self, now: datetime, jobs: Sequence[str] = JOBS) -> list[RunReport]:
        """Act on every due time of `jobs` up to `now` that has not been acted on; what happened to each."""
        reports: list[RunReport] = []
        for job in jobs:
            for due_at, run in await self.store.job_due_times(job, self.config, now - self.lookback, now):
                if run is not None and not may_take_over(run.state, run.lease_until, now):
                    continue  # done, skipped, running under a live claim, or failed and waiting to retry
                reports.append(await self._run_one(job, due_at, now))
        return reports

    async def _run_one(self, job: str, due_at: datetime, now: datetime) -> RunReport:
        if now - due_at > self.grace:
            reason = f"more than {self.grace.total_seconds() / 3600:g} hours late"
            if await self.store.skip_job(job, due_at, worker=self.worker, now=now, reason=reason):
                log.info("job %s due %s skipped: %s", job, due_at.isoformat(), reason)
                return RunReport(job, due_at, "skipped", outcome={"reason": reason})
            return RunReport(job, due_at, "taken")
        if not await self.store.claim_job(job, due_at, worker=self.worker, now=now):
            return RunReport(job, due_at, "taken")
        try:
            done = await self.store.complete_job(job, due_at, worker=self.worker, config=self.config, now=now)
        except Exception as e:
            log.exception("job %s due %s failed", job, due_at.isoformat())
            await self.store.fail_job(job, due_at, worker=self.worker, error=f"{type(e).__name__}: {e}", now=now)
            return RunReport(job, due_at, "failed", outcome={"error": type(e).__name__})
        if done is None:
            return RunReport(job, due_at, "taken")
        log.info("job %s due %s done: %s", job, due_at.isoformat(), done.outcome)
        return RunReport(job, due_at, "sent", notices=int(done.outcome.get("notices", 0)), outcome=done.outcome)


def scheduler(settings: Settings, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
    """A cleanup_ctx for `ictbot serve`: every ICTBOT_JOBS_INTERVAL_SECONDS, run the due jobs with the real
    clock, then wake the outbox. The claims are in the database, so several servers can run it."""

    async def jobs_loop(app: web.Application):
        runtime = app[RUNTIME]
        runner = JobRunner(runtime.store, cycle_config(settings), grace=timedelta(hours=settings.jobs_grace_hours))

        async def loop() -> None:
            with background_writes():  # never ahead of a person waiting for an answer (storage/write_queue.py)
                await passes()

        async def passes() -> None:
            while True:
                # First wait: start-up (migrations, channels) comes first, and a restart catches up a minute on.
                await asyncio.sleep(settings.jobs_interval)
                try:
                    reports = await runner.run_due(clock())
                    if any(r.notices for r in reports):
                        runtime.outbox.kick()
                except Exception:
                    log.exception("strategy jobs pass failed; trying again in %.0f s", settings.jobs_interval)

        task = asyncio.create_task(loop(), name="ictbot-jobs")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return jobs_loop
