"""One declaration per command. Each command module declares its `Command`s beside their code; parsing
(aliases), help, usage lines, dispatch, form dispatch, the role check, the Teams command lists and the Slack
slash command's usage hint are all read from a `Registry` of them."""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from handlers.parser import Parsed, parse

if TYPE_CHECKING:
    from handlers.context import Context
    from handlers.reply import Reply
    from storage.records import UserRecord

Run = Callable[["Context", str], Awaitable["Reply"]]
#: A form handler: the values typed, and the form's private metadata. Mistakes come back as {input: message}.
SubmitForm = Callable[["Context", dict[str, str], str], Awaitable["Reply | dict[str, str]"]]


class Who(StrEnum):
    """Who may run a command. Checked before the command runs; storage checks again in its transaction."""

    EVERYONE = "everyone"
    #: An action's owner or an admin: which action is named in the arguments, so the store checks it.
    OWNERS = "owners"
    AGENTS = "agents"
    ADMINS = "admins"

    def permits(self, user: UserRecord) -> bool:
        if self is Who.AGENTS:
            return user.can_work_tickets
        if self is Who.ADMINS:
            return user.is_admin
        return True

    @property
    def refusal(self) -> str:
        """What someone without the role is told."""
        if self is Who.ADMINS:
            return "Only an ICT Assistant admin can do that."
        return "Only the ICT service desk (agents) can do that."

    @property
    def help_mark(self) -> str:
        """How help marks a command this person may not run."""
        return " (admins only)" if self is Who.ADMINS else " (ICT service desk only)"


class Place(StrEnum):
    """Where Teams offers a command in its command list (at most ten in each)."""

    PERSONAL_CHAT = "personal"
    TEAM_CHANNEL = "team"


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    run: Run
    syntax: str
    example: str
    summary: str  # one line, no full stop
    aliases: tuple[str, ...] = ()  # other words (or two-word phrases) people type for it
    who: Who = Who.EVERYONE
    refusal: str | None = None  # the words for someone `who` does not permit, when not the usual ones
    form_id: str | None = None  # the form this command offers, submitted to `submit`
    submit: SubmitForm | None = None
    offered: frozenset[Place] = frozenset()  # Teams command lists
    hint: str = ""  # its part of the Slack slash command's usage hint; empty: left out
    reads_only: bool = False  # True when it never changes anything (so it queues no notifications)
    #: Answers its buttons only: left out of help, the welcome and the suggestions for a mistyped word.
    hidden: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def usage_line(self) -> str:
        return f"Usage: {self.syntax}  (for example: {self.example})"

    @property
    def refused(self) -> str:
        return self.refusal or self.who.refusal


class Registry:
    """The commands one Assistant knows, in the order help lists them."""

    def __init__(self, commands: Iterable[Command]):
        self._commands: dict[str, Command] = {}
        self._aliases: dict[str, str] = {}
        self._forms: dict[str, Command] = {}
        for command in commands:
            self._add(command)
        self._longest_alias = max((len(a.split()) for a in self._aliases), default=1)

    def _add(self, command: Command) -> None:
        if command.name in self._commands:
            raise ValueError(f"command {command.name!r} is declared twice")
        for word in command.words:
            if self._aliases.get(word.lower(), command.name) != command.name:
                raise ValueError(f"{word!r} is both {self._aliases[word.lower()]!r} and {command.name!r}")
            self._aliases[word.lower()] = command.name
        if command.form_id is not None:
            if command.submit is None or command.form_id in self._forms:
                raise ValueError(f"form {command.form_id!r} needs one handler")
            self._forms[command.form_id] = command
        self._commands[command.name] = command

    def __iter__(self) -> Iterator[Command]:
        return iter(self._commands.values())

    def __contains__(self, name: object) -> bool:
        return name in self._commands

    def __getitem__(self, name: str) -> Command:
        return self._commands[name]

    def form(self, form_id: str) -> Command | None:
        return self._forms.get(form_id)

    def parse(self, text: str) -> Parsed:
        """What was typed, with its command word (or two-word phrase) resolved to a command name."""
        return parse(text, self._aliases, longest=self._longest_alias)

    def closest(self, word: str) -> Command | None:
        """The command a mistyped word probably meant."""
        if not word:
            return None
        shown = [alias for alias, name in self._aliases.items() if not self._commands[name].hidden]
        match = difflib.get_close_matches(word.lower(), shown, n=1, cutoff=0.6)
        return self._commands[self._aliases[match[0]]] if match else None

    def usage_line(self, name: str) -> str:
        """The usage line of a command, or "" for a name that is not one."""
        return self._commands[name].usage_line if name in self._commands else ""

    def offered_in(self, place: Place) -> tuple[Command, ...]:
        return tuple(c for c in self if place in c.offered)

    def usage_hint(self) -> str:
        """The Slack slash command's usage hint."""
        return " | ".join(c.hint for c in self if c.hint)
