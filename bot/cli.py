"""`ictbot`: serve, chat, users, db, plan, kb and report commands. Every database command upgrades the schema first."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.channels import ChannelUnavailable
from bot.settings import Settings
from storage.db import DEFAULT_DATABASE_URL
from storage.errors import StorageError

log = logging.getLogger("ictbot")

#: Extra command groups contributed by channels: (name, help, add_arguments, run).
CommandGroup = tuple[str, str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace, Settings], int]]


def _channel_groups() -> list[CommandGroup]:
    from bot.teams.cli import COMMAND_GROUP as teams_group  # standard library only: it imports in any build

    return [teams_group]


def _cycle_groups() -> list[CommandGroup]:
    from bot.cycle_cli import COMMAND_GROUPS  # the strategy cycle: `ictbot board ...`, `ictbot jobs ...`
    from bot.nlu_cli import COMMAND_GROUP as nlu_group  # `ictbot nlu ...`: the understanding step
    from bot.report_cli import COMMAND_GROUP as report_group  # `ictbot report ...`

    return [*COMMAND_GROUPS, nlu_group, report_group]


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("aiosqlite", "asyncio", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def build_parser(groups: list[CommandGroup]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ictbot", description="ICT Assistant for Mid Kent Services")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("serve", help="run the web server (health, metrics, Slack and Teams endpoints)")
    p.add_argument("--host", default=None, help="interface to listen on (default 127.0.0.1, or ICTBOT_HOST)")
    p.add_argument("--port", type=int, default=None, help="port (default 3978, or ICTBOT_PORT)")

    p = sub.add_parser("chat", help="talk to the bot from this terminal")
    p.add_argument("--as", dest="as_user", metavar="NAME", help="act as local:NAME (default: your login name)")
    p.add_argument("--email", help="your email, to match you to the actions you own")
    p.add_argument("text", nargs="*", help="one message to send; without it, an interactive prompt")

    p = sub.add_parser("users", help="list users and grant or revoke roles")
    usub = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    for verb in ("grant", "revoke"):
        q = usub.add_parser(verb, help=f"{verb} a role (agent or admin)")
        q.add_argument("key", help="user key: slack:U012AB3CD, teams:<aadObjectId> or local:name")
        q.add_argument("role", choices=["agent", "admin", "lead"])
    usub.add_parser("list", help="everyone the bot knows, with roles")
    q = usub.add_parser("email", help="set a user's email (matches them to the actions they own)")
    q.add_argument("key")
    q.add_argument("email")

    p = sub.add_parser("db", help="database schema")
    dsub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    dsub.add_parser("upgrade", help="apply all migrations")
    dsub.add_parser("current", help="show the schema revision")

    p = sub.add_parser("plan", help="import or export the action plan")
    psub = p.add_subparsers(dest="plan_command", required=True, metavar="ACTION")
    q = psub.add_parser("import", help="import a YAML or CSV plan (all or nothing; updates by ref)")
    q.add_argument("file", type=Path)
    q.add_argument("--overwrite", action="store_true", help="also set the fields changed in chat since the last import")
    q.add_argument("--retire-missing", action="store_true", help="retire the actions the file does not have")
    q.add_argument("--plan-year", metavar="YYYY/YY", help="the plan year of actions that give none (e.g. 2020/21)")
    q.add_argument("--dry-run", action="store_true", help="say what the import would do, and change nothing")
    q.add_argument("--as", dest="as_user", metavar="KEY", help="who the import is recorded as (default local:<login>)")
    q = psub.add_parser("roll-forward", help="carry a plan year's unfinished actions into the next year")
    q.add_argument("--from", dest="from_year", required=True, metavar="YYYY/YY", help="the year to carry from")
    q.add_argument("--to", dest="to_year", required=True, metavar="YYYY/YY", help="the year to carry into")
    q.add_argument("--due", metavar="DATE", help="the new due date of every action (default: a year on)")
    q.add_argument("--as", dest="as_user", metavar="KEY", help="who it is recorded as (default local:<login>)")
    q = psub.add_parser("export", help="write the plan as YAML or CSV")
    q.add_argument("--format", choices=["yaml", "csv"], default="yaml")
    q.add_argument("--output", "-o", type=Path, help="file to write (default: standard output)")

    p = sub.add_parser("kb", help="import or list the knowledge articles (self-help)")
    ksub = p.add_subparsers(dest="kb_command", required=True, metavar="ACTION")
    q = ksub.add_parser("import", help="import a directory of Markdown articles (all or nothing; updates by slug)")
    q.add_argument("directory", type=Path)
    q.add_argument("--dry-run", action="store_true", help="say what the import would do, and change nothing")
    q.add_argument("--prune", action="store_true", help="also remove the articles the directory does not have")
    ksub.add_parser("list", help="every article, with its categories and councils")

    for name, help_text, add_arguments, _run in groups:
        add_arguments(sub.add_parser(name, help=help_text))
    return parser


async def _with_store(settings: Settings, work: Callable[..., Awaitable[int]]) -> int:
    from bot.runtime import open_store

    engine, store = await open_store(settings)
    try:
        return await work(store)
    finally:
        await engine.dispose()


async def _users(args: argparse.Namespace, settings: Settings) -> int:
    from storage import StorageError

    async def work(store) -> int:
        try:
            if args.users_command == "list":
                users = await store.list_users()
                if not users:
                    print("No users yet. They appear when they first talk to the bot; roles can be granted before.")
                for u in users:
                    print(f"{u.key:40} {u.display_name:30} {u.email or '-':35} {','.join(u.roles) or '-'}")
                return 0
            if args.users_command == "email":
                u = await store.set_user_email(args.key, args.email)
                print(f"{u.key} email is now {u.email}")
                return 0
            u = await store.set_role(args.key, args.role, args.users_command == "grant")
            print(f"{u.key}: roles {', '.join(u.roles) or 'none'}")
            return 0
        except StorageError as e:
            print(f"ictbot: {_problem(e)}", file=sys.stderr)
            return 2

    return await _with_store(settings, work)


async def _db(args: argparse.Namespace, settings: Settings) -> int:
    from storage.db import create_engine
    from storage.migrate import current_revision, head_revision, upgrade

    engine = create_engine(settings.database_url)
    try:
        if args.db_command == "upgrade":
            await upgrade(engine)
        revision = await current_revision(engine)
        print(f"{safe_url(settings.database_url)}: schema revision {revision} (latest {head_revision()})")
        return 0
    finally:
        await engine.dispose()


async def _plan(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console.chat import local_sender
    from handlers.plan_import import import_note, import_summary_text
    from handlers.plan_problems import plan_error_text
    from storage.plan_io import PlanError, export_plan_text, read_plan_file
    from storage.refs import user_key

    if args.plan_command == "import":
        try:
            read = read_plan_file(args.file, plan_year=args.plan_year)
        except PlanError as e:
            problems = plan_error_text(e)
            print(f"ictbot: {args.file}: nothing imported, {len(e.errors)} problem(s):\n{problems}", file=sys.stderr)
            return 2
        except OSError as e:
            print(f"ictbot: cannot read {args.file}: {e.strerror}", file=sys.stderr)
            return 2
        author = user_key(args.as_user) if args.as_user and ":" in args.as_user else local_sender(args.as_user).key
        settings = settings.model_copy(update={"seed_sample": False})

        async def do_import(store) -> int:
            result = await store.import_plan(
                read.themes,
                author_key=author,
                note=import_note(args.file.name),
                overwrite=args.overwrite,
                retire_missing=args.retire_missing,
                board_meetings=read.board_meetings,
                dry_run=args.dry_run,
            )
            print(import_summary_text(result, read.notes, file_name=str(args.file)))
            return 0

        return await _with_store(settings, do_import)

    if args.plan_command == "roll-forward":
        return await _roll_forward(args, settings)

    async def do_export(store) -> int:
        text = export_plan_text(await store.export_plan(), args.format)
        if args.output:
            args.output.write_text(text, encoding="utf-8")
            print(f"Wrote {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0

    return await _with_store(settings, do_export)


async def _kb(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.kb import import_summary_text, kb_problem_text
    from storage.kb_file import KbFileError, read_article_dir

    settings = settings.model_copy(update={"seed_sample": False})  # an import never gets the sample with it
    if args.kb_command == "import":
        try:
            articles = read_article_dir(args.directory)
        except KbFileError as e:
            lines = "\n".join(f"  {kb_problem_text(p)}" for p in e.problems)
            print(
                f"ictbot: {args.directory}: nothing imported, {len(e.problems)} problem(s):\n{lines}", file=sys.stderr
            )
            return 2

        async def do_import(store) -> int:
            result = await store.import_articles(articles, prune=args.prune, dry_run=args.dry_run)
            print(import_summary_text(result, str(args.directory)))
            return 0

        return await _with_store(settings, do_import)

    async def do_list(store) -> int:
        articles = await store.list_articles()
        if not articles:
            print("No knowledge articles yet. Import some with: ictbot kb import DIR")
        for a in articles:
            councils = "all councils" if len(a.councils) == 3 else ", ".join(a.councils)
            print(f"{a.slug:32} {a.title[:60]:60} {', '.join(a.categories) or '-'} ({councils})")
        return 0

    return await _with_store(settings, do_list)


async def _roll_forward(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console.chat import local_sender
    from handlers.strategy import plan_year_of
    from handlers.vocabulary import date_of

    years = [plan_year_of(y) for y in (args.from_year, args.to_year)]
    due = date_of(args.due) if args.due else None
    if None in years or (args.due and due is None):
        print("ictbot: give plan years like 2019/20 and a due date like 31/03/2021 or 2021-03-31", file=sys.stderr)
        return 2
    operator = local_sender(args.as_user)

    async def work(store) -> int:
        await store.ensure_user(operator.key, operator.display_name)
        carried = await store.roll_forward(years[0], years[1], operator.key, due=due, require_admin=False)
        if not carried:
            print(f"Nothing to carry forward: {years[0]} has no unfinished actions.")
            return 0
        print(f"Carried {len(carried)} unfinished action(s) from {years[0]} into {years[1]}:")
        for a in carried:
            print(f"  {a.ref} {a.title} (due {a.due or 'no date'})")
        return 0

    return await _with_store(settings, work)


async def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console.chat import Console, local_sender
    from bot.runtime import build_runtime

    sender = local_sender(args.as_user, args.email)
    runtime = await build_runtime(settings)
    try:
        console = Console(runtime, sender)
        if args.text:
            outcome = await console.say(" ".join(args.text))
            await console.show_notifications()
            return 0 if outcome.status in ("ok",) else 1
        await console.repl()
        return 0
    finally:
        await runtime.close()


def _problem(error: StorageError) -> str:
    """A refusal in the words the bot uses for it (a plan file's problems are listed by the plan command)."""
    from handlers.problems import problem_text

    return problem_text(error)


def safe_url(url: str) -> str:
    """A database URL fit for a message or a log: never the password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparseable DATABASE_URL)"


def main(argv: list[str] | None = None) -> int:
    """Runs one command. Mistakes and an unusable environment are one clear line and exit status 2."""
    try:
        return _main(argv)
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors())
        print(f"ictbot: bad configuration: {problems}", file=sys.stderr)
    except StorageError as e:
        print(f"ictbot: {_problem(e)}", file=sys.stderr)
    except OSError as e:
        if e.filename:  # a file named on the command line
            print(f"ictbot: {e.strerror}: {e.filename}", file=sys.stderr)
        else:  # the database server, most likely
            url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
            print(f"ictbot: {type(e).__name__}: {e} (database {safe_url(url)})", file=sys.stderr)
    except ChannelUnavailable as e:
        print(f"ictbot: {e}", file=sys.stderr)
    except ValueError as e:  # a setting out of range (e.g. a Teams setting), said in words
        print(f"ictbot: {e}", file=sys.stderr)
    except SQLAlchemyError as e:
        url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
        reason = getattr(e, "orig", None) or e
        print(f"ictbot: {type(reason).__name__}: {reason} (database {safe_url(url)})", file=sys.stderr)
    return 2


def _main(argv: list[str] | None) -> int:
    groups = _channel_groups() + _cycle_groups()
    args = build_parser(groups).parse_args(argv)
    settings = Settings()
    configure_logging(settings.log_level if args.command == "serve" else "WARNING")
    if args.command == "serve":
        from bot.server import serve

        serve(settings, args.host or settings.host, args.port or settings.port)
        return 0
    runners: dict[str, Callable[[argparse.Namespace, Settings], Awaitable[int]]] = {
        "chat": _chat,
        "users": _users,
        "db": _db,
        "plan": _plan,
        "kb": _kb,
    }
    try:
        if args.command in runners:
            return asyncio.run(runners[args.command](args, settings))
        for name, _help, _add, run in groups:
            if name == args.command:
                return run(args, settings)
    except KeyboardInterrupt:
        return 130
    return 2
