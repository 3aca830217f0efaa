"""What comes in: who sent it and where, in platform-neutral terms."""

from __future__ import annotations

from dataclasses import dataclass

from storage.records import Origin as RequestOrigin


@dataclass(frozen=True, slots=True)
class Sender:
    """A person. `key` is `slack:<user id>`, `teams:<aadObjectId>` or `local:<name>`."""

    key: str
    display_name: str
    email: str | None = None
    council: str | None = None

    @property
    def platform(self) -> str:
        return self.key.split(":", 1)[0]


@dataclass(frozen=True, slots=True)
class Origin(RequestOrigin):
    """Where a message came from: what a request keeps to reply there later (platform, conversation,
    thread, reference), plus what only this message's commands need, filled by channels that have it."""

    channel_reference: dict | None = None  # the channel itself, for new top-level posts (Teams)
    personal: bool = False  # a one-to-one chat with the bot


__all__ = ["Origin", "RequestOrigin", "Sender"]
