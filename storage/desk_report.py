"""The service desk's performance over a period (a month, usually), for `report desk` and
`ictbot report desk`: what was raised, how fast the desk answered and resolved, how often within target,
first-contact resolution, reopens, satisfaction and self-help deflections.

Definitions (the report's footnotes say them in words):
- Raised: requests created in the period, split by category, priority (as raised), council and where the
  requester was working.
- Resolved: requests first resolved in the period (a request resolved, reopened and resolved again counts
  once, in the period of its first resolution, so a month's figures do not change later).
- Within target: that first resolution came by its SLA due time as the clock stood then (business hours, the
  time waiting on the requester added). Per priority, at the priority it had when resolved.
- Time to first response: business time from raised to the desk's first action the requester hears of
  (assigned, priority changed, a question, a comment, resolved), for requests raised in the period.
- Time to resolve: business time from raised to first resolution, less the time it waited on the requester.
- First-contact resolution: resolved without being passed on (at most one assignment), without a question to
  the requester, and never reopened.
- Reopen rate: the share of those resolved that have been reopened since.
- Satisfaction: the ratings given (or last changed) in the period.
- Deflections: "That fixed it" on a knowledge article in the period (nothing raised, or a request withdrawn).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Row, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage import users
from storage.enums import ALL_COUNCILS, Category, Priority, WorkSetting
from storage.errors import PermissionDenied
from storage.sla import SlaPolicy

#: The desk's actions a requester hears of: the first one is the first response.
RESPONSE_KINDS = frozenset({"assigned", "priority", "waiting", "resolved"})
#: In a split, the requests that do not say (no council or work setting recorded).
NOT_RECORDED = "not recorded"


@dataclass(frozen=True, slots=True)
class Split:
    """One row of a split: its key (a category, priority, council or setting, or NOT_RECORDED) and count."""

    key: str
    count: int


@dataclass(frozen=True, slots=True)
class SlaRow:
    priority: str
    target: str  # as written in the policy: '8h', '3d'
    resolved: int
    within: int

    @property
    def attainment(self) -> float | None:
        return self.within / self.resolved if self.resolved else None


@dataclass(frozen=True, slots=True)
class DayVolume:
    day: date
    raised: int
    resolved: int


@dataclass(frozen=True, slots=True)
class DeskReport:
    """The desk's figures for [start, end). Times are business seconds; None where nothing was measured."""

    start: datetime
    end: datetime
    council: str | None
    raised: int
    by_category: tuple[Split, ...]
    by_priority: tuple[Split, ...]
    by_council: tuple[Split, ...]
    by_setting: tuple[Split, ...]
    still_open: int  # of those raised in the period, open now
    withdrawn: int  # withdrawn by their requesters in the period
    resolved: int
    sla: tuple[SlaRow, ...]
    responded: int  # of those raised, how many the desk has answered
    median_first_response: float | None
    median_resolve: float | None
    first_contact: int  # of those resolved
    reopened: int  # of those resolved
    ratings: tuple[int, ...]  # how many of each score, 1 to 5
    deflected: int
    still_needed_help: int
    days: tuple[DayVolume, ...]

    @property
    def rated(self) -> int:
        return sum(self.ratings)

    @property
    def average_rating(self) -> float | None:
        return sum(score * n for score, n in enumerate(self.ratings, 1)) / self.rated if self.rated else None

    @property
    def within_target(self) -> int:
        return sum(r.within for r in self.sla)


@dataclass(frozen=True, slots=True)
class _Facts:
    """One request as the report sees it, worked out from its row and its events."""

    created_at: datetime
    raised_priority: str
    first_response_at: datetime | None
    resolved_at: datetime | None  # its first resolution
    resolved_within: bool
    resolved_priority: str
    waited: timedelta  # business time waiting on the requester before it was first resolved
    first_contact: bool
    reopened: bool
    withdrawn_at: datetime | None


