"""Support requests: raising them, who may see and change them, the desk's changes, comments, the audit
trail of events, and the SLA policy (time to resolve, by priority)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage import users
from storage.convert import ticket_record
from storage.enums import Category, Council, NoticeKind, Priority, TicketStatus, WorkSetting
from storage.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from storage.outbox import Outbox
from storage.records import Origin, TicketRecord
from storage.refs import TicketRef
from storage.schedule import local_day, working_days_between
from storage.sla import SlaPolicy

SUMMARY_MAX = 200
#: One change the desk makes to an open request, inside the caller's transaction. It records its event
#: and tells the requester; the caller stamps the request and tells the triage channels.
DeskChange = Callable[[AsyncSession, Outbox, m.SupportRequest, m.User, datetime], Awaitable[None]]


def _works_tickets(user: m.User | None) -> bool:
    return user is not None and (user.is_agent or user.is_admin)


def checked_priority(priority: str) -> str:
    if priority not in tuple(Priority):
        raise InvalidInput("priority", "unknown", value=priority, allowed=tuple(p.value for p in Priority))
    return priority


def _checked_text(text: str, field: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput(field, "missing")
    return text


def record_event(s: AsyncSession, ticket: m.SupportRequest, actor: m.User, kind: str, now: datetime, **detail):
    s.add(m.TicketEvent(**event_row(ticket.id, actor, kind, now, **detail)))


def remark(actor: m.User, text: str, now: datetime) -> dict:
    """The latest comment or note as the request keeps it for its triage post."""
    return {"by": actor.display_name, "text": text, "at": now.isoformat()}


def desk_answered(ticket: m.SupportRequest) -> None:
    """The desk has said something to the requester: nothing of theirs awaits an answer any more."""
    ticket.requester_replied_at = None


def event_row(number: int, actor: m.User, kind: str, now: datetime, **detail) -> dict:
    return dict(request_id=number, at=now, actor_key=actor.key, actor_name=actor.display_name, kind=kind, detail=detail)


# ------------------------------------------------------------ raising and reading


@dataclass(frozen=True, slots=True)
class NewRequest:
    """A request as raised, checked when made: InvalidInput for a missing summary or an unknown category
    or priority."""

    summary: str
    description: str
    category: str
    priority: str
    origin: Origin
    location: str
    contact: str
    work_setting: str | None = None  # None: the requester's remembered one, if any

    def __post_init__(self) -> None:
        object.__setattr__(self, "summary", " ".join(self.summary.split()))
        checked_setting(self.work_setting)
        if not self.summary:
            raise InvalidInput("summary", "missing")
        if self.category not in tuple(Category):
            raise InvalidInput("category", "unknown", value=self.category, allowed=tuple(c.value for c in Category))
        checked_priority(self.priority)


def checked_setting(setting: str | None) -> str | None:
    if setting is not None and setting not in tuple(WorkSetting):
        raise InvalidInput("work_setting", "unknown", value=setting, allowed=tuple(w.value for w in WorkSetting))
    return setting


def checked_council(council: str | None) -> str | None:
    if council is not None and council not in tuple(Council):
        raise InvalidInput("council", "unknown", value=council, allowed=tuple(c.value for c in Council))
    return council


def request_values(new: NewRequest, now: datetime, sla: SlaPolicy) -> dict:
    """A new request's columns, but for its number and what comes from its requester (see new_requests.py)."""
    summary = new.summary
    return dict(
        origin_platform=new.origin.platform,
        origin_conversation=new.origin.conversation,
        origin_thread=new.origin.thread,
        origin_reference=new.origin.reference,
        category=new.category,
        priority=new.priority,
        summary=summary[:SUMMARY_MAX],
        description=new.description.strip() or (summary if len(summary) > SUMMARY_MAX else ""),
        location=new.location.strip()[:200],
        contact=new.contact.strip()[:200],
        work_setting=new.work_setting,
        status=TicketStatus.NEW.value,
        is_open=True,
        created_at=now,
        updated_at=now,
        sla_due=sla.due(now, new.priority),
        sla_at_risk=sla.at_risk_from(now, new.priority),
        sla_paused_seconds=0,
    )


