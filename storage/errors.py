"""Domain errors raised by the service API. They say what happened as data; callers choose the words."""

from __future__ import annotations

from datetime import datetime


class StorageError(Exception):
    """Base class for expected failures of a service call (a mistake or a refusal, never a fault)."""

    def __str__(self) -> str:  # for logs and tracebacks; never shown to a user as it is
        facts = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({facts})"


class NotFound(StorageError):
    """There is no `kind` ('request', 'action', 'theme', 'user', 'notification') with `key`.

    `reason` adds what is known about the absence: 'never_seen' for a user key nobody has used yet.
    A request the caller may not see is reported exactly like one that does not exist.
    """

    def __init__(self, kind: str, key: object, *, reason: str | None = None):
        super().__init__(kind, key)
        self.kind, self.key, self.reason = kind, str(key), reason


class PermissionDenied(StorageError):
    """`attempt` ('update_action', 'change_request', 'view_queue') needs the role `needed` ('agent' or
    'owner_or_admin'). `ref` is what was acted on, `owner` the owner of an action, and `own_request` is
    true when the person refused raised the request themselves. `reason` says why an action's owner was not
    matched (storage.owners.refusal: 'owner_unknown', 'no_email', 'someone_else'), `user_key` who was refused."""

    def __init__(
        self,
        attempt: str,
        needed: str,
        *,
        ref: object | None = None,
        owner: str | None = None,
        own_request: bool = False,
        reason: str | None = None,
        user_key: str | None = None,
    ):
        super().__init__(attempt, needed)
        self.attempt, self.needed, self.reason, self.user_key = attempt, needed, reason, user_key
        self.ref = None if ref is None else str(ref)
        self.owner, self.own_request = owner, own_request


class InvalidInput(StorageError):
    """The value of `field` is not acceptable, for the reason `code`: 'missing', 'unknown' (not one of
    `allowed`), 'malformed', 'out_of_range' or 'not_an_agent'. `value` is what was given."""

    def __init__(self, field: str, code: str = "invalid", *, value: object = None, allowed: tuple[str, ...] = ()):
        super().__init__(field, code)
        self.field, self.code, self.value, self.allowed = field, code, value, tuple(allowed)


class Conflict(StorageError):
    """Request `ref` cannot change because of the state it is in. `code` says which: 'closed' (no more
    desk changes), 'closed_to_comments', 'already_assigned' or 'same_priority'; `current` is that state
    (the status, the assignee's name or the priority)."""

    def __init__(self, code: str, ref: object, *, current: str):
        super().__init__(code, ref)
        self.code, self.ref, self.current = code, str(ref), current


class UploadClosed(Conflict):
    """Plan upload `upload_id` can no longer be confirmed or cancelled: it was `outcome` (confirmed,
    cancelled or expired) at `closed_at` by `closed_by`. `file_name` is the file it was."""

    def __init__(
        self, upload_id: int, outcome: str, *, file_name: str, closed_at: datetime | None, closed_by: str | None
    ):
        super().__init__(outcome, upload_id, current=outcome)
        self.upload_id, self.outcome, self.file_name = upload_id, outcome, file_name
        self.closed_at, self.closed_by = closed_at, closed_by
