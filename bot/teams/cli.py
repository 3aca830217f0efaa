"""`ictbot teams ...`: build the app package; choose the triage conversation from the command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="teams_command", required=True, metavar="ACTION")
    p = sub.add_parser("package", help="build the Teams app package (zip) to upload")
    p.add_argument("--app-id", required=True, help="the Azure Bot's Microsoft App ID (MicrosoftAppId)")
    p.add_argument("--host", required=True, help="public host name of this server, e.g. ictbot.midkent.gov.uk")
    p.add_argument("--version", default="1.0.0", help="app version (semver; raise it for each upload)")
    p.add_argument("--output", "-o", type=Path, default=Path("ictbot-teams.zip"), help="zip to write")
    p = sub.add_parser(
        "set-triage",
        help="post new requests to this Teams conversation (or mention the bot with 'teams set-triage' there)",
    )
    p.add_argument("conversation_id", help="the channel's conversation id, e.g. 19:abc...@thread.tacv2")
    p.add_argument(
        "--service-url", default="https://smba.trafficmanager.net/teams/", help="the Bot Connector service URL"
    )
    p.add_argument("--tenant-id", default=None, help="the Entra tenant (default: MicrosoftAppTenantId)")


async def _set_triage(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime import open_store
    from bot.teams.references import PLATFORM, TRIAGE_OWNER, reference_from_setting

    reference = reference_from_setting(
        f"{args.service_url} {args.conversation_id}",
        args.tenant_id or settings.microsoft_app_tenant_id,
        name="the triage conversation",
    )
    engine, store = await open_store(settings)
    try:
        await store.save_conversation_reference(PLATFORM, TRIAGE_OWNER, reference)
    finally:
        await engine.dispose()
    print(f"New requests will be posted to Teams conversation {args.conversation_id}")
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.teams_command == "package":
        from bot.teams.package import PackageError, build_package

        try:
            path = build_package(args.app_id, args.host, args.output, version=args.version)
        except PackageError as e:
            print(f"ictbot: {e}", file=sys.stderr)
            return 2
        print(f"Wrote {path}: upload it in Teams (Apps > Manage your apps > Upload an app) or the Teams admin centre.")
        return 0
    from bot.teams.errors import TeamsConfigError

    try:
        return asyncio.run(_set_triage(args, settings))
    except TeamsConfigError as e:
        print(f"ictbot: {e}", file=sys.stderr)
        return 2


COMMAND_GROUP = ("teams", "Microsoft Teams: app package and triage conversation", add_arguments, run)