def created_rows(
    outbox: Outbox, number: int, requester: m.User, new: NewRequest, now: datetime
) -> list[tuple[type[m.Base], dict]]:
    """What is written with a new request: its 'created' event and its triage notices."""
    event = (m.TicketEvent, event_row(number, requester, "created", now, priority=new.priority))
    return [event] + [(m.Notification, row) for row in outbox.triage_rows(number, NoticeKind.NEW_REQUEST, now)]


async def _raised_by(s: AsyncSession, ticket: m.SupportRequest | None, user: m.User | None) -> bool:
    """Whether `user` is the person who raised `ticket`, from whichever of their identities."""
    if ticket is None or user is None:
        return False
    return ticket.requester_key == user.key or ticket.requester_key in {u.key for u in await users.identities(s, user)}


async def load_visible(
    s: AsyncSession, ref: TicketRef, user_key: str
) -> tuple[m.SupportRequest, m.User, frozenset[str]]:
    """A request its requester (from any of their identities), agents and admins may see; to anyone else it
    does not exist. Also the keys of `user_key`'s person (their identities), read once for the caller."""
    user = await users.by_key(s, user_key)
    ticket = await s.get(m.SupportRequest, ref.number)
    keys = frozenset(u.key for u in await users.identities(s, user)) if user is not None else frozenset()
    if ticket is None or user is None or not (ticket.requester_key in keys or _works_tickets(user)):
        raise NotFound("request", ref)
    return ticket, user, keys


async def get(s: AsyncSession, ref: TicketRef, viewer_key: str, *, with_events: bool) -> TicketRecord:
    """A request as `viewer_key` may see it: internal notes only for the desk."""
    ticket, viewer, _keys = await load_visible(s, ref, viewer_key)
    events = ()
    if with_events:
        stmt = select(m.TicketEvent).where(m.TicketEvent.request_id == ref.number).order_by(m.TicketEvent.id)
        events = [e for e in (await s.scalars(stmt)).all() if _works_tickets(viewer) or not is_internal(e)]
    return ticket_record(ticket, events)


def is_internal(event: m.TicketEvent) -> bool:
    """An internal note: for the service desk's eyes only."""
    return bool((event.detail or {}).get("internal"))


async def get_unchecked_many(s: AsyncSession, numbers: set[int]) -> dict[int, TicketRecord]:
    rows = await s.scalars(select(m.SupportRequest).where(m.SupportRequest.id.in_(numbers)))
    return {t.id: ticket_record(t) for t in rows.all()}


async def get_unchecked(s: AsyncSession, ref: TicketRef) -> TicketRecord:
    ticket = await s.get(m.SupportRequest, ref.number)
    if ticket is None:
        raise NotFound("request", ref)
    return ticket_record(ticket)


async def of_requester(s: AsyncSession, requester_key: str, *, include_closed: bool, limit: int) -> list[TicketRecord]:
    """The requests the person raised, from any of their identities, newest first."""
    keys = await users.person_keys(s, requester_key)
    stmt = select(m.SupportRequest).where(m.SupportRequest.requester_key.in_(keys))
    if not include_closed:
        stmt = stmt.where(m.SupportRequest.is_open.is_(True))
    stmt = stmt.order_by(m.SupportRequest.id.desc()).limit(limit)
    return [ticket_record(t) for t in (await s.scalars(stmt)).all()]


async def queue(
    s: AsyncSession, viewer_key: str, *, priority: str | None, assignee_key: str | None, unassigned: bool, limit: int
) -> tuple[list[TicketRecord], int]:
    """Open requests by the time left on their SLA (those waiting on the requester last), optionally narrowed to one priority, one
    assignee (a person: any of their identities) or nobody's; and how many match in all. Agents only."""
    viewer = await s.scalar(select(m.User).where(m.User.key == viewer_key))
    if not _works_tickets(viewer):
        raise PermissionDenied("view_queue", "agent")
    r = m.SupportRequest
    match = [r.is_open.is_(True)]
    if priority:
        match.append(r.priority == priority)
    if assignee_key:
        match.append(r.assignee_key.in_(await users.person_keys(s, assignee_key)))
    if unassigned:
        match.append(r.assignee_key.is_(None))
    by_time_left = (r.sla_paused_at.is_not(None), r.sla_due, r.id)  # waiting on the requester: last
    rows = (await s.scalars(select(r).where(*match).order_by(*by_time_left).limit(limit))).all()
    total = await s.scalar(select(func.count()).select_from(r).where(*match))
    return [ticket_record(t) for t in rows], total


