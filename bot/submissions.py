"""Keys for button presses and form submissions, so the same one seen twice raises one request.

A platform may deliver a press or a submission again (a retry, a double click, a slow network), and a
person may press the same button twice. Each key is made of what the platform gives for that button
instance or submission and who pressed it, hashed to a fixed length (values can be long texts).
"""

from __future__ import annotations

import hashlib
import json


def submission_key(platform: str, kind: str, *identity: object, detail: object = None) -> str | None:
    """`<platform>:<kind>:<hash>`; None when any identity part is missing (no dependable key: no dedupe).
    identity: the parts that say which button instance or submission (and who); detail: the rest of what
    was pressed (a value, card data), part of the key but allowed to be empty."""
    if any(part is None or part == "" for part in identity):
        return None
    digest = hashlib.sha256(json.dumps([*identity, detail], sort_keys=True, default=str).encode()).hexdigest()
    return f"{platform}:{kind}:{digest[:48]}"
