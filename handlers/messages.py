"""What comes in: who sent it and where, in platform-neutral terms."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

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


class FileProblem(StrEnum):
    """Why a file sent with a message has no bytes."""

    TOO_BIG = "too_big"  # larger than the channel will download
    UNAVAILABLE = "unavailable"  # the download failed, or its address was not one the channel trusts


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message. The channel downloads the ones the assistant reads (plan files in a
    personal chat: see handlers.plan_upload.wanted) before it calls the assistant; `data` stays None for
    the rest, and for a file that could not be downloaded, with the `problem`."""

    name: str
    size: int | None = None  # as the platform gave it; None when it gave none
    data: bytes | None = None
    problem: FileProblem | None = None


__all__ = ["Attachment", "FileProblem", "Origin", "RequestOrigin", "Sender"]
