"""Problems found in a plan file, and how a value from the file may appear in a message about it.

A message quotes at most SHOW_MAX characters of what the file holds, so a file that is not a plan at
all (a password file, a binary, somebody's notes) is never echoed back, only pointed at.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from storage.errors import InvalidInput
from storage.text import clean_text

#: How many characters of a value from the file a message may quote.
SHOW_MAX = 20
ELLIPSIS = "..."


@dataclass(frozen=True, slots=True)
class PlanIssue:
    """One problem in a plan file: where (row 4, themes[2].actions[1]), which field, and what is wrong."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return f"{self.where}, field {self.field}: {self.message}"
        return f"{self.where}: {self.message}"


class PlanError(InvalidInput):
    """A plan file that cannot be imported; `errors` holds every problem found, in file order."""

    def __init__(self, errors: Iterable[PlanIssue]):
        self.errors: list[PlanIssue] = list(errors)
        super().__init__("plan", "invalid")

    def __str__(self) -> str:
        return "\n".join(str(issue) for issue in self.errors)


def show(value: Any) -> str:
    """A value from the file as a message quotes it: text in quotes with its controls escaped, a date as
    YYYY-MM-DD, anything else as Python writes it; cut to its first SHOW_MAX characters plus '...'."""
    if isinstance(value, str):
        return repr(value[:SHOW_MAX]) + (ELLIPSIS if len(value) > SHOW_MAX else "")
    text = value.isoformat() if isinstance(value, date) else repr(value)
    return text if len(text) <= SHOW_MAX else text[:SHOW_MAX] + ELLIPSIS


def show_key(name: Any) -> str:
    """A key or column name from the file, as the `field` of an issue: one line, cut like show()."""
    text = clean_text(str(name), multiline=False).strip()
    return text if len(text) <= SHOW_MAX else text[:SHOW_MAX] + ELLIPSIS


__all__ = ["ELLIPSIS", "SHOW_MAX", "PlanError", "PlanIssue", "show", "show_key"]
