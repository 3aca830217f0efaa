"""The MKS Shared Services Board's meeting dates: the strategy cycle's check-ins count back from them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic_core import PydanticCustomError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage import plan_fields
from storage.errors import InvalidInput, NotFound, PermissionDenied
from storage.records import BoardMeetingRecord
from storage.text import clean_text

NOTE_MAX = 200


def record(b: m.BoardMeeting) -> BoardMeetingRecord:
    return BoardMeetingRecord(on=b.on, note=b.note, added_by=b.added_by)


def parse_day(value: Any) -> date:
    """A date as people write it: ISO (2021-03-15) or UK (15/03/2021), by the plan files' own rule."""
    try:
        return plan_fields.due(value)
    except PydanticCustomError:
        raise InvalidInput("date", "malformed", value=str(value)[:20]) from None


def checked_note(note: str) -> str:
    cleaned = clean_text(note or "", multiline=False).strip()
    if len(cleaned) > NOTE_MAX:
        raise InvalidInput("note", "too_long", value=len(cleaned), allowed=(str(NOTE_MAX),))
    return cleaned


async def check_admin(s: AsyncSession, actor_key: str | None) -> str:
    """Who is changing the dates: an admin's key, or 'command line' for the `ictbot board` commands
    (run by someone with the server's database in hand). Anyone else is refused."""
    if actor_key is None:
        return "command line"
    actor = await s.scalar(select(m.User).where(m.User.key == actor_key))
    if actor is None or not actor.is_admin:
        raise PermissionDenied("change_board", "admin")
    return actor_key


async def add(
    s: AsyncSession, on: date, note: str, actor_key: str | None, now: datetime
) -> tuple[BoardMeetingRecord, bool]:
    """Put a meeting on the list; (the meeting, True), or (the one already on that date, False)."""
    added_by = await check_admin(s, actor_key)
    existing = await s.scalar(select(m.BoardMeeting).where(m.BoardMeeting.on == on))
    if existing is not None:
        return record(existing), False
    meeting = m.BoardMeeting(on=on, note=checked_note(note), added_by=added_by, created_at=now)
    s.add(meeting)
    await s.flush()
    return record(meeting), True


async def remove(s: AsyncSession, on: date, actor_key: str | None) -> BoardMeetingRecord:
    await check_admin(s, actor_key)
    meeting = await s.scalar(select(m.BoardMeeting).where(m.BoardMeeting.on == on))
    if meeting is None:
        raise NotFound("board_meeting", on.isoformat())
    gone = record(meeting)
    await s.delete(meeting)
    return gone


async def list_all(s: AsyncSession, *, from_day: date | None = None) -> list[BoardMeetingRecord]:
    """The meetings in date order (from `from_day` on, when given)."""
    stmt = select(m.BoardMeeting).order_by(m.BoardMeeting.on)
    if from_day is not None:
        stmt = stmt.where(m.BoardMeeting.on >= from_day)
    return [record(b) for b in (await s.scalars(stmt)).all()]


async def next_meeting(s: AsyncSession, today: date) -> BoardMeetingRecord | None:
    """The first meeting today or later."""
    found = await s.scalar(
        select(m.BoardMeeting).where(m.BoardMeeting.on >= today).order_by(m.BoardMeeting.on).limit(1)
    )
    return record(found) if found is not None else None


async def last_meeting(s: AsyncSession, today: date) -> BoardMeetingRecord | None:
    """The latest meeting before today."""
    found = await s.scalar(
        select(m.BoardMeeting).where(m.BoardMeeting.on < today).order_by(m.BoardMeeting.on.desc()).limit(1)
    )
    return record(found) if found is not None else None
