"""Text from outside (a plan file, a chat message) made safe to store and show.

Control characters (C0, DEL and C1) would be stored by SQLite and refused by PostgreSQL (NUL), or would
garble a terminal; bidirectional overrides and isolates can make text read differently from what it
is (a ref or a name shown backwards). None of them has a place in a plan or a support request.
"""

from __future__ import annotations

import re

#: Bidirectional embeddings, overrides and isolates: U+202A-U+202E and U+2066-U+2069.
BIDI_CONTROLS = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))
#: C0 controls, DEL and C1 controls, newline and tab included (clean_text decides what they become).
CONTROL_CHARACTERS = frozenset(map(chr, [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]))

_LINE_BREAK = re.compile(r"\r\n?")
_DROP = str.maketrans(dict.fromkeys(sorted((CONTROL_CHARACTERS | BIDI_CONTROLS) - {"\n", "\t"})))
_FLATTEN = str.maketrans({"\n": " ", "\t": " "})


def clean_text(value: str, *, multiline: bool) -> str:
    """`value` without control or bidi-control characters.

    Line breaks (\\r\\n, \\r or \\n) become \\n. With `multiline`, newlines and tabs stay; without it they
    become spaces, so the text is one line. Every other control character (NUL included) and every bidi
    override or isolate is removed. Nothing else changes: no trimming, no collapsing of spaces.
    """
    text = _LINE_BREAK.sub("\n", value).translate(_DROP)
    return text if multiline else text.translate(_FLATTEN)


__all__ = ["BIDI_CONTROLS", "CONTROL_CHARACTERS", "clean_text"]
