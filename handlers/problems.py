"""What to tell a person when storage refused what they asked: the words for every storage error."""

from __future__ import annotations

from datetime import date

from handlers.formatting import local_time, long_day
from storage import Conflict, InvalidInput, NotFound, PermissionDenied, StorageError, TicketRef, UploadClosed
from storage.enums import UploadOutcome
from storage.ratings import RATING_DAYS
from storage.uploads import MAX_BYTES, UPLOAD_TTL

DESK_ONLY = "Only the ICT service desk (agents) can do that."
IMPORT_REFUSAL = "Only an ICT Assistant admin can import the plan."
SEND_AGAIN = "To import it, send me the file again."
#: The request reference examples and explanations use.
EXAMPLE_TICKET = TicketRef(42)

_NOT_FOUND = {
    "article": "There is no help article called {key}. Type 'kb' to see them all.",
    "request": "I can't find {key}.",
    "action": "There is no action {key}.",
    "theme": "There is no theme {key} in the plan.",
    "user": "No user {key}.",
    "notification": "No notification {key}.",
    "board_meeting": "There is no Board meeting on {key} on the list. Type 'board' to see them.",
    "plan_upload": "There is no plan file {key} waiting to be imported. " + SEND_AGAIN,
    "incident": "There is no major incident {key}. Type 'incident' to see the open ones.",
}
_NEVER_SEEN = "No user {key}: nobody with that key has talked to the bot or been given a role."
#: What to suggest next when a command finds nothing, by (command, kind of thing not found).
_NOT_FOUND_NEXT = {
    ("ticket", "request"): "Type 'tickets' to see your open requests.",
    ("status", "action"): "Type 'actions' to list them.",
}

_INVALID = {
    ("user_key", "malformed"): "'{value}' is not a user key like slack:U012AB3CD, teams:<aad id> or local:name.",
    ("role", "unknown"): "Unknown role '{value}'. Roles are: {allowed}.",
    ("email", "malformed"): "'{value}' is not an email address.",
    ("progress", "out_of_range"): "Progress is a whole number from 0 to 100.",
    ("note", "missing"): "A note is required: say what changed.",
    ("rag", "unknown"): "RAG is red, amber or green.",
    ("ref", "malformed"): "'{value}' is not a request reference like " + str(EXAMPLE_TICKET) + ".",
    ("summary", "missing"): "A request needs a summary: say what is wrong.",
    ("incident", "malformed"): "'{value}' is not an incident reference like INC-3.",
    ("incident_title", "missing"): "Give the incident a title people will recognise.",
    ("work_setting", "unknown"): "Say home, office or borough.",
    ("council", "unknown"): "The councils are Maidstone, Swale and Tunbridge Wells.",
    ("category", "unknown"): "Unknown category '{value}'. Use one of: {allowed}.",
    ("priority", "unknown"): "Priority is P1, P2, P3 or P4.",
    ("assignee", "not_an_agent"): "Requests can only be assigned to ICT agents.",
    ("question", "missing"): "Say what you need from the requester.",
    ("resolution", "missing"): "A resolution note is required: say what fixed it.",
    ("comment", "missing"): "Say what you want to add to the request.",
    ("reason", "missing"): "Say what is still wrong.",
    ("internal_note", "missing"): "Write the note for the service desk.",
    ("plan_year", "same"): "Carry actions from one plan year into another: {value} was given twice.",
    ("plan_year", "already_there"): "These actions are already in that plan year: {value}. Nothing was carried.",
    ("date", "malformed"): "'{value}' is not a date. Write it like 2021-03-15 or 15/03/2021.",
    ("note", "too_long"): "That note is too long: keep it under {allowed} characters.",
    ("score", "out_of_range"): "A score is a whole number from 1 (very poor) to 5 (excellent).",
    ("rating_comment", "too_long"): "That comment is too long: keep it under {allowed} characters.",
    ("file", "too_big"): f"That file is too big: the most I can read is {MAX_BYTES // (1024 * 1024)} MB.",
}

_CONFLICT = {
    "closed": "{ref} is already {current}.",
    "closed_to_comments": "{ref} is {current}; raise a new request if the problem is back.",
    "already_assigned": "{ref} is already assigned to {current}.",
    "already_linked": "{ref} is already linked to {current}.",
    "incident_resolved": "{current} is already resolved. If the problem is back, raise a new request.",
    "not_linked": "{ref} is not linked to {current}.",
    "same_priority": "{ref} is already {current}.",
    "still_open": "{ref} is still open ({current}); add to it with: comment {ref} TEXT",
    "not_resolved": "{ref} is {current}, not resolved, so it can't be reopened. Raise a new request instead.",
    "rating_while_open": "{ref} is still open ({current}): you can say how we did once it is resolved.",
    "rating_withdrawn": "{ref} was withdrawn, so there is nothing to rate.",
    "last_admin": "{current} is the last admin, and there must be at least one. Grant admin to someone else first.",
}


