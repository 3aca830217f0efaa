"""The one wording for unexpected failures, and the ids that tie what a user is shown to the log."""

from __future__ import annotations

import uuid

from handlers.reply import Reply, Tone


def new_error_id() -> str:
    """A short id to log with the traceback and to show the person, so the desk can find the one in the other."""
    return uuid.uuid4().hex[:8]


def sorry(error_id: str, *, nothing_changed: bool = True) -> Reply:
    """What a person sees when something failed on our side. Say "nothing was changed" only when the failed
    work ran in one transaction that was rolled back."""
    unchanged = "Nothing was changed. " if nothing_changed else ""
    return Reply(
        tone=Tone.ERROR,
        text=f"Sorry, something went wrong on our side. {unchanged}"
        f"If it keeps happening, tell the service desk this error id: {error_id}",
        error_id=error_id,
    )
