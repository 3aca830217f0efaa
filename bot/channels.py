"""The chat channels the server can switch on, each imported only when its settings ask for it.

A channel that is configured but whose code cannot be imported (a missing or broken dependency) stops
start-up with ChannelUnavailable, which `ictbot serve` reports as one line: it never quietly runs without it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.settings import Settings

if TYPE_CHECKING:
    from aiohttp import web

#: Channel set-up hooks, called when the app is created: each adds its routes and a cleanup_ctx of its own
#: (which runs after the runtime exists: `app[RUNTIME]`) and returns its name when it switched itself on.
ChannelSetup = Callable[["web.Application", Settings], str | None]


class ChannelUnavailable(Exception):
    """A configured channel could not be loaded."""


@dataclass(frozen=True)
class Channel:
    name: str
    configured: Callable[[Settings], bool]
    module: str
    setup: str  # the set-up hook's name in `module`


CHANNELS = (
    Channel("Slack", lambda s: s.slack_enabled, "bot.slack.app", "setup_slack"),
    Channel("Teams", lambda s: s.teams_enabled, "bot.teams.app", "setup_teams"),
)


def channel_setups(settings: Settings) -> list[ChannelSetup]:
    """The set-up hooks of the configured channels; raises ChannelUnavailable when one cannot be imported."""
    setups: list[ChannelSetup] = []
    for channel in CHANNELS:
        if not channel.configured(settings):
            continue
        try:
            module = importlib.import_module(channel.module)
        except ImportError as e:
            raise ChannelUnavailable(
                f"the {channel.name} channel is configured but cannot be loaded: {type(e).__name__}: {e}"
            ) from None
        setups.append(getattr(module, channel.setup))
    return setups
