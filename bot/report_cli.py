"""`ictbot report desk`: the service desk's figures for a month; `ictbot report board`: the strategy for the
Board; either written out as HTML, Markdown, CSV or PDF. `ictbot report snapshot`: keep the plan's figures."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from bot.settings import Settings


def report_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="report_command", required=True, metavar="REPORT")
    p = sub.add_parser("desk", help="the service desk's month: volumes, SLA, response times, satisfaction, self-help")
    p.add_argument("--month", help="YYYY-MM, 'November 2026' or 'last month' (default: this month, to date)")
    p.add_argument("--council", help="only the requests from Maidstone, Swale or Tunbridge Wells")
    p.add_argument("--format", choices=("html", "md", "csv", "pdf"), default="md")
    p.add_argument("-o", "--output", type=Path, help="the file to write (default: standard output)")
    p.add_argument("--now", help="the moment to report as at, ISO 8601 (default: now)")
    b = sub.add_parser("board", help="the strategy for the Board: summary, exceptions, movement, councils, charts")
    b.add_argument("--council", help="only the actions Maidstone, Swale or Tunbridge Wells shares in")
    b.add_argument("--theme", help="one theme's code (for example RS)")
    b.add_argument("--plan-year", dest="plan_year", help="one plan year (for example 2019/20)")
    b.add_argument("--as-at", dest="as_at", help="a past day, YYYY-MM-DD: the figures of its snapshot")
    b.add_argument("--format", choices=("html", "md", "csv", "pdf"), default="md")
    b.add_argument("-o", "--output", type=Path, help="the file to write (default: standard output)")
    b.add_argument("--now", help="the moment it is, ISO 8601 (default: now)")
    n = sub.add_parser("snapshot", help="keep the plan's figures as they are now (the scheduler does it too)")
    n.add_argument("--on", help="the day it stands for, YYYY-MM-DD (default: today)")
    n.add_argument("--now", help="the moment it is, ISO 8601 (default: now)")


def _now(value: str | None) -> datetime:
    now = datetime.fromisoformat(value) if value else datetime.now(UTC)
    return now if now.tzinfo else now.replace(tzinfo=UTC)


def _write(data: bytes, output: Path | None) -> None:
    if output:
        output.write_bytes(data)
        print(f"Wrote {output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


async def _board(args: argparse.Namespace, settings: Settings, now: datetime) -> int:
    from bot.reports import render
    from bot.runtime import open_store
    from handlers.board_chat import board_scope
    from handlers.board_report import board_document
    from handlers.context import UsageError
    from storage import InvalidInput

    words = " ".join(v for v in (args.council, args.theme, args.plan_year) if v)
    engine, store = await open_store(settings.model_copy(update={"seed_sample": False}))
    try:
        themes = await store.list_themes()
        try:
            scope = board_scope(words, themes, strict=True)
            as_at = date.fromisoformat(args.as_at) if args.as_at else None
        except UsageError as e:
            print(f"ictbot: {e.message}", file=sys.stderr)
            return 2
        except ValueError:
            print(f"ictbot: --as-at {args.as_at!r} is not a day like 2020-03-31", file=sys.stderr)
            return 2
        try:
            data = await store.board_data(now, as_at)
        except InvalidInput:
            print(
                f"ictbot: there is no snapshot of the plan on or before {as_at}; see ictbot report snapshot",
                file=sys.stderr,
            )
            return 2
    finally:
        await engine.dispose()
    _write(render(board_document(data, scope), args.format), args.output)
    return 0


async def _snapshot(args: argparse.Namespace, settings: Settings, now: datetime) -> int:
    from bot.runtime import open_store
    from storage.schedule import local_day

    try:
        on = date.fromisoformat(args.on) if args.on else local_day(now, settings.timezone)
    except ValueError:
        print(f"ictbot: --on {args.on!r} is not a day like 2020-03-31", file=sys.stderr)
        return 2
    engine, store = await open_store(settings.model_copy(update={"seed_sample": False}))
    try:
        kept = await store.take_snapshot(on, now)
    finally:
        await engine.dispose()
    if kept is None:
        print(f"A snapshot for {on} was taken already; snapshots are never rewritten.", file=sys.stderr)
        return 1
    print(f"Kept the figures of {kept} actions for {on}.", file=sys.stderr)
    return 0


async def _report(args: argparse.Namespace, settings: Settings) -> int:
    try:
        now = _now(args.now)
    except ValueError:
        print(f"ictbot: --now {args.now!r} is not an ISO date and time like 2026-12-01T09:00", file=sys.stderr)
        return 2
    if args.report_command == "board":
        return await _board(args, settings, now)
    if args.report_command == "snapshot":
        return await _snapshot(args, settings, now)
    return await _desk(args, settings, now)


async def _desk(args: argparse.Namespace, settings: Settings, now: datetime) -> int:
    from bot.reports import render
    from bot.runtime import open_store
    from handlers.context import UsageError
    from handlers.desk_report import desk_arguments, desk_document

    words = " ".join(f"--{name} {value}" for name in ("council", "month") if (value := getattr(args, name)))
    try:
        council, period = desk_arguments(words, now)
    except UsageError as e:
        print(f"ictbot: {e.message}", file=sys.stderr)
        return 2
    engine, store = await open_store(settings.model_copy(update={"seed_sample": False}))
    try:
        figures = await store.desk_report(period.start, period.end, council=council)
    finally:
        await engine.dispose()
    _write(render(desk_document(figures, period), args.format), args.output)
    return 0


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_report(args, settings))


COMMAND_GROUP = (
    "report",
    "reports: the Board report, the service desk's month, snapshots",
    report_arguments,
    run_report,
)
