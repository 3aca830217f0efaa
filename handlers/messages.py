"""What comes in: who sent it and where, in platform-neutral terms."""

from __future__ import annotations

from dataclasses import dataclass

from storage.records import Origin


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


__all__ = ["Origin", "Sender"]
