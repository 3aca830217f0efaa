"""What a command needs to run: the store, the person (with roles), where they are, the clock, and the
commands the assistant knows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from handlers.messages import Origin, Sender
from storage import Store
from storage.records import UserRecord

if TYPE_CHECKING:
    from handlers.registry import Registry


class UsageError(Exception):
    """The person typed something we can explain: message plus the right usage."""

    def __init__(self, message: str, command: str | None = None):
        super().__init__(message)
        self.message = message
        self.command = command


@dataclass(frozen=True, slots=True)
class Context:
    store: Store
    sender: Sender
    user: UserRecord
    origin: Origin
    now: datetime
    clock: Callable[[], datetime]
    commands: Registry  # what this assistant knows (help lists it)
    #: The platform's id for the button press or form submission that brought this command, when there is
    #: one: a request it raises is raised once however often that press or submission arrives.
    submission: str | None = None

    @property
    def today(self) -> date:
        return self.now.date()
