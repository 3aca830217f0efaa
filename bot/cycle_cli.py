"""`ictbot board ...` (the Board meeting dates) and `ictbot jobs ...` (the strategy cycle's scheduled jobs)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.settings import Settings


def board_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="board_command", required=True, metavar="ACTION")
    p = sub.add_parser("add", help="put a Board meeting on the list (check-ins count back from it)")
    p.add_argument("date", help="2021-03-15 or 15/03/2021")
    p.add_argument("--note", default="", help="a note shown with the date, e.g. 'Spring Board'")
    p = sub.add_parser("remove", help="take a Board meeting off the list")
    p.add_argument("date")
    sub.add_parser("list", help="every Board meeting on the list")


async def _board(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime import open_store
    from handlers.formatting import long_day
    from storage.board import parse_day

    engine, store = await open_store(settings)
    try:
        now = datetime.now(UTC)
        if args.board_command == "list":
            meetings = await store.list_board_meetings()
            today = now.astimezone(ZoneInfo(settings.timezone)).date()
            if not meetings:
                print("No Board meetings on the list. Add one: ictbot board add 15/03/2021 --note 'Spring Board'")
            for b in meetings:
                mark = "(past)" if b.on < today else ""
                print(f"{b.on.isoformat()}  {long_day(b.on):28} {mark:7} {b.note}".rstrip())
            return 0
        on = parse_day(args.date)
        if args.board_command == "add":
            meeting, added = await store.add_board_meeting(on, actor_key=None, note=args.note, now=now)
            print(f"{'Added' if added else 'Already on the list:'} the Board meeting on {long_day(meeting.on)}")
            return 0
        gone = await store.remove_board_meeting(on, actor_key=None)
        print(f"Removed the Board meeting on {long_day(gone.on)}")
        return 0
    finally:
        await engine.dispose()


def run_board(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_board(args, settings))


def jobs_arguments(parser: argparse.ArgumentParser) -> None:
    from storage.cycle import JOBS

    sub = parser.add_subparsers(dest="jobs_command", required=True, metavar="ACTION")
    p = sub.add_parser("list", help="each job, when it is next due, and its last run")
    p.add_argument("--now", help="the time to look from (ISO; local time unless it has an offset)")
    p = sub.add_parser("run", help="run the jobs due up to now that have not run, then deliver their notices")
    p.add_argument("job", nargs="*", metavar="JOB", help=f"some of: {', '.join(JOBS)} (default: all)")
    p.add_argument("--now", help="the time to run as (ISO, e.g. 2020-12-17T09:05; local time unless it has an offset)")


def parse_now(value: str | None, timezone: str) -> datetime:
    if not value:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"--now {value!r} is not an ISO date and time like 2020-12-17T09:05") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC)


def _local(moment: datetime | None, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%a %d %b %Y %H:%M") if moment else "-"


async def _jobs(args: argparse.Namespace, settings: Settings) -> int:
    from bot.jobs import JobRunner, cycle_config
    from bot.runtime import open_store
    from storage.cycle import JOBS

    tz = settings.timezone
    now = parse_now(getattr(args, "now", None), tz)
    config = cycle_config(settings)
    if args.jobs_command == "list":
        engine, store = await open_store(settings)
        try:
            last = await store.last_job_runs()
            print(f"{'JOB':10} {'NEXT DUE':22} LAST RUN")
            for job in JOBS:
                next_due = await store.next_job_due(job, config, now)
                run = last.get(job)
                ran = "never"
                if run is not None:
                    at = _local(run.finished_at or run.claimed_at, tz)
                    ran = f"{run.state} for {_local(run.due_at, tz)} (at {at})"
                shown_next = _local(next_due, tz) if next_due else "no Board meeting ahead"
                print(f"{job:10} {shown_next:22} {ran}")
        finally:
            await engine.dispose()
        return 0
    unknown = [j for j in args.job if j not in JOBS]
    if unknown:
        raise ValueError(f"no job called {', '.join(unknown)}; the jobs are {', '.join(JOBS)}")
    return await _run_jobs(args.job or list(JOBS), settings, JobRunner, config, now)


async def _run_jobs(jobs, settings: Settings, runner_class, config, now: datetime) -> int:
    """Run the due jobs, then deliver what the Slack and Teams outboxes hold. Notices to console users
    (local:...) wait for their own terminal, as every console notice does: `ictbot chat` shows them."""
    from bot.runtime import build_runtime

    tz = settings.timezone
    runtime = await build_runtime(settings)
    try:
        runner = runner_class(runtime.store, config, grace=timedelta(hours=settings.jobs_grace_hours))
        reports = await runner.run_due(now, jobs)
        if not reports:
            print(f"Nothing due up to {_local(now, tz)}.")
        for r in reports:
            said = {
                "sent": f"claimed, {r.notices} notice(s) queued",
                "skipped": f"skipped ({r.outcome.get('reason', 'too old')})",
                "taken": "already being run by another process",
                "failed": f"failed ({r.outcome.get('error', 'see the log')})",
            }[r.result]
            print(f"{r.job} due {_local(r.due_at, tz)}: {said}")
        async with contextlib.AsyncExitStack() as stack:
            outbox = runtime.outbox
            if settings.slack_enabled:
                from bot.slack.deliver import outside_the_server as slack_deliverer

                outbox.register(await stack.enter_async_context(slack_deliverer(settings, runtime.bookkeeping)))
            if settings.teams_enabled:
                from bot.teams.deliver import outside_the_server as teams_deliverer

                outbox.register(teams_deliverer(settings, runtime.bookkeeping))
            delivered = await outbox.drain()
        if delivered:
            print(f"Delivery tried for {delivered} notice(s); the server's outbox retries any that failed.")
        return 1 if any(r.result == "failed" for r in reports) else 0
    finally:
        await runtime.close()


def run_jobs(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_jobs(args, settings))


COMMAND_GROUPS = [
    ("board", "the MKS Shared Services Board's meeting dates", board_arguments, run_board),
    ("jobs", "the strategy cycle's scheduled jobs (check-ins, reminders, nudges, digest)", jobs_arguments, run_jobs),
]
