"""Plain, immutable data objects handed out by the service API (never live ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from storage.refs import IncidentRef, TicketRef


@dataclass(frozen=True, slots=True)
class ThemeRecord:
    code: str
    name: str
    summary: str
    position: int
    is_sample: bool = False


@dataclass(frozen=True, slots=True)
class PlanScope:
    """Which part of the plan to look at: one partner council's actions, one plan year; None for all."""

    council: str | None = None
    plan_year: str | None = None


#: Actions with no update for longer than this many days are flagged as stale (Store(stale_days=...)).
STALE_DAYS = 30


@dataclass(frozen=True, slots=True)
class ThemeSummary:
    theme: ThemeRecord
    total: int
    red: int
    amber: int
    green: int
    complete: int
    overdue: int
    average_progress: int
    #: Open actions flagged beside their stated RAG: overdue, not started past their start, or stale.
    flagged: int = 0

    @property
    def percent_complete(self) -> int:
        return round(100 * self.complete / self.total) if self.total else 0


@dataclass(frozen=True, slots=True)
class ActionUpdateRecord:
    at: datetime
    author_key: str
    author_name: str
    progress: int
    rag: str
    note: str
    #: update (an owner's progress), change (status, due date or owner from chat), import, carried.
    kind: str = "update"
    status: str | None = None
    #: What it changed: {field: (old, new)}.
    changes: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ActionRecord:
    ref: str
    theme_code: str
    title: str
    description: str
    owner: str
    owner_email: str | None
    partners: tuple[str, ...]
    plan_year: str
    due: date | None
    status: str
    rag: str
    progress: int
    updated_at: datetime
    updates: tuple[ActionUpdateRecord, ...] = ()
    #: The owner's chat identity (slack:U..., teams:..., local:...), when the plan names one.
    owner_key: str | None = None
    #: Others who may post updates (identity keys or emails).
    deputies: tuple[str, ...] = ()
    start: date | None = None
    proposed_due: date | None = None
    retired_at: datetime | None = None
    #: The ref and plan year of the earlier year's copy it was carried forward from.
    carried_from: str | None = None
    last_reported_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status not in ("complete", "carried forward") and self.retired_at is None

    def is_overdue(self, today: date) -> bool:
        return self.due is not None and self.due < today and self.is_open

    def is_late_to_start(self, today: date) -> bool:
        return self.start is not None and self.start < today and self.status == "not started" and self.is_open

    def last_report(self) -> datetime:
        """When it was last reported on: its latest update, else when it was last imported or changed."""
        return self.last_reported_at or self.updated_at

    def is_stale(self, now: datetime, stale_days: int = STALE_DAYS) -> bool:
        return self.is_open and (now - self.last_report()).days > stale_days

    def flags(self, now: datetime, stale_days: int = STALE_DAYS) -> tuple[str, ...]:
        """What its stated RAG may hide: 'overdue', 'late_start' (not started past its start), 'stale'."""
        today = now.date()
        found = (
            ("overdue", self.is_overdue(today)),
            ("late_start", self.is_late_to_start(today)),
            ("stale", self.is_stale(now, stale_days)),
        )
        return tuple(code for code, on in found if on)


@dataclass(frozen=True, slots=True)
class UnreachableOwner:
    """A live action whose owner nobody can reach in chat: no known user has its owner_key or owner_email."""

    ref: str
    owner: str
    owner_email: str | None
    owner_key: str | None


