"""`ictbot nlu`: how the bot reads a message that is not a command, and how well it reads a labelled set."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.settings import Settings


def nlu_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="*", help="the message, as someone would type it")
    parser.add_argument("--json", action="store_true", help="print the interpretation as JSON")
    parser.add_argument("--today", help="the day relative dates are read from, 2021-03-15 (default: today)")
    parser.add_argument(
        "--eval", dest="eval_file", type=Path, metavar="FILE", help="measure on a CSV of text,intent,category"
    )


def run_nlu(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.nlu import explained, understand
    from handlers.nlu.evaluation import evaluate, read_labelled
    from handlers.vocabulary import date_of

    if args.eval_file is not None:
        try:
            rows = read_labelled(args.eval_file.read_text(encoding="utf-8"))
        except ValueError as e:
            print(f"ictbot: {args.eval_file}: {e}", file=sys.stderr)
            return 2
        print("\n".join(evaluate(rows).lines()))
        return 0
    text = " ".join(args.text)
    if not text.strip():
        print(
            'ictbot: give a message to read, e.g. ictbot nlu "my vpn keeps dropping", or --eval FILE', file=sys.stderr
        )
        return 2
    today = date_of(args.today) if args.today else datetime.now(ZoneInfo(settings.timezone)).date()
    if today is None:
        print(f"ictbot: '{args.today}' is not a date; write it as 2021-03-15 or 15/03/2021", file=sys.stderr)
        return 2
    seen = understand(text, today=today)
    print(json.dumps(seen.as_dict(), indent=2) if args.json else "\n".join(explained(seen)))
    return 0


COMMAND_GROUP = (
    "nlu",
    "how the bot reads a message that is not a command (--eval FILE: measure it)",
    nlu_arguments,
    run_nlu,
)