def _facts(ticket: Row, events: Sequence[Row], desk: set[str]) -> _Facts:
    """`ticket`: its REQUEST_COLUMNS; `events`: their EVENT_COLUMNS, in order; `desk`: the keys of the agents
    and admins (whose comments are the desk's)."""
    first_priority = next((e.detail.get("old") for e in events if e.kind == "priority"), None)
    first_response = resolved = withdrawn = None
    assignments, asked, reopened = 0, False, False
    for e in events:
        by_desk = e.kind in RESPONSE_KINDS or (
            e.kind == "comment" and e.actor_key != ticket.requester_key and e.actor_key in desk
        )
        if by_desk and first_response is None:
            first_response = e.at
        if resolved is None:
            assignments += e.kind == "assigned"
            asked = asked or e.kind == "waiting"
            if e.kind == "resolved":
                resolved = e
        reopened = reopened or e.kind == "reopened"
        if e.kind == "withdrawn":
            withdrawn = e.at
    if resolved is not None:  # the clock as it stood at the resolution (kept on the event since it was)
        due = resolved.detail.get("due")
        due_at = datetime.fromisoformat(due) if due else ticket.sla_due
        waited = timedelta(seconds=resolved.detail.get("waited", ticket.sla_paused_seconds or 0))
        priority = resolved.detail.get("priority", ticket.priority)
        within = resolved.at <= due_at
    else:
        waited, priority, within = timedelta(), ticket.priority, False
    return _Facts(
        created_at=ticket.created_at,
        raised_priority=first_priority or ticket.priority,
        first_response_at=first_response,
        resolved_at=resolved.at if resolved is not None else None,
        resolved_within=within,
        resolved_priority=priority,
        waited=waited,
        first_contact=resolved is not None and assignments <= 1 and not asked and not reopened,
        reopened=reopened,
        withdrawn_at=withdrawn,
    )


#: What the report reads of each request and event (columns, not whole rows: a month is thousands of them).
_r, _e = m.SupportRequest, m.TicketEvent
REQUEST_COLUMNS = (
    _r.id,
    _r.requester_key,
    _r.category,
    _r.priority,
    _r.council,
    _r.work_setting,
    _r.created_at,
    _r.is_open,
    _r.sla_due,
    _r.sla_paused_seconds,
    _r.rating,
    _r.rated_at,
)
EVENT_COLUMNS = (_e.request_id, _e.at, _e.actor_key, _e.kind, _e.detail)


async def report(
    s: AsyncSession,
    start: datetime,
    end: datetime,
    council: str | None,
    viewer_key: str | None,
    sla: SlaPolicy,
) -> DeskReport:
    """The figures for [start, end), for one council's requests or all. viewer_key: an agent, lead or admin
    (PermissionDenied for anyone else); None for the command line."""
    if viewer_key is not None:
        viewer = await users.by_key(s, viewer_key)
        if viewer is None or not (viewer.is_agent or viewer.is_admin or viewer.is_lead):
            raise PermissionDenied("view_desk_report", "desk_or_lead")
    r, e = m.SupportRequest, m.TicketEvent
    touched = select(e.request_id).where(
        e.at >= start, e.at < end, e.kind.in_(("resolved", "withdrawn"))
    )  # raised earlier, resolved or withdrawn in the period
    which = [
        r.created_at < end,
        or_(r.created_at >= start, r.id.in_(touched), (r.rated_at >= start) & (r.rated_at < end)),
    ]
    if council:
        which.append(r.council == council)
    tickets = list((await s.execute(select(*REQUEST_COLUMNS).where(*which).order_by(r.id))).all())
    events: dict[int, list] = {t.id: [] for t in tickets}
    of_these = select(*EVENT_COLUMNS).where(e.request_id.in_(select(r.id).where(*which)))
    for event in await s.execute(of_these.order_by(e.request_id, e.at, e.id)):
        events[event.request_id].append(event)
    desk_rows = await s.scalars(select(m.User.key).where(or_(m.User.is_agent.is_(True), m.User.is_admin.is_(True))))
    desk = set(desk_rows.all())
    facts = {t.id: _facts(t, events[t.id], desk) for t in tickets}
    outcomes = await _self_help(s, start, end, council)
    return _figures(tickets, facts, outcomes, start, end, council, sla)


