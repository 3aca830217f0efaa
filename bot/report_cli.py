"""`ictbot report desk`: the service desk's figures for a month, written out as HTML, Markdown, CSV or PDF."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
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


async def _report(args: argparse.Namespace, settings: Settings) -> int:
    from bot.reports import render
    from bot.runtime import open_store
    from handlers.context import UsageError
    from handlers.desk_report import desk_arguments, desk_document

    try:
        now = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC)
    except ValueError:
        print(f"ictbot: --now {args.now!r} is not an ISO date and time like 2026-12-01T09:00", file=sys.stderr)
        return 2
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
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
    data = render(desk_document(figures, period), args.format)
    if args.output:
        args.output.write_bytes(data)
        print(f"Wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_report(args, settings))


COMMAND_GROUP = ("report", "reports: the service desk's month", report_arguments, run_report)
