"""Requests tied to strategy actions: a failing legacy system the action replaces, a rollout the requests
are about. The desk links and unlinks; the action's status lists its open requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage import plan, tickets, users
from storage.convert import ticket_record
from storage.enums import NoticeKind
from storage.errors import Conflict, NotFound, PermissionDenied
from storage.outbox import Outbox
from storage.records import TicketRecord
from storage.refs import TicketRef


async def _desk_and_request(s: AsyncSession, ref: TicketRef, actor_key: str) -> tuple[m.SupportRequest, m.User]:
    actor = await users.by_key(s, actor_key)
    if not tickets._works_tickets(actor):
        raise PermissionDenied("link_request", "agent", ref=ref)
    ticket = await s.get(m.SupportRequest, ref.number)
    if ticket is None:
        raise NotFound("request", ref)
    return ticket, actor


async def link(
    s: AsyncSession, outbox: Outbox, ref: TicketRef, action_ref: str, actor_key: str, now: datetime, *, on: bool
) -> tuple[TicketRecord, str]:
    """Tie request `ref` to the live action `action_ref` (on) or untie it; the desk only. Returns the request
    and the action's ref as stored."""
    ticket, actor = await _desk_and_request(s, ref, actor_key)
    action = await plan.action_by_ref(s, action_ref)
    existing = await s.scalar(
        select(m.RequestActionLink.id).where(
            m.RequestActionLink.request_id == ticket.id, m.RequestActionLink.action_id == action.id
        )
    )
    if on and existing is not None:
        raise Conflict("already_linked", ref, current=action.ref)
    if not on and existing is None:
        raise Conflict("not_linked", ref, current=action.ref)
    if on:
        s.add(m.RequestActionLink(request_id=ticket.id, action_id=action.id, linked_by=actor.key, linked_at=now))
    else:
        await s.execute(delete(m.RequestActionLink).where(m.RequestActionLink.id == existing))
    tickets.record_event(s, ticket, actor, "linked" if on else "unlinked", now, note=action.ref, action=action.ref)
    ticket.updated_at = now
    outbox.notify_triage(s, ticket, NoticeKind.REQUEST_CHANGED, now)
    return ticket_record(ticket), action.ref


async def actions_of(s: AsyncSession, number: int) -> tuple[str, ...]:
    """The refs of the actions a request is linked to, in ref order."""
    rows = await s.scalars(
        select(m.Action.ref)
        .join(m.RequestActionLink, m.RequestActionLink.action_id == m.Action.id)
        .where(m.RequestActionLink.request_id == number)
        .order_by(m.Action.ref)
    )
    return tuple(rows.all())


async def requests_of(s: AsyncSession, action_ref: str, *, open_only: bool = True) -> list[TicketRecord]:
    """The requests linked to the action `action_ref` names (any of its plan years' copies), oldest first."""
    ids = select(m.Action.id).where(m.Action.ref == action_ref.upper())
    stmt = (
        select(m.SupportRequest)
        .join(m.RequestActionLink, m.RequestActionLink.request_id == m.SupportRequest.id)
        .where(m.RequestActionLink.action_id.in_(ids))
        .order_by(m.SupportRequest.id)
    )
    if open_only:
        stmt = stmt.where(m.SupportRequest.is_open.is_(True))
    return [ticket_record(t) for t in (await s.scalars(stmt)).unique().all()]
