"""The `sla` job: requests whose SLA clock has reached at risk or breached are told to their assignee and to
the triage channels, once each per request. "Once" is the notifications table itself: a request that already
has a notice of that kind gets no other, and the job's notices are written in the transaction that marks its
run done (storage/jobs.py), so a second run, a restart or a second server adds nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage.enums import NoticeKind
from storage.outbox import Outbox


def _not_yet(kind: NoticeKind):
    told = select(m.Notification.id).where(
        m.Notification.request_id == m.SupportRequest.id, m.Notification.kind == kind.value
    )
    return ~exists(told)


async def notices(s: AsyncSession, outbox: Outbox, due_at: datetime) -> tuple[list[dict], dict]:
    """The at-risk and breached notices owed at `due_at` (requests waiting on the requester are paused)."""
    r = m.SupportRequest
    running = (r.is_open.is_(True), r.sla_paused_at.is_(None))
    breached = (
        await s.scalars(select(r).where(*running, r.sla_due <= due_at, _not_yet(NoticeKind.SLA_BREACHED)))
    ).all()
    at_risk = (
        await s.scalars(
            select(r).where(
                *running,
                r.sla_due > due_at,
                r.sla_at_risk <= due_at,
                _not_yet(NoticeKind.SLA_AT_RISK),
            )
        )
    ).all()
    rows: list[dict] = []
    for kind, found in ((NoticeKind.SLA_BREACHED, breached), (NoticeKind.SLA_AT_RISK, at_risk)):
        for ticket in sorted(found, key=lambda t: t.id):
            payload = {"due": ticket.sla_due.isoformat()}
            if ticket.assignee_key:
                rows.append(
                    outbox.row(
                        ticket.id, kind, ticket.assignee_key.split(":", 1)[0], ticket.assignee_key, due_at, **payload
                    )
                )
            rows += [
                outbox.row(ticket.id, kind, channel, None, due_at, **payload) for channel in outbox.notify_channels
            ]
    return rows, {"at_risk": len(at_risk), "breached": len(breached)}
