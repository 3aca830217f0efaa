"""From what someone typed to a command word and its arguments. Never raises on any input."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

#: Command words, with the aliases people type for them.
COMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("help", "?", "commands", "hi", "hello", "hey", "start"),
    "status": ("status", "strategy", "summary", "overview", "progress"),
    "actions": ("actions", "action", "plan"),
    "update": ("update", "progress-update"),
    "history": ("history",),
    "support": ("support", "raise", "request", "report", "helpdesk"),
    "ticket": ("ticket", "show"),
    "tickets": ("tickets", "requests", "my-requests", "mine"),
    "queue": ("queue", "triage"),
    "assign": ("assign", "take"),
    "resolve": ("resolve", "close", "fix", "fixed"),
    "waiting": ("waiting", "wait", "ask"),
    "priority": ("priority", "prioritise", "prioritize"),
    "comment": ("comment", "reply", "add"),
    "whoami": ("whoami", "me", "roles"),
}

ALIASES: dict[str, str] = {alias: name for name, aliases in COMMANDS.items() for alias in aliases}

# Leading mentions: Slack <@U123> / <@U123|name>, Teams <at>ICT</at>, typed @ICT or @ICT Assistant.
_MENTION = re.compile(r"^\s*(?:<@[A-Z0-9]+(?:\|[^>]*)?>|<at>[^<]*</at>|@ict(?:\s+assistant)?\b|@\S+)[\s,:]*", re.I)
_PREFIX = re.compile(r"^\s*/?ict\b[\s,:]*", re.IGNORECASE)


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


def parse(text: str) -> Parsed:
    body = normalise(text)
    first, _, rest = body.partition(" ")
    if "\n" in first:
        first, _, more = first.partition("\n")
        rest = f"{more} {rest}".strip()
    word = first.lower().rstrip(":,.!")
    return Parsed(verb=ALIASES.get(word), rest=rest.strip(), text=body, first_word=word)


def closest_command(word: str) -> str | None:
    if not word:
        return None
    match = difflib.get_close_matches(word.lower(), list(ALIASES), n=1, cutoff=0.6)
    return ALIASES[match[0]] if match else None


REF_ACTION = re.compile(r"^[A-Z]{2,4}-\d{1,3}$", re.IGNORECASE)