# ------------------------------------------------------------ the desk's changes


async def desk_change(
    s: AsyncSession, outbox: Outbox, ref: TicketRef, actor_key: str, now: datetime, change: DeskChange
) -> TicketRecord:
    """One desk change to an open request: only agents and admins, then `change`, then the triage posts
    are told."""
    actor = await users.by_key(s, actor_key)
    ticket = await s.get(m.SupportRequest, ref.number)
    if not _works_tickets(actor):
        raise PermissionDenied("change_request", "agent", ref=ref, own_request=await _raised_by(s, ticket, actor))
    if ticket is None:
        raise NotFound("request", ref)
    if not ticket.is_open:
        raise Conflict("closed", ref, current=ticket.status)
    await change(s, outbox, ticket, actor, now)
    ticket.updated_at = now
    outbox.notify_triage(s, ticket, NoticeKind.REQUEST_CHANGED, now)
    return ticket_record(ticket)


def assign(assignee_key: str | None) -> DeskChange:
    """To `assignee_key` (an agent or admin), or to the one making the change."""

    async def change(s: AsyncSession, outbox: Outbox, ticket: m.SupportRequest, actor: m.User, now: datetime):
        assignee = actor
        if assignee_key and assignee_key != actor.key:
            assignee = await s.scalar(select(m.User).where(m.User.key == assignee_key))
            if not _works_tickets(assignee):
                raise InvalidInput("assignee", "not_an_agent", value=assignee_key)
        if ticket.assignee_key == assignee.key:
            raise Conflict("already_assigned", TicketRef(ticket.id), current=assignee.display_name)
        ticket.assignee_key, ticket.assignee_name = assignee.key, assignee.display_name
        if ticket.status == TicketStatus.NEW.value:
            ticket.status = TicketStatus.ASSIGNED.value
        record_event(s, ticket, actor, "assigned", now, assignee=assignee.display_name)
        outbox.notify_requester(
            s, ticket, NoticeKind.ASSIGNED, now, by=actor.display_name, assignee=assignee.display_name
        )

    return change


def reprioritise(priority: str, sla: SlaPolicy) -> DeskChange:
    """A new priority (and so a new SLA target, counted from when the request was raised, in business time,
    with the time it has waited on the requester added)."""
    priority = checked_priority(priority.upper())

    async def change(s: AsyncSession, outbox: Outbox, ticket: m.SupportRequest, actor: m.User, now: datetime):
        if ticket.priority == priority:
            raise Conflict("same_priority", TicketRef(ticket.id), current=priority)
        old, ticket.priority = ticket.priority, priority
        set_clock(ticket, sla)
        record_event(s, ticket, actor, "priority", now, old=old, new=priority)
        outbox.notify_requester(s, ticket, NoticeKind.PRIORITY, now, by=actor.display_name, old=old, new=priority)

    return change


def wait_for_requester(question: str) -> DeskChange:
    """The desk needs something from the requester: the request waits and the requester is asked."""
    note = _checked_text(question, "question")

    async def change(s: AsyncSession, outbox: Outbox, ticket: m.SupportRequest, actor: m.User, now: datetime):
        ticket.status = TicketStatus.WAITING.value
        if ticket.sla_paused_at is None:
            ticket.sla_paused_at = now  # the SLA clock stops until the requester answers
        record_event(s, ticket, actor, "waiting", now, note=note)
        ticket.latest_comment = remark(actor, note, now)
        desk_answered(ticket)
        outbox.notify_requester(s, ticket, NoticeKind.WAITING, now, by=actor.display_name, note=note)

    return change