def problem_text(error: StorageError, command: str | None = None) -> str:
    """The sentence for `error`, met while running `command` (which may add what to try next)."""
    if isinstance(error, NotFound):
        wording = _NEVER_SEEN if error.reason == "never_seen" else _NOT_FOUND.get(error.kind, "I can't find {key}.")
        follow = _NOT_FOUND_NEXT.get((command or "", error.kind))
        return wording.format(key=error.key) + (f" {follow}" if follow else "")
    if isinstance(error, PermissionDenied):
        return _refusal(error)
    if isinstance(error, InvalidInput):
        wording = _INVALID.get((error.field, error.code), "That {field} is not valid.")
        return wording.format(value=error.value, allowed=", ".join(error.allowed), field=error.field.replace("_", " "))
    if isinstance(error, UploadClosed):
        return _upload_closed(error)
    if isinstance(error, Conflict) and error.code == "rating_too_late":
        return (
            f"{error.ref} was resolved on {long_day(date.fromisoformat(error.current))}. A request can be rated for "
            f"{RATING_DAYS} days from when it is resolved, so it is too late to rate it now."
        )
    if isinstance(error, Conflict):
        return _CONFLICT.get(error.code, "{ref} can't be changed now: it is {current}.").format(
            ref=error.ref, current=error.current
        )
    return "That can't be done."


def _refusal(error: PermissionDenied) -> str:
    if error.attempt == "update_action":
        return _not_the_owner(error)
    if error.attempt == "import_plan":
        return IMPORT_REFUSAL
    if error.attempt == "change_board":
        return "Only an ICT Assistant admin can change the Board meeting dates."
    if error.attempt in ("set_owner", "roll_forward", "set_role", "set_email", "import_articles"):
        return "Only an ICT Assistant admin can do that."
    if error.attempt == "view_queue":
        return "The queue is for the ICT service desk (agents) only."
    if error.attempt == "withdraw_request":
        return f"Only the person who raised {error.ref} can withdraw it."
    if error.attempt == "rate_request":
        return f"Only the person who raised {error.ref} can rate it."
    if error.attempt == "view_desk_report":
        return "The desk report is for the ICT service desk, leads and admins."
    if error.attempt == "view_ratings":
        return "Ratings are for the ICT service desk (agents) only."
    if error.attempt == "change_request" and error.own_request:
        return f"Only the ICT service desk can change {error.ref}."
    return DESK_ONLY if error.needed == "agent" else "You can't do that."


def _upload_closed(error: UploadClosed) -> str:
    """Why a plan file sent in chat can no longer be imported (or cancelled)."""
    at = f" at {local_time(error.closed_at, '%H:%M on %d %B %Y')}" if error.closed_at else ""
    if error.outcome == UploadOutcome.CONFIRMED:
        return f"{error.file_name} has already been imported{at}. Nothing more was changed."
    if error.outcome == UploadOutcome.CANCELLED:
        return f"The import of {error.file_name} was cancelled{at}. {SEND_AGAIN}"
    hours = int(UPLOAD_TTL.total_seconds() // 3600)
    return f"{error.file_name} was sent more than {hours} hours ago, so I can no longer import it. {SEND_AGAIN}"


def _not_the_owner(error: PermissionDenied) -> str:
    """Why someone may not post on an action, and how an admin can put it right."""
    link = f"An admin can link you to it with: owner {error.ref} {error.user_key or 'YOUR-USER-KEY'}"
    if error.reason == "owner_unknown":
        return (
            f"The plan names {error.owner} as the owner of {error.ref}, but not their chat account or email, so I "
            f"can't match anyone to them. {link} (or your email)."
        )
    if error.reason == "no_email":
        key = error.user_key or "YOUR-USER-KEY"
        return (
            f"{error.ref} belongs to {error.owner}, and your account has no email I can match to {error.owner}'s. "
            f"An admin can add your email with: set-email {key} ADDRESS, or link you to it with: owner {error.ref} {key}."
        )
    return f"Only {error.owner} (the action's owner), a deputy or an admin can update {error.ref}."