async def _self_help(s: AsyncSession, start: datetime, end: datetime, council: str | None) -> Counter[str]:
    """Self-help outcomes in the period, by outcome; for one council: the person's council, or their
    request's when the person's is not known."""
    o = m.SelfHelpOutcome
    stmt = select(o.outcome, m.User.council, m.SupportRequest.council).where(o.at >= start, o.at < end)
    stmt = stmt.outerjoin(m.User, m.User.key == o.person_key).outerjoin(
        m.SupportRequest, m.SupportRequest.id == o.request_id
    )
    counts: Counter[str] = Counter()
    for outcome, person_council, request_council in (await s.execute(stmt)).all():
        if council is None or (person_council or request_council) == council:
            counts[outcome] += 1
    return counts


def _split(values: Iterable[str | None], keys: Sequence[str]) -> tuple[Split, ...]:
    """A count for each of `keys` (zeros included, in that order), then NOT_RECORDED when any say nothing."""
    counts = Counter(v or NOT_RECORDED for v in values)
    rows = [Split(k, counts.get(k, 0)) for k in keys]
    if counts.get(NOT_RECORDED):
        rows.append(Split(NOT_RECORDED, counts[NOT_RECORDED]))
    return tuple(rows)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _figures(
    tickets: list[Row],
    facts: dict[int, _Facts],
    outcomes: Counter[str],
    start: datetime,
    end: datetime,
    council: str | None,
    sla: SlaPolicy,
) -> DeskReport:
    def within_period(at: datetime | None) -> bool:
        return at is not None and start <= at < end

    raised = [t for t in tickets if within_period(t.created_at)]
    resolved = [facts[t.id] for t in tickets if within_period(facts[t.id].resolved_at)]
    responded = [facts[t.id] for t in raised if facts[t.id].first_response_at is not None]
    first_response = [
        sla.between(f.created_at, f.first_response_at, f.raised_priority).total_seconds()
        for f in responded
        if f.first_response_at is not None
    ]
    to_resolve = [
        max(timedelta(), sla.between(f.created_at, f.resolved_at, f.resolved_priority) - f.waited).total_seconds()
        for f in resolved
        if f.resolved_at is not None
    ]
    sla_rows = tuple(
        SlaRow(
            p.value,
            sla.targets[p.value],
            sum(f.resolved_priority == p.value for f in resolved),
            sum(f.resolved_priority == p.value and f.resolved_within for f in resolved),
        )
        for p in Priority
    )
    rated = [t.rating for t in tickets if t.rating is not None and within_period(t.rated_at)]
    return DeskReport(
        start=start,
        end=end,
        council=council,
        raised=len(raised),
        by_category=_split((t.category for t in raised), [c.value for c in Category]),
        by_priority=_split((facts[t.id].raised_priority for t in raised), [p.value for p in Priority]),
        by_council=_split((t.council for t in raised), [council] if council else [c.value for c in ALL_COUNCILS]),
        by_setting=_split((t.work_setting for t in raised), [w.value for w in WorkSetting]),
        still_open=sum(t.is_open for t in raised),
        withdrawn=sum(within_period(facts[t.id].withdrawn_at) for t in tickets),
        resolved=len(resolved),
        sla=sla_rows,
        responded=len(responded),
        median_first_response=_median(first_response),
        median_resolve=_median(to_resolve),
        first_contact=sum(f.first_contact for f in resolved),
        reopened=sum(f.reopened for f in resolved),
        ratings=tuple(rated.count(score) for score in range(1, 6)),
        deflected=outcomes.get("fixed", 0),
        still_needed_help=outcomes.get("still_need_help", 0),
        days=_days(raised, resolved, start, end, sla.timezone),
    )


def _days(
    raised: list[Row], resolved: list[_Facts], start: datetime, end: datetime, timezone: str
) -> tuple[DayVolume, ...]:
    """Requests raised and first resolved on each local day of the period."""
    zone = ZoneInfo(timezone)
    first, last = start.astimezone(zone).date(), (end - timedelta(microseconds=1)).astimezone(zone).date()
    raised_on = Counter(t.created_at.astimezone(zone).date() for t in raised)
    resolved_on = Counter(f.resolved_at.astimezone(zone).date() for f in resolved if f.resolved_at is not None)
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return tuple(DayVolume(d, raised_on.get(d, 0), resolved_on.get(d, 0)) for d in days)
