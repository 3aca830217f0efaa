"""The requester's answer to "How did we do?" on a resolved request: a score of 1 (very poor) to 5
(excellent) and an optional comment. One rating per request, which its requester may change until
RATING_DAYS after the request was resolved; each rating or change is an event in the request's history, is
told to its assignee, and a low score (or a change from one) to the triage channels, in the same
transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage import users
from storage.convert import rating_record, ticket_record
from storage.enums import NoticeKind
from storage.errors import Conflict, InvalidInput, PermissionDenied
from storage.outbox import Outbox
from storage.records import RatingRecord, TicketRecord
from storage.refs import TicketRef
from storage.schedule import local_day
from storage.tickets import load_visible, record_event

#: The scores, lowest first.
SCORES = (1, 2, 3, 4, 5)
#: Days after a request is resolved that its requester may rate it, or change their rating.
RATING_DAYS = 7
#: Scores at or below this are told to the triage channels too.
LOW_SCORE = 2
RATING_COMMENT_MAX = 1000


def checked_score(score: int) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
        raise InvalidInput("score", "out_of_range", value=score, allowed=tuple(str(n) for n in SCORES))
    return score


def checked_rating_comment(comment: str) -> str:
    comment = " ".join((comment or "").split())
    if len(comment) > RATING_COMMENT_MAX:
        raise InvalidInput("rating_comment", "too_long", value=len(comment), allowed=(str(RATING_COMMENT_MAX),))
    return comment


def rating_closes(resolved_at: datetime) -> datetime:
    """The last moment a request resolved at `resolved_at` may be rated, or its rating changed."""
    return resolved_at + timedelta(days=RATING_DAYS)


def may_rate(ticket: TicketRecord, now: datetime) -> bool:
    """Resolved (and not reopened or withdrawn since), no more than RATING_DAYS ago."""
    return not ticket.is_open and ticket.resolved_at is not None and now <= rating_closes(ticket.resolved_at)


async def rate(
    s: AsyncSession, outbox: Outbox, ref: TicketRef, actor_key: str, score: int, comment: str, now: datetime
) -> tuple[TicketRecord, bool]:
    """The requester (from any of their identities) rates their resolved request, or changes their rating.
    A rating without a comment keeps the comment given before. The same score and comment again change
    nothing and tell nobody: (the request, False). Otherwise (the request, True), with the event written and
    the assignee told (and the triage channels, for a low score or a change from one)."""
    score = checked_score(score)
    comment = checked_rating_comment(comment)
    ticket, actor, actor_keys = await load_visible(s, ref, actor_key)
    if ticket.requester_key not in actor_keys:
        raise PermissionDenied("rate_request", "requester", ref=ref)
    if ticket.is_open:
        raise Conflict("rating_while_open", ref, current=ticket.status)
    if ticket.resolved_at is None:  # closed without being resolved: withdrawn by its requester
        raise Conflict("rating_withdrawn", ref, current=ticket.status)
    if now > rating_closes(ticket.resolved_at):
        raise Conflict("rating_too_late", ref, current=local_day(ticket.resolved_at).isoformat())
    previous = ticket.rating
    kept = comment or (ticket.rating_comment or "")
    if previous == score and kept == (ticket.rating_comment or ""):
        return ticket_record(ticket), False
    ticket.rating, ticket.rating_comment, ticket.rated_at = score, kept or None, now
    if previous is not None:
        ticket.rating_changes = (ticket.rating_changes or 0) + 1
    ticket.updated_at = now
    record_event(s, ticket, actor, "rated", now, score=score, previous=previous, note=kept)
    said = dict(by=actor.display_name, score=score, previous=previous, comment=kept)
    if ticket.assignee_key and ticket.assignee_key not in actor_keys:
        outbox.notify_person(s, ticket, NoticeKind.RATED, ticket.assignee_key, now, **said)
    if score <= LOW_SCORE or (previous is not None and previous <= LOW_SCORE):
        outbox.notify_triage(s, ticket, NoticeKind.LOW_RATING, now, **said)
    return ticket_record(ticket), True


async def between(s: AsyncSession, start: datetime, end: datetime, viewer_key: str | None) -> list[RatingRecord]:
    """The ratings given or last changed in [start, end), oldest first. Agents and admins (viewer_key None:
    the command line)."""
    if viewer_key is not None:
        viewer = await users.by_key(s, viewer_key)
        if viewer is None or not (viewer.is_agent or viewer.is_admin):
            raise PermissionDenied("view_ratings", "agent")
    r = m.SupportRequest
    stmt = select(r).where(r.rating.is_not(None), r.rated_at >= start, r.rated_at < end).order_by(r.rated_at, r.id)
    return [rating_record(t) for t in (await s.scalars(stmt)).all()]
