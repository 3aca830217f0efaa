"""Identities as people type them and as they are stored: request references, user keys and emails."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from storage.errors import InvalidInput

#: The platforms a user key may name.
USER_PLATFORMS = ("slack", "teams", "local")

_MAX_NUMBER = 999_999_999
# "ICT-42", "ict-42", "ict 42", "ICT42", "#42" or "42"; ASCII digits only.
_TICKET_REF = re.compile(r"(?:ict(?:-|\s+)?|#)?0*([1-9][0-9]{0,8})", re.IGNORECASE)
# The same at the start of a longer text, followed by the end or a space.
_LEADING_TICKET_REF = re.compile(rf"\s*({_TICKET_REF.pattern})(?=\s|$)", re.IGNORECASE)


@dataclass(frozen=True, slots=True, order=True)
class TicketRef:
    """A support request's reference: its number, shown as ICT-<number>.

    `TicketRef.parse` reads what people type and raises InvalidInput (field 'ref', code 'malformed') for
    anything else; it is the only parser, and str() the only formatting, of a request reference.
    """

    number: int

    PREFIX: ClassVar[str] = "ICT"
    #: How a reference is written in help texts.
    SHAPE: ClassVar[str] = f"{PREFIX}-N"

    def __post_init__(self) -> None:
        if isinstance(self.number, bool) or not isinstance(self.number, int) or not 1 <= self.number <= _MAX_NUMBER:
            raise InvalidInput("ref", "malformed", value=self.number)

    def __str__(self) -> str:
        return f"{self.PREFIX}-{self.number}"

    @classmethod
    def parse(cls, text: str | TicketRef) -> TicketRef:
        """'ICT-42', 'ict-42', 'ict 42', 'ICT42', '#42' or '42' (any case, spaces around) -> TicketRef(42)."""
        if isinstance(text, TicketRef):
            return text
        found = _TICKET_REF.fullmatch(text.strip()) if isinstance(text, str) else None
        if found is None:
            raise InvalidInput("ref", "malformed", value=text)
        return cls(int(found[1]))

    @classmethod
    def split(cls, text: str) -> tuple[TicketRef, str]:
        """A reference at the start of `text`, and the rest of it: 'ict 42 Fixed it' -> (ICT-42, 'Fixed it').
        InvalidInput (with the first word as its value) when the text does not start with one."""
        found = _LEADING_TICKET_REF.match(text)
        if found is None:
            raise InvalidInput("ref", "malformed", value=text.strip().partition(" ")[0])
        return cls.parse(found[1]), text[found.end() :].strip()


_INCIDENT_REF = re.compile(r"inc(?:-|\s+)?0*([1-9][0-9]{0,8})", re.IGNORECASE)


@dataclass(frozen=True, slots=True, order=True)
class IncidentRef:
    """A major incident's reference: INC-<number>. Unlike a request's, the prefix is always needed."""

    number: int

    PREFIX: ClassVar[str] = "INC"

    def __post_init__(self) -> None:
        if isinstance(self.number, bool) or not isinstance(self.number, int) or not 1 <= self.number <= _MAX_NUMBER:
            raise InvalidInput("incident", "malformed", value=self.number)

    def __str__(self) -> str:
        return f"{self.PREFIX}-{self.number}"

    @classmethod
    def parse(cls, text: str | IncidentRef) -> IncidentRef:
        """'INC-3', 'inc3' or 'inc 3' -> IncidentRef(3); anything else is InvalidInput (field 'incident')."""
        if isinstance(text, IncidentRef):
            return text
        found = _INCIDENT_REF.fullmatch(text.strip()) if isinstance(text, str) else None
        if found is None:
            raise InvalidInput("incident", "malformed", value=text)
        return cls(int(found[1]))

    @classmethod
    def looks_like(cls, text: str) -> bool:
        return _INCIDENT_REF.fullmatch(text.strip()) is not None


def user_key(key: str) -> str:
    """A user key as stored: `slack:U012AB3CD`, `teams:<aadObjectId>` or `local:<name>` (local names in
    lower case, as the console makes them). Anything else is InvalidInput (field 'user_key')."""
    platform, sep, ident = key.strip().partition(":")
    platform, ident = platform.lower(), ident.strip()
    if not sep or platform not in USER_PLATFORMS or not ident or any(c.isspace() for c in ident):
        raise InvalidInput("user_key", "malformed", value=key)
    return f"{platform}:{ident.lower() if platform == 'local' else ident}"


def email_key(value: str | None) -> str | None:
    """An email address as stored and compared (owners are matched to people by it): trimmed, lower case."""
    value = (value or "").strip().lower()
    return value or None
