"""Rows to records: the frozen objects the service API hands out instead of live ORM objects."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from storage import models as m
from storage.records import (
    ActionRecord,
    ActionUpdateRecord,
    ArticleRecord,
    ChannelPostRecord,
    IncidentRecord,
    JobRunRecord,
    NotificationRecord,
    Origin,
    RatingRecord,
    Remark,
    SelfHelpRecord,
    ThemeRecord,
    TicketEventRecord,
    TicketRecord,
    UserRecord,
)


def theme_record(t: m.Theme) -> ThemeRecord:
    return ThemeRecord(code=t.code, name=t.name, summary=t.summary, position=t.position, is_sample=t.is_sample)


def update_record(u: m.ActionUpdate) -> ActionUpdateRecord:
    return ActionUpdateRecord(
        at=u.at,
        author_key=u.author_key,
        author_name=u.author_name,
        progress=u.progress,
        rag=u.rag,
        note=u.note,
        kind=u.kind or "update",
        status=u.status,
        changes={k: tuple(v) for k, v in (u.changes or {}).items()},
    )


def action_record(
    a: m.Action, theme_code: str, updates: Iterable[m.ActionUpdate] = (), *, carried_from: str | None = None
) -> ActionRecord:
    return ActionRecord(
        ref=a.ref,
        theme_code=theme_code,
        title=a.title,
        description=a.description,
        owner=a.owner,
        owner_email=a.owner_email,
        partners=tuple(p for p in a.partners.split(",") if p),
        plan_year=a.plan_year,
        due=a.due,
        status=a.status,
        rag=a.rag,
        progress=a.progress,
        updated_at=a.updated_at,
        updates=tuple(update_record(u) for u in updates),
        owner_key=a.owner_key,
        deputies=tuple(d for d in (a.deputies or "").split(",") if d),
        start=a.start,
        proposed_due=a.proposed_due,
        retired_at=a.retired_at,
        carried_from=carried_from,
        last_reported_at=a.last_reported_at,
    )


def user_record(u: m.User, other_keys: Iterable[str] = ()) -> UserRecord:
    """`other_keys`: the same person's other identities (see storage.users.identities)."""
    return UserRecord(
        key=u.key,
        display_name=u.display_name,
        email=u.email,
        council=u.council,
        is_agent=u.is_agent,
        is_admin=u.is_admin,
        is_lead=u.is_lead,
        other_keys=tuple(other_keys),
        work_setting=u.work_setting,
    )


def remark(stored: dict | None) -> Remark | None:
    if not stored:
        return None
    return Remark(by=stored["by"], text=stored["text"], at=datetime.fromisoformat(stored["at"]))


def ticket_record(r: m.SupportRequest, events: Iterable[m.TicketEvent] = ()) -> TicketRecord:
    return TicketRecord(
        number=r.id,
        requester_key=r.requester_key,
        requester_name=r.requester_name,
        council=r.council,
        origin=Origin(
            platform=r.origin_platform,
            conversation=r.origin_conversation,
            thread=r.origin_thread,
            reference=r.origin_reference,
        ),
        category=r.category,
        priority=r.priority,
        summary=r.summary,
        description=r.description,
        location=r.location,
        contact=r.contact,
        status=r.status,
        assignee_key=r.assignee_key,
        assignee_name=r.assignee_name,
        resolution=r.resolution,
        created_at=r.created_at,
        updated_at=r.updated_at,
        resolved_at=r.resolved_at,
        sla_due=r.sla_due,
        sla_paused_at=r.sla_paused_at,
        sla_at_risk=r.sla_at_risk,
        work_setting=r.work_setting,
        latest_comment=remark(r.latest_comment),
        latest_note=remark(r.latest_note),
        requester_replied_at=r.requester_replied_at,
        incident_number=r.incident_id,
        submission_key=r.submission_key,
        rating=r.rating,
        rating_comment=r.rating_comment,
        rated_at=r.rated_at,
        events=tuple(
            TicketEventRecord(at=e.at, actor_key=e.actor_key, actor_name=e.actor_name, kind=e.kind, detail=e.detail)
            for e in events
        ),
    )


def rating_record(r: m.SupportRequest) -> RatingRecord:
    """The rating of a rated request (r.rating and r.rated_at set)."""
    assert r.rating is not None and r.rated_at is not None
    return RatingRecord(
        number=r.id,
        score=r.rating,
        comment=r.rating_comment or "",
        rated_at=r.rated_at,
        changes=r.rating_changes or 0,
        requester_key=r.requester_key,
        requester_name=r.requester_name,
        assignee_key=r.assignee_key,
        assignee_name=r.assignee_name,
        category=r.category,
        priority=r.priority,
        resolved_at=r.resolved_at,
    )


def notification_record(n: m.Notification) -> NotificationRecord:
    return NotificationRecord(
        id=n.id,
        request_number=n.request_id,
        kind=n.kind,
        channel=n.channel,
        recipient_key=n.recipient_key,
        payload=n.payload,
        attempts=n.attempts,
    )


def channel_post_record(p: m.ChannelPost) -> ChannelPostRecord:
    return ChannelPostRecord(p.request_id, p.platform, p.purpose, p.conversation, p.message_id)


def job_run_record(r: m.JobRun) -> JobRunRecord:
    return JobRunRecord(
        job=r.job,
        due_at=r.due_at,
        state=r.state,
        claimed_by=r.claimed_by,
        claimed_at=r.claimed_at,
        lease_until=r.lease_until,
        finished_at=r.finished_at,
        outcome=dict(r.outcome or {}),
    )


def article_record(a: m.KbArticle) -> ArticleRecord:
    return ArticleRecord(
        slug=a.slug,
        title=a.title,
        summary=a.summary,
        keywords=tuple(a.keywords or ()),
        categories=tuple(a.categories or ()),
        councils=tuple(a.councils or ()),
        body=a.body,
        content_hash=a.content_hash,
        updated_at=a.updated_at,
    )


def self_help_record(o: m.SelfHelpOutcome) -> SelfHelpRecord:
    return SelfHelpRecord(
        article_slug=o.article_slug,
        article_title=o.article_title,
        person_key=o.person_key,
        platform=o.platform,
        text=o.text,
        outcome=o.outcome,
        request_number=o.request_id,
        at=o.at,
    )


def incident_record(i: m.Incident, counts: tuple[int, int] = (0, 0)) -> IncidentRecord:
    """counts: its linked requests (open, all)."""
    return IncidentRecord(
        number=i.id,
        title=i.title,
        category=i.category,
        status=i.status,
        opened_by_name=i.opened_by_name,
        opened_at=i.opened_at,
        resolved_at=i.resolved_at,
        resolution=i.resolution,
        open_requests=counts[0],
        requests=counts[1],
    )