def resolve(resolution: str, sla: SlaPolicy) -> DeskChange:
    note = _checked_text(resolution, "resolution")

    async def change(s: AsyncSession, outbox: Outbox, ticket: m.SupportRequest, actor: m.User, now: datetime):
        resume_clock(ticket, sla, now)  # resolved while waiting: the wait does not count against the desk
        ticket.status = TicketStatus.RESOLVED.value
        ticket.is_open = False
        ticket.resolution = note
        ticket.resolved_at = now
        if ticket.assignee_key is None:
            ticket.assignee_key, ticket.assignee_name = actor.key, actor.display_name
        # The clock as it stood, for the desk report: due, business seconds waited, priority.
        clock = dict(due=ticket.sla_due.isoformat(), waited=ticket.sla_paused_seconds or 0, priority=ticket.priority)
        record_event(s, ticket, actor, "resolved", now, note=note, **clock)
        desk_answered(ticket)
        outbox.notify_requester(s, ticket, NoticeKind.RESOLVED, now, by=actor.display_name, note=note)

    return change


# ------------------------------------------------------------ comments


def checked_comment(note: str) -> str:
    return _checked_text(note, "comment")


def resume_clock(ticket: m.SupportRequest, sla: SlaPolicy, now: datetime) -> None:
    """The requester has answered: the business time waited is added to the target and the clock runs."""
    if ticket.sla_paused_at is None:
        return
    waited = sla.between(ticket.sla_paused_at, now, ticket.priority)
    ticket.sla_paused_seconds = int((ticket.sla_paused_seconds or 0) + waited.total_seconds())
    ticket.sla_paused_at = None
    set_clock(ticket, sla)


def set_clock(ticket: m.SupportRequest, sla: SlaPolicy) -> None:
    """Its due and at-risk times for its priority, from when it was raised, with the time it waited added."""
    paused = timedelta(seconds=ticket.sla_paused_seconds or 0)
    ticket.sla_due = sla.due(ticket.created_at, ticket.priority, paused)
    ticket.sla_at_risk = sla.at_risk_from(ticket.created_at, ticket.priority, paused)


async def add_comment(
    s: AsyncSession,
    outbox: Outbox,
    ref: TicketRef,
    author_key: str,
    note: str,
    now: datetime,
    sla: SlaPolicy,
) -> TicketRecord:
    """A comment on a request. From the requester (e.g. answering a question): the request goes back to
    the desk and the assignee is told. From the desk: the requester is told, where they raised it. The requester
    may comment from any of their identities."""
    ticket, author, author_keys = await load_visible(s, ref, author_key)
    from_requester = ticket.requester_key in author_keys
    if not ticket.is_open:
        raise Conflict("closed_to_comments", ref, current=ticket.status)
    if ticket.status == TicketStatus.WAITING.value and from_requester:
        ticket.status = TicketStatus.ASSIGNED.value if ticket.assignee_key else TicketStatus.NEW.value
        resume_clock(ticket, sla, now)
    ticket.updated_at = now
    record_event(s, ticket, author, "comment", now, note=note)
    ticket.latest_comment = remark(author, note, now)
    if from_requester:
        ticket.requester_replied_at = ticket.requester_replied_at or now
    else:
        desk_answered(ticket)
    told = ticket.assignee_key if from_requester else ticket.requester_key
    if told and told not in author_keys:
        outbox.notify_person(s, ticket, NoticeKind.COMMENTED, told, now, by=author.display_name, note=note)
    if from_requester and not ticket.assignee_key:  # nobody has it: the desk hears in the triage channel
        outbox.notify_triage(s, ticket, NoticeKind.REQUESTER_REPLIED, now, by=author.display_name, note=note)
    else:
        outbox.notify_triage(s, ticket, NoticeKind.REQUEST_CHANGED, now)
    return ticket_record(ticket)


# ------------------------------------------------------------ the requester's side: reopen, withdraw


#: How long after it was resolved a request may be reopened, in working days; after that, a new request.
REOPEN_WORKING_DAYS = 10


def may_reopen(ticket: TicketRecord, now: datetime) -> bool:
    """A resolved request, resolved no more than REOPEN_WORKING_DAYS working days ago."""
    if ticket.status != TicketStatus.RESOLVED.value or ticket.resolved_at is None:
        return False
    return working_days_between(local_day(ticket.resolved_at), local_day(now)) <= REOPEN_WORKING_DAYS


