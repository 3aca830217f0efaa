"""What the plan readers normalised, as data: a UK date read as a date, a council's local name read as the
council, an owner's status word read as a status, a plan year worked out, the file read as Windows-1252.

The field rules (storage.plan_fields) note what they changed in the Reading passed to pydantic as the
validation context; an action's notes are labelled with its ref (and its CSV row) once it has validated.
Nothing here is worded: handlers.plan_import groups the notes and chooses the words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import ValidationInfo

from storage.plan_issues import Excerpt, excerpt

#: The key of the Reading in pydantic's validation context.
CONTEXT_KEY = "reading"


class NoteKind(StrEnum):
    """What was normalised; `value` is what the file said and `read_as` what it was read as."""

    UK_DATE = "uk_date"  # value: the date as written; read_as: YYYY-MM-DD
    COUNCIL = "council"  # value: the council as written; read_as: the council(s)
    STATUS_WORD = "status_word"  # value: the owner's word; read_as: the status
    OWNER_IDENTITY = "owner_identity"  # value: the owner cell; read_as: owner_email or owner_key
    PLAN_YEAR_FROM_DUE = "plan_year_from_due"  # read_as: the plan year of the due date's financial year
    PLAN_YEAR_GIVEN = "plan_year_given"  # read_as: the plan year given for the import (--plan-year)
    WINDOWS_1252 = "windows_1252"  # the file as a whole was read as Windows-1252


@dataclass(frozen=True, slots=True)
class ReadNote:
    """One value the reader normalised: where (the action's ref and, in a CSV, its row; neither for the
    file as a whole or a value outside any action), which field, what kind, from what to what."""

    kind: NoteKind
    field: str
    value: Excerpt | None
    read_as: str
    ref: str | None = None
    row: int | None = None


@dataclass(frozen=True, slots=True)
class _Pending:
    kind: NoteKind
    field: str
    value: Excerpt | None
    read_as: str


@dataclass
class Reading:
    """The validation context of one read: the plan year to use where a row gives none, and the notes."""

    plan_year: str | None = None
    notes: list[ReadNote] = field(default_factory=list)
    #: The CSV row being read (None for YAML).
    row: int | None = None
    _pending: list[_Pending] = field(default_factory=list)

    def note(self, kind: NoteKind, field_name: str, value: Any, read_as: str) -> None:
        shown = None if value is None else excerpt(value)
        self._pending.append(_Pending(kind, field_name, shown, read_as))

    def begin(self) -> list[_Pending]:
        """Start collecting one action's notes; returns what was pending outside it."""
        outer, self._pending = self._pending, []
        return outer

    def end(self, outer: list[_Pending], ref: str | None) -> None:
        """The action (ref None: it did not validate, its notes are dropped) is read; back to `outer`."""
        mine, self._pending = self._pending, outer
        if ref is not None:
            self.notes += [ReadNote(p.kind, p.field, p.value, p.read_as, ref, self.row) for p in mine]

    def finish(self) -> tuple[ReadNote, ...]:
        """Every note, those about no action (a Board meeting's date) included."""
        self.notes += [ReadNote(p.kind, p.field, p.value, p.read_as) for p in self._pending]
        self._pending = []
        return tuple(self.notes)

    def context(self) -> dict[str, Any]:
        return {CONTEXT_KEY: self}


def reading_of(info: ValidationInfo | None) -> Reading | None:
    context = info.context if info is not None else None
    found = context.get(CONTEXT_KEY) if isinstance(context, dict) else None
    return found if isinstance(found, Reading) else None


def note(info: ValidationInfo | None, kind: NoteKind, value: Any, read_as: str) -> None:
    """Note a normalised value of the field being validated, when a Reading is listening."""
    reading = reading_of(info)
    if reading is not None:
        reading.note(kind, (info.field_name if info is not None else None) or "", value, read_as)


__all__ = ["CONTEXT_KEY", "NoteKind", "ReadNote", "Reading", "note", "reading_of"]
