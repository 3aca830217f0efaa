"""The neutral reply model. Every channel renders it natively (plain text, Block Kit, Adaptive Cards).

All text here is plain user-visible text, never markup: renderers escape it for their platform.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Tone(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


class Visibility(StrEnum):
    PRIVATE = "private"  # only the person who asked (Slack ephemeral); personal chat elsewhere
    PUBLIC = "public"  # everyone in the conversation


@dataclass(frozen=True, slots=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Button:
    """A click comes back as the command `<action_id> <value>` from the person who clicked."""

    label: str
    action_id: str
    value: str = ""
    style: str | None = None  # "primary", "danger" or None

    @property
    def command(self) -> str:
        return f"{self.action_id} {self.value}".strip()


@dataclass(frozen=True, slots=True)
class Item:
    """One row of a list: a theme, an action, a request."""

    title: str
    text: str = ""
    rag: str | None = None  # red, amber, green
    fields: tuple[Field, ...] = ()
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True, slots=True)
class Choice:
    label: str
    value: str


class InputKind(StrEnum):
    TEXT = "text"
    MULTILINE = "multiline"
    CHOICE = "choice"
    NUMBER = "number"


@dataclass(frozen=True, slots=True)
class Input:
    name: str
    label: str
    kind: InputKind = InputKind.TEXT
    required: bool = True
    choices: tuple[Choice, ...] = ()
    initial: str | None = None
    placeholder: str | None = None
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None


@dataclass(frozen=True, slots=True)
class Form:
    """A form; submitting it comes back to Assistant.submit_form(form_id, values)."""

    form_id: str
    title: str
    inputs: tuple[Input, ...]
    submit_label: str = "Submit"
    private_metadata: str = ""  # opaque value given back on submission (e.g. the ref being resolved)
    typed_alternative: str | None = None  # the one-line command that does the same, for text-only channels


@dataclass(frozen=True, slots=True)
class Pick:
    """One choice that runs the command `<command> <value>` for the person who makes it. The same choice as
    the reply's items' buttons, for a channel that can show it as one picker in a dialog instead (Slack:
    a modal that becomes the chosen action's form). Channels without such a dialog show the buttons."""

    label: str
    command: str
    choices: tuple[Choice, ...]
    placeholder: str = "Choose one"


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    title: str | None = None
    tone: Tone = Tone.INFO
    fields: tuple[Field, ...] = ()
    items: tuple[Item, ...] = ()
    buttons: tuple[Button, ...] = ()
    form: Form | None = None
    pick: Pick | None = None
    visibility: Visibility = Visibility.PRIVATE
    #: Shows the person's own requests or details: where a channel cannot show a reply to one person alone
    #: (a Teams channel or group chat), it goes to their personal chat, and the conversation is told so.
    personal: bool = False
    #: The read-only command that shows this reply as it now is ("queue", "ticket ICT-42"): a channel that
    #: updates a card in place re-runs it after a button on the card was pressed, so the card stays itself.
    again: str | None = None
    more: int = 0  # how many further items exist beyond `items`
    more_hint: str | None = None  # the narrower command to see them
    footer: str | None = None
    error_id: str | None = None  # set when an unexpected error was logged
    #: One sentence a notification, a chat list or a toast shows for this reply ("ICT-42 resolved: Replaced
    #: the display cable"); None: renderers take the title, or the first line of the text.
    summary: str | None = None
    #: What a plain "yes" to this reply runs, as typed: the command of the choice it offers first (a request
    #: to raise, an update to confirm, a suggested command); None when it offers nothing. Not shown.
    offer: str | None = None

    def offering(self) -> Reply:
        """This reply, offering its primary button (else its first): what a "yes" to it presses."""
        chosen = next((b for b in self.buttons if b.style == "primary"), self.buttons[0] if self.buttons else None)
        return replace(self, offer=chosen.command if chosen else None)
