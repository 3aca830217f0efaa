"""Claims on scheduled job runs: one row per (job, due time), so a run acts once however many processes try.

A process claims a run by inserting its row (`running`, with a lease). If the row is already there, someone
else has it, unless that claim is `running` with its lease expired (its process died), or `failed` with its
wait for a retry over: then it is taken over by a conditional UPDATE, which only one process can win. A run
that failed wrote nothing, so trying it again cannot send anything twice; the waits double from
RETRY_FIRST up to RETRY_MAX, until the run is too old to act on and is recorded as skipped. The run's notices are written in the same
transaction that marks it done (`finish`), and only while the claim is still this process's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage.convert import job_run_record
from storage.records import JobRunRecord

RUNNING, DONE, FAILED, SKIPPED = "running", "done", "failed", "skipped"
#: How long a claim holds before another process may take it over (a run takes seconds).
LEASE = timedelta(minutes=10)
#: How long a failed run waits before it is tried again: doubling from the first to the most.
RETRY_FIRST = timedelta(minutes=5)
RETRY_MAX = timedelta(hours=2)


def _this(job: str, due_at: datetime):
    return (m.JobRun.job == job, m.JobRun.due_at == due_at)


def may_take_over(state: str, lease_until: datetime, now: datetime) -> bool:
    """A claim whose process died (running, lease out), or a failed run whose wait for a retry is over."""
    return state in (RUNNING, FAILED) and lease_until < now


async def claim(
    s: AsyncSession, job: str, due_at: datetime, worker: str, now: datetime, *, state: str = RUNNING, lease=LEASE
) -> bool:
    """True when this worker now holds the run (new, or taken over from an expired lease). With `state`
    skipped, the run is recorded as skipped instead of held."""
    try:
        async with s.begin_nested():
            s.add(
                m.JobRun(
                    job=job,
                    due_at=due_at,
                    state=state,
                    claimed_by=worker,
                    claimed_at=now,
                    lease_until=now + lease,
                    finished_at=None if state == RUNNING else now,
                    outcome={},
                )
            )
        return True
    except IntegrityError:
        pass
    taken = await s.execute(
        update(m.JobRun)
        .where(*_this(job, due_at), m.JobRun.state.in_((RUNNING, FAILED)), m.JobRun.lease_until < now)
        .values(
            state=state,
            claimed_by=worker,
            claimed_at=now,
            lease_until=now + lease,
            finished_at=None if state == RUNNING else now,
        )
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


async def finish(
    s: AsyncSession,
    job: str,
    due_at: datetime,
    worker: str,
    now: datetime,
    *,
    state: str,
    outcome: dict,
    notices: Sequence[dict] = (),
) -> bool:
    """Mark the run `state` (done or failed) and write its notices, if the claim is still this worker's.
    False (and nothing written) when another process has taken the run over meanwhile."""
    marked = await s.execute(
        update(m.JobRun)
        .where(*_this(job, due_at), m.JobRun.state == RUNNING, m.JobRun.claimed_by == worker)
        .values(state=state, finished_at=now, outcome=outcome)
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != 1:
        return False
    if notices:
        await s.execute(insert(m.Notification), list(notices))
    return True


async def fail(s: AsyncSession, job: str, due_at: datetime, worker: str, now: datetime, error: str) -> bool:
    """Mark this worker's claim failed, to be tried again after a wait that doubles with each failure.
    False when another process has taken the run over meanwhile."""
    run = await s.scalar(
        select(m.JobRun).where(*_this(job, due_at), m.JobRun.state == RUNNING, m.JobRun.claimed_by == worker)
    )
    if run is None:
        return False
    attempts = int((run.outcome or {}).get("attempts", 0)) + 1
    wait = min(RETRY_FIRST * 2 ** (attempts - 1), RETRY_MAX)
    run.state, run.finished_at, run.lease_until = FAILED, now, now + wait
    run.outcome = {"error": error[:500], "attempts": attempts}
    return True


async def get(s: AsyncSession, job: str, due_at: datetime) -> JobRunRecord | None:
    found = await s.scalar(select(m.JobRun).where(*_this(job, due_at)))
    return job_run_record(found) if found is not None else None


async def latest(s: AsyncSession, jobs: Sequence[str]) -> dict[str, JobRunRecord]:
    """Each job's run with the latest due time."""
    newest = (
        select(m.JobRun.job, func.max(m.JobRun.due_at).label("due_at"))
        .where(m.JobRun.job.in_(list(jobs)))
        .group_by(m.JobRun.job)
        .subquery()
    )
    rows = await s.scalars(
        select(m.JobRun).join(newest, (m.JobRun.job == newest.c.job) & (m.JobRun.due_at == newest.c.due_at))
    )
    return {r.job: job_run_record(r) for r in rows.all()}


async def runs_between(s: AsyncSession, job: str, start: datetime, end: datetime) -> list[JobRunRecord]:
    """The runs of `job` due in [start, end]."""
    rows = await s.scalars(select(m.JobRun).where(m.JobRun.job == job, m.JobRun.due_at.between(start, end)))
    return [job_run_record(r) for r in rows.all()]


async def set_outcome(s: AsyncSession, job: str, due_at: datetime, outcome: dict) -> None:
    await s.execute(
        update(m.JobRun).where(*_this(job, due_at)).values(outcome=outcome).execution_options(synchronize_session=False)
    )