@dataclass(frozen=True, slots=True)
class UserRecord:
    key: str
    display_name: str
    email: str | None
    council: str | None
    is_agent: bool
    is_admin: bool
    is_lead: bool = False
    #: The same person's other identities (users with the same verified email), by key.
    other_keys: tuple[str, ...] = ()
    #: Where they last said they work (WorkSetting value), or None.
    work_setting: str | None = None

    @property
    def person_keys(self) -> tuple[str, ...]:
        """Every identity of this person: this user's key first, then the others."""
        return (self.key, *self.other_keys)

    @property
    def platform(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(r for r, on in (("agent", self.is_agent), ("admin", self.is_admin), ("lead", self.is_lead)) if on)

    @property
    def can_work_tickets(self) -> bool:
        return self.is_agent or self.is_admin


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a request was raised, with what is needed to reply there later."""

    platform: str  # slack, teams, local
    conversation: str | None = None
    thread: str | None = None
    reference: dict | None = None


@dataclass(frozen=True, slots=True)
class TicketEventRecord:
    at: datetime
    actor_key: str
    actor_name: str
    kind: str
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Remark:
    """The latest public comment or internal note on a request, as its triage post shows it."""

    by: str
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class TicketRecord:
    number: int
    requester_key: str
    requester_name: str
    council: str | None
    origin: Origin
    category: str
    priority: str
    summary: str
    description: str
    location: str
    contact: str
    status: str
    assignee_key: str | None
    assignee_name: str | None
    resolution: str | None
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    sla_due: datetime
    events: tuple[TicketEventRecord, ...] = ()
    #: When its SLA clock stopped (it waits on the requester); None while the clock runs.
    sla_paused_at: datetime | None = None
    #: When it becomes at risk (in business time); None for requests raised before SLA clocks had one.
    sla_at_risk: datetime | None = None
    #: Where the requester was working (WorkSetting value), or None when not known.
    work_setting: str | None = None
    latest_comment: Remark | None = None
    latest_note: Remark | None = None  # internal: shown to the desk only
    #: Since when the requester's last word awaits an answer from the desk; None when the desk has answered.
    requester_replied_at: datetime | None = None
    incident_number: int | None = None  # INC-<n> it is part of
    linked_actions: tuple[str, ...] = ()  # strategy actions it is tied to (read with the request, not in lists)
    submission_key: str | None = None  # the button press or form submission that raised it
    #: The requester's answer to "How did we do?": 1 (very poor) to 5 (excellent); None until they rate it.
    rating: int | None = None
    rating_comment: str | None = None
    #: When the rating was given, or last changed.
    rated_at: datetime | None = None

    @property
    def ref(self) -> str:
        return str(TicketRef(self.number))

    @property
    def is_open(self) -> bool:
        return self.status not in ("resolved", "closed")

    def sla_state(self, now: datetime) -> str:
        """'met', 'breached', 'paused' (waiting on the requester), 'at risk' (under a quarter of the window
        left) or 'on track'."""
        if not self.is_open:
            return "met" if self.resolved_at and self.resolved_at <= self.sla_due else "breached"
        if self.sla_paused_at is not None and self.sla_paused_at <= self.sla_due:
            return "paused"
        if now > self.sla_due:
            return "breached"
        if self.sla_at_risk is not None:
            return "at risk" if now >= self.sla_at_risk else "on track"
        window = (self.sla_due - self.created_at).total_seconds()
        left = (self.sla_due - now).total_seconds()
        return "at risk" if window > 0 and left < window / 4 else "on track"


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    """A major incident: one fault many requests report."""

    number: int
    title: str
    category: str
    status: str  # open, resolved
    opened_by_name: str
    opened_at: datetime
    resolved_at: datetime | None = None
    resolution: str | None = None
    open_requests: int = 0  # its linked requests still open
    requests: int = 0  # all its linked requests

    @property
    def ref(self) -> str:
        return str(IncidentRef(self.number))

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True, slots=True)
class RatingRecord:
    """A requester's rating of a resolved request, for the desk's reports."""

    number: int
    score: int
    comment: str
    rated_at: datetime
    #: How many times the requester changed it after first giving it.
    changes: int
    requester_key: str
    requester_name: str
    assignee_key: str | None
    assignee_name: str | None
    category: str
    priority: str
    resolved_at: datetime | None

    @property
    def ref(self) -> str:
        return str(TicketRef(self.number))


@dataclass(frozen=True, slots=True)
class NotificationRecord:
    id: int
    #: The request it is about; None for a notice about the strategy plan (check-ins, nudges, digests).
    request_number: int | None
    kind: str
    channel: str
    recipient_key: str | None
    payload: dict
    attempts: int

    @property
    def request_ref(self) -> str:
        """The request's reference, or "" for a notice about the strategy plan."""
        return "" if self.request_number is None else str(TicketRef(self.request_number))


@dataclass(frozen=True, slots=True)
class ChannelPostRecord:
    request_number: int
    platform: str
    purpose: str
    conversation: str
    message_id: str

    @property
    def key(self) -> tuple[int, str, str]:
        """What identifies the post: a request has at most one per platform and purpose."""
        return (self.request_number, self.platform, self.purpose)


@dataclass(frozen=True, slots=True)
class BoardMeetingRecord:
    """A meeting of the MKS Shared Services Board."""

    on: date
    note: str
    added_by: str


@dataclass(frozen=True, slots=True)
class PlanUploadRecord:
    """A plan file an admin sent in chat, with the options they gave and how it ended (None: pending)."""

    id: int
    uploader_key: str
    file_name: str
    size: int
    overwrite: bool
    retire_missing: bool
    plan_year: str | None
    created_at: datetime
    outcome: str | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None


@dataclass(frozen=True, slots=True)
class JobRunRecord:
    """One scheduled job's run for one due time: running, done, failed or skipped (too old to act on)."""

    job: str
    due_at: datetime
    state: str
    claimed_by: str
    claimed_at: datetime
    lease_until: datetime
    finished_at: datetime | None
    outcome: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """A knowledge article as imported (storage/kb_file.py)."""

    slug: str
    title: str
    summary: str
    keywords: tuple[str, ...]
    categories: tuple[str, ...]
    councils: tuple[str, ...]
    body: str
    content_hash: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class KbImportResult:
    """What an import of articles did (or, with dry_run, would do): slugs, in order."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    #: Articles in the database the files did not have: taken out with prune, else left alone (kept).
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class SelfHelpRecord:
    """What came of offering an article once: fixed (a deflection) or still_need_help."""

    article_slug: str
    article_title: str
    person_key: str
    platform: str
    text: str
    outcome: str
    request_number: int | None
    at: datetime

    @property
    def request_ref(self) -> TicketRef | None:
        return TicketRef(self.request_number) if self.request_number is not None else None


@dataclass(frozen=True, slots=True)
class SelfHelpCount:
    """One article's outcomes over a period: how often it fixed the problem, how often it did not."""

    article_slug: str
    article_title: str
    fixed: int
    still_need_help: int


@dataclass(frozen=True, slots=True)
class BoardAction:
    """One action as the Board report reads it (and as a snapshot keeps it)."""

    ref: str
    plan_year: str
    theme_code: str
    title: str
    owner: str
    partners: tuple[str, ...]
    due: date | None
    status: str
    rag: str
    progress: int
    #: Open and overdue, not started past its start, or without an update for too long.
    flagged: bool
    #: The owner's latest progress note, and when it was written.
    narrative: str = ""
    narrative_at: datetime | None = None
    #: When its unbroken run of red updates began; when it was last set to blocked.
    red_since: datetime | None = None
    blocked_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """A snapshot: the day it stands for, why it was taken (board, month, manual), its actions."""

    on: date
    kind: str
    rows: tuple[BoardAction, ...]


@dataclass(frozen=True, slots=True)
class BoardData:
    """What the Board report is made from (storage.snapshots.board_data)."""

    as_at: date
    #: The snapshot the rows come from; None when they are the plan as it is now.
    snapshot_on: date | None
    themes: tuple[ThemeRecord, ...]
    rows: tuple[BoardAction, ...]
    previous_board: date | None
    previous_rows: tuple[BoardAction, ...]
    trend: tuple[TrendPoint, ...]
    next_board: date | None


@dataclass(frozen=True, slots=True)
class ContextRecord:
    """The last exchange in a conversation: the request it was about, and the command a "yes" runs."""

    conversation: str
    ticket_ref: TicketRef | None
    offer: str | None
    at: datetime
