"""Text cleaned once on the way in: control characters and bidi overrides never reach storage or screens.

A NUL byte is refused by PostgreSQL and stored by SQLite; escape sequences and other controls would reach
agents' terminals; bidi overrides and isolates can make a line read differently from what it holds.
"""

from __future__ import annotations

#: C0 controls, DEL and C1 controls; bidi embeddings/overrides (U+202A-U+202E) and isolates (U+2066-U+2069).
_UNWANTED = (*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_MULTILINE = {c: None for c in _UNWANTED if chr(c) not in "\n\t"}
_SINGLE_LINE = {**_MULTILINE, ord("\n"): " ", ord("\t"): " "}


def clean_text(value: str, *, multiline: bool) -> str:
    """`value` without control characters (newline and tab kept when `multiline`, else made spaces) and
    without bidi override or isolate characters."""
    return value.translate(_MULTILINE if multiline else _SINGLE_LINE)
