"""Small, shared wording helpers for replies."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

try:
    UK = ZoneInfo("Europe/London")  # the councils' clocks, BST included
except ZoneInfoNotFoundError:  # no time zone database on this machine
    UK = None


def local_time(dt: datetime, pattern: str = "%a %d %b %H:%M") -> str:
    """A moment as the councils read it (UK time), for deadlines shown to people."""
    if UK is None:
        return dt.strftime(pattern) + " UTC"
    return dt.astimezone(UK).strftime(pattern)


RAG_WORD = {"red": "Red", "amber": "Amber", "green": "Green"}


def when(dt: datetime, now: datetime) -> str:
    """'3 min ago', '2 h ago', '4 days ago', or a date."""
    seconds = (now - dt).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    if seconds < 86400 * 14:
        return f"{int(seconds // 86400)} days ago"
    return dt.strftime("%d %b %Y")


def until(dt: datetime, now: datetime) -> str:
    seconds = (dt - now).total_seconds()
    if seconds < 0:
        return f"overdue by {_span(-seconds)}"
    return f"due in {_span(seconds)}"


def _span(seconds: float) -> str:
    if seconds < 3600:
        return f"{max(1, int(seconds // 60))} min"
    if seconds < 86400 * 2:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} days"


def day(d: date | None) -> str:
    return d.strftime("%d %b %Y") if d else "no date"


def long_day(d: date, *, weekday: bool = True) -> str:
    """'Tuesday 5 January 2021' (or '5 January 2021')."""
    return (f"{d:%A} " if weekday else "") + f"{d.day} {d:%B %Y}"


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"
