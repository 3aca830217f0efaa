"""What the Slack app must be granted: kept next to the code so the manifest test can hold the two together.

Every Web API method the channel calls (directly, or through bolt) is listed with the bot scopes it needs.
A test fails when the code calls a method not listed here, or the manifest lacks a listed scope.
"""

from __future__ import annotations

#: Web API method -> bot token scopes it needs.
WEB_API_SCOPES: dict[str, tuple[str, ...]] = {
    "auth.test": (),  # bolt, once, to learn the bot's own user id
    "chat.postMessage": ("chat:write",),  # triage posts, DMs, replies to mentions and DMs
    "chat.postEphemeral": ("chat:write",),  # private replies to a mention in a channel
    "chat.update": ("chat:write",),  # triage posts kept up to date
    "conversations.open": ("im:write",),  # the DM to a requester
    "users.info": ("users:read", "users:read.email"),  # display name and email of a sender
    "views.open": (),  # forms (modals) and click results from App Home
    "views.push": (),  # a form opened from a button inside a modal
    "views.update": (),  # a picker modal becoming the chosen action's form
    "views.publish": (),  # App Home
}

#: Files shared in a DM, downloaded from their url_private_download with the bot token (bot/slack/files.py).
FILE_DOWNLOAD_SCOPES: tuple[str, ...] = ("files:read",)

#: Web API methods called with the app-level token (Socket Mode only) -> app-level scopes.
APP_LEVEL_SCOPES: dict[str, tuple[str, ...]] = {"apps.connections.open": ("connections:write",)}

#: Events API events the channel handles -> bot scopes that subscribing to them needs.
EVENT_SCOPES: dict[str, tuple[str, ...]] = {
    "app_mention": ("app_mentions:read",),
    "message.im": ("im:history",),
    "app_home_opened": (),
}

COMMAND = "/ict"
COMMAND_SCOPES: tuple[str, ...] = ("commands",)
EVENTS_PATH = "/slack/events"


def required_bot_scopes() -> set[str]:
    scopes = {*COMMAND_SCOPES, *FILE_DOWNLOAD_SCOPES}
    for needed in (*WEB_API_SCOPES.values(), *EVENT_SCOPES.values()):
        scopes.update(needed)
    return scopes
