"""The Teams app package: manifest (v1.29) plus the two icons, zipped for upload to Teams admin or Developer
Portal. manifest/teams/manifest.json in the repository is this manifest with placeholder ids."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from handlers.commands import ALL_COMMANDS
from handlers.registry import Place

MANIFEST_VERSION = "1.29"
SCHEMA_URL = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
PLACEHOLDER_APP_ID = "00000000-0000-0000-0000-000000000000"
PLACEHOLDER_HOST = "ictbot.example.org"
ASSETS = Path(__file__).parent / "assets"
ICONS = ("color.png", "outline.png")
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
HOST = re.compile(r"^(?=.{1,253}$)([a-zA-Z0-9-]{1,63}\.)+[a-zA-Z]{2,63}(:\d{1,5})?$")

PERSONAL_COMMANDS = tuple(c.name for c in ALL_COMMANDS.offered_in(Place.PERSONAL_CHAT))
TEAM_COMMANDS = tuple(c.name for c in ALL_COMMANDS.offered_in(Place.TEAM_CHANNEL))


class PackageError(ValueError):
    pass


def _commands(names: tuple[str, ...]) -> list[dict]:
    return [
        {"title": name, "description": f"{ALL_COMMANDS[name].summary}. e.g. {ALL_COMMANDS[name].example}"}
        for name in names
    ]


def build_manifest(app_id: str, host: str, version: str = "1.0.0") -> dict:
    """The manifest for bot `app_id` (the Azure Bot's Microsoft App ID) served from `host`."""
    if not GUID.match(app_id or ""):
        raise PackageError(f"--app-id must be the bot's Microsoft App ID (a GUID), not '{app_id}'")
    host = (host or "").strip().removeprefix("https://").rstrip("/")
    if not HOST.match(host):
        raise PackageError(f"--host must be a host name such as ictbot.midkent.gov.uk, not '{host}'")
    site = f"https://{host}"
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_id,
        "developer": {
            "name": "Mid Kent Services ICT",
            "websiteUrl": site,
            "privacyUrl": f"{site}/privacy",
            "termsOfUseUrl": f"{site}/terms",
        },
        "name": {"short": "ICT Assistant", "full": "ICT Assistant for Mid Kent Services"},
        "description": {
            "short": "ICT service desk and ICT Strategy tracker for Mid Kent Services",
            "full": (
                "Ask the Mid Kent Services ICT service desk for help, follow your requests, and see how the ICT "
                "Strategy 2019-2024 is going for Maidstone, Swale and Tunbridge Wells. Agents triage, assign and "
                "resolve requests from Teams, Slack or the console; requesters hear back here."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#005EB8",
        "bots": [
            {
                "botId": app_id,
                "scopes": ["personal", "team", "groupChat"],
                "supportsFiles": True,  # an admin sends the plan's file in personal chat
                "isNotificationOnly": False,
                "commandLists": [
                    {"scopes": ["personal"], "commands": _commands(PERSONAL_COMMANDS)},
                    {"scopes": ["team", "groupChat"], "commands": _commands(TEAM_COMMANDS)},
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [host.split(":")[0]],
    }


def build_package(app_id: str, host: str, output: Path, *, version: str = "1.0.0") -> Path:
    """Write the upload zip: manifest.json, color.png and outline.png at its root."""
    manifest = build_manifest(app_id, host, version)
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", json.dumps(manifest, indent=2) + "\n")
        for icon in ICONS:
            z.write(ASSETS / icon, icon)
    return output
