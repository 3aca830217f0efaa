"""The Teams channel's configuration error. No third-party imports, so `ictbot` can catch it cheaply."""

from __future__ import annotations


class TeamsConfigError(ValueError):
    """A Teams setting is missing or malformed; the message names the setting and says what it should be
    (it never contains a secret). Raised by `setup_teams` before the server starts."""