async def reopen(s: AsyncSession, outbox: Outbox, ref: TicketRef, actor_key: str, reason: str, now: datetime):
    """The requester (from any identity) or the desk reopens a resolved request within the window: it goes
    back to the desk (to its assignee, if it had one), and the other side is told."""
    reason = _checked_text(reason, "reason")
    ticket, actor, actor_keys = await load_visible(s, ref, actor_key)
    own = ticket.requester_key in actor_keys
    if ticket.is_open:
        raise Conflict("still_open", ref, current=ticket.status)
    if ticket.status != TicketStatus.RESOLVED.value:
        raise Conflict("not_resolved", ref, current=ticket.status)
    if not may_reopen(ticket_record(ticket), now):
        raise Conflict("reopen_too_late", ref, current=local_day(ticket.resolved_at).isoformat())
    ticket.status = TicketStatus.ASSIGNED.value if ticket.assignee_key else TicketStatus.NEW.value
    ticket.is_open, ticket.resolved_at, ticket.updated_at = True, None, now
    record_event(s, ticket, actor, "reopened", now, note=reason)
    ticket.latest_comment = remark(actor, reason, now)
    ticket.requester_replied_at = now if own else None
    told = ticket.assignee_key if own else ticket.requester_key
    if told and told not in actor_keys:
        outbox.notify_person(s, ticket, NoticeKind.REOPENED, told, now, by=actor.display_name, note=reason)
    outbox.notify_triage(s, ticket, NoticeKind.REQUEST_CHANGED, now)
    return ticket_record(ticket)


async def withdraw(s: AsyncSession, outbox: Outbox, ref: TicketRef, actor_key: str, reason: str, now: datetime):
    """The requester (from any identity) no longer needs an open request: it is closed, the assignee is told
    and the triage posts show it. Nobody else may withdraw it (the desk resolves)."""
    ticket, actor, actor_keys = await load_visible(s, ref, actor_key)
    own = ticket.requester_key in actor_keys
    if not own:
        raise PermissionDenied("withdraw_request", "requester", ref=ref)
    if not ticket.is_open:
        raise Conflict("closed", ref, current=ticket.status)
    reason = reason.strip()
    ticket.status, ticket.is_open, ticket.updated_at = TicketStatus.CLOSED.value, False, now
    ticket.resolution = "Withdrawn by the requester" + (f": {reason}" if reason else "")
    record_event(s, ticket, actor, "withdrawn", now, note=reason)
    if ticket.assignee_key and ticket.assignee_key not in actor_keys:
        outbox.notify_person(
            s, ticket, NoticeKind.WITHDRAWN, ticket.assignee_key, now, by=actor.display_name, note=reason
        )
    outbox.notify_triage(s, ticket, NoticeKind.REQUEST_CHANGED, now)
    return ticket_record(ticket)


async def set_whereabouts(
    s: AsyncSession,
    outbox: Outbox,
    ref: TicketRef,
    actor_key: str,
    council: str | None,
    setting: str | None,
    now: datetime,
) -> TicketRecord:
    """The requester's council and where they were working, on their request; the requester's answer is also
    remembered for their next requests. The requester (any identity) or the desk may say."""
    checked_council(council)
    checked_setting(setting)
    ticket, actor, actor_keys = await load_visible(s, ref, actor_key)
    own = ticket.requester_key in actor_keys  # or the desk: load_visible lets nobody else see it
    if council:
        ticket.council = council
    if setting:
        ticket.work_setting = setting
    if own:
        await users.remember_whereabouts(s, actor, council=council, setting=setting)
    ticket.updated_at = now
    said = ", ".join(w for w in (council, setting and f"working: {setting}") if w)
    record_event(s, ticket, actor, "whereabouts", now, note=said, council=council, work_setting=setting)
    outbox.notify_triage(s, ticket, NoticeKind.REQUEST_CHANGED, now)
    return ticket_record(ticket)


def internal_note(text: str) -> DeskChange:
    """A note for the desk only: kept on the request, shown on the triage post, never sent to the requester."""
    note = _checked_text(text, "internal_note")

    async def change(s: AsyncSession, outbox: Outbox, ticket: m.SupportRequest, actor: m.User, now: datetime):
        record_event(s, ticket, actor, "note", now, note=note, internal=True)
        ticket.latest_note = remark(actor, note, now)

    return change
