"""Major incidents: one fault that many requests report (a VPN outage on a Monday morning). The desk opens
one, which is announced in the triage and announcement channels; requests join it (the desk links them, or
a requester adds theirs); resolving it resolves every open request linked to it, each requester told once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage import tickets, users
from storage.convert import incident_record, ticket_record
from storage.enums import Category, IncidentStatus, NoticeKind
from storage.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from storage.outbox import Outbox
from storage.records import IncidentRecord, TicketRecord
from storage.refs import IncidentRef, TicketRef
from storage.sla import SlaPolicy

TITLE_MAX = 200
#: Where each incident notice goes, on every platform that takes triage posts.
DESTINATIONS = ("triage", "announce")


async def _counts(s: AsyncSession, numbers: list[int]) -> dict[int, tuple[int, int]]:
    r = m.SupportRequest
    rows = await s.execute(
        select(r.incident_id, func.count().filter(r.is_open.is_(True)), func.count())
        .where(r.incident_id.in_(numbers))
        .group_by(r.incident_id)
    )
    return {n: (open_, all_) for n, open_, all_ in rows.all()}


def _announce(outbox: Outbox, s: AsyncSession, kind: NoticeKind, incident: m.Incident, now: datetime, **payload):
    for channel in outbox.notify_channels:
        for to in DESTINATIONS:
            row = outbox.row(0, kind, channel, None, now, incident=incident.id, title=incident.title, to=to, **payload)
            row["request_id"] = None
            s.add(m.Notification(**row))


async def _desk(s: AsyncSession, actor_key: str, attempt: str) -> m.User:
    actor = await users.by_key(s, actor_key)
    if not tickets._works_tickets(actor):
        raise PermissionDenied(attempt, "agent")
    return actor


async def _incident(s: AsyncSession, ref: IncidentRef) -> m.Incident:
    incident = await s.get(m.Incident, ref.number)
    if incident is None:
        raise NotFound("incident", ref)
    return incident


async def open_incident(
    s: AsyncSession, outbox: Outbox, actor_key: str, title: str, category: str, now: datetime
) -> IncidentRecord:
    actor = await _desk(s, actor_key, "open_incident")
    title = " ".join(title.split())
    if not title:
        raise InvalidInput("incident_title", "missing")
    if category not in tuple(Category):
        raise InvalidInput("category", "unknown", value=category, allowed=tuple(c.value for c in Category))
    incident = m.Incident(
        title=title[:TITLE_MAX],
        category=category,
        status=IncidentStatus.OPEN.value,
        opened_by_key=actor.key,
        opened_by_name=actor.display_name,
        opened_at=now,
    )
    s.add(incident)
    await s.flush()
    _announce(outbox, s, NoticeKind.INCIDENT_OPENED, incident, now, category=category, by=actor.display_name)
    return incident_record(incident)


async def open_incidents(s: AsyncSession) -> list[IncidentRecord]:
    rows = (
        await s.scalars(
            select(m.Incident).where(m.Incident.status == IncidentStatus.OPEN.value).order_by(m.Incident.id)
        )
    ).all()
    counts = await _counts(s, [i.id for i in rows]) if rows else {}
    return [incident_record(i, counts.get(i.id, (0, 0))) for i in rows]


async def get(s: AsyncSession, ref: IncidentRef) -> IncidentRecord:
    incident = await _incident(s, ref)
    return incident_record(incident, (await _counts(s, [incident.id])).get(incident.id, (0, 0)))


async def join(
    s: AsyncSession, outbox: Outbox, ref: TicketRef, incident_ref: IncidentRef, actor_key: str, now: datetime
) -> tuple[TicketRecord, IncidentRecord]:
    """Request `ref` becomes part of the open incident: its requester (any identity) adds it, or the desk
    links it."""
    ticket, actor, _keys = await tickets.load_visible(s, ref, actor_key)
    incident = await _incident(s, incident_ref)
    if incident.status != IncidentStatus.OPEN.value:
        raise Conflict("incident_resolved", ref, current=str(incident_ref))
    if not ticket.is_open:
        raise Conflict("closed", ref, current=ticket.status)
    if ticket.incident_id == incident.id:
        raise Conflict("already_linked", ref, current=str(incident_ref))
    ticket.incident_id = incident.id
    ticket.updated_at = now
    tickets.record_event(s, ticket, actor, "linked", now, note=str(incident_ref), incident=incident.id)
    outbox.notify_triage(s, ticket, NoticeKind.REQUEST_CHANGED, now)
    return ticket_record(ticket), await get(s, incident_ref)


async def resolve(
    s: AsyncSession,
    outbox: Outbox,
    incident_ref: IncidentRef,
    actor_key: str,
    resolution: str,
    now: datetime,
    sla: SlaPolicy,
) -> tuple[IncidentRecord, list[TicketRecord]]:
    """The incident is over: every open request linked to it is resolved with the same note (each requester
    told once, as for any resolve), and the channels that heard of it hear it is fixed."""
    actor = await _desk(s, actor_key, "resolve_incident")
    incident = await _incident(s, incident_ref)
    if incident.status != IncidentStatus.OPEN.value:
        raise Conflict("incident_resolved", None, current=str(incident_ref))
    change = tickets.resolve(resolution, sla)  # checks the note once, for all of them
    incident.status, incident.resolved_at, incident.resolution = IncidentStatus.RESOLVED.value, now, resolution.strip()
    linked = (
        await s.scalars(
            select(m.SupportRequest)
            .where(m.SupportRequest.incident_id == incident.id, m.SupportRequest.is_open.is_(True))
            .order_by(m.SupportRequest.id)
        )
    ).all()
    for ticket in linked:
        await change(s, outbox, ticket, actor, now)
        ticket.updated_at = now
        outbox.notify_triage(s, ticket, NoticeKind.REQUEST_CHANGED, now)
    _announce(outbox, s, NoticeKind.INCIDENT_RESOLVED, incident, now, by=actor.display_name, note=incident.resolution)
    await s.flush()
    return await get(s, incident_ref), [ticket_record(t) for t in linked]
