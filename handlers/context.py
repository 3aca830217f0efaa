"""What a command needs to run: the store, the person (with roles), where they are, and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from handlers.messages import Sender
from storage import Store
from storage.records import Origin, UserRecord


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
    #: The platform's id for the button press or form submission that brought this command, when there is
    #: one: a request it raises is raised once however often that press or submission arrives.
    submission: str | None = None

    @property
    def today(self) -> date:
        return self.now.date()
