"""From what someone typed to a command word and its arguments. Never raises on any input."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# Leading mentions: Slack <@U123> / <@U123|name>, Teams <at>ICT</at>, typed @ICT or @ICT Assistant.
_MENTION = re.compile(r"^\s*(?:<@[A-Z0-9]+(?:\|[^>]*)?>|<at>[^<]*</at>|@ict(?:\s+assistant)?\b|@\S+)[\s,:]*", re.I)
# "ict status", "/ict status"; not the ICT of a request reference ("ict-1", "ict 12").
_PREFIX = re.compile(r"^\s*/?ict\b(?![-\s]*\d)[\s,:]*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Parsed:
    verb: str | None  # canonical command name, or None when the first word is not a command
    rest: str  # the arguments, whitespace kept as typed inside, trimmed at the ends
    text: str  # the whole message without mention and /ict prefix
    first_word: str


def normalise(text: str) -> str:
    """Drop mentions and the /ict prefix; unify unusual spaces. Keeps the user's inner text as typed."""
    text = (text or "").replace("\u00a0", " ").replace("\u200b", "").strip()
    for _ in range(3):  # "@ICT /ict status", "<@U1> ict status"
        stripped = _PREFIX.sub("", _MENTION.sub("", text, count=1), count=1).strip()
        if stripped == text:
            break
        text = stripped
    return text


def _first_word(text: str) -> tuple[str, str]:
    """The first word (up to a space or line break) and what follows it."""
    first, _, rest = text.lstrip().partition(" ")
    if "\n" in first:
        first, _, more = first.partition("\n")
        rest = f"{more} {rest}".strip()
    return first.lower().rstrip(":,.!"), rest


def parse(text: str, aliases: Mapping[str, str], *, longest: int = 1) -> Parsed:
    """`aliases` maps each command word, or phrase of up to `longest` words, to its command name; the
    longest phrase that matches wins ("teams set-triage")."""
    body = normalise(text)
    word, rest = _first_word(body)
    verb = aliases.get(word)
    phrase, tail = word, rest
    for _ in range(longest - 1):
        following, tail = _first_word(tail)
        if not following:
            break
        phrase = f"{phrase} {following}"
        if phrase in aliases:
            verb, rest = aliases[phrase], tail
    return Parsed(verb=verb, rest=rest.strip(), text=body, first_word=word)


REF_ACTION = re.compile(r"^[A-Z]{2,4}-\d{1,3}$", re.IGNORECASE)
