"""The strategy plan: themes, actions, their progress updates, the status figures, import and export."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime

from cachetools import TTLCache
from sqlalchemy import Select, and_, case, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import models as m
from storage import owners
from storage.convert import action_record, theme_record, update_record, user_record
from storage.enums import ActionStatus, Rag
from storage.errors import InvalidInput, NotFound, PermissionDenied
from storage.plan_file import OPTIONAL_ACTION_FIELDS, ImportResult, ThemeInput
from storage.records import ActionRecord, ActionUpdateRecord, ThemeRecord, ThemeSummary, UserRecord
from storage.refs import email_key

RECENT_UPDATES = 5
#: How long this process trusts the status figures it last read. Plan changes made through this process
#: are seen at once (every plan write clears the cache); changes by another process within this long.
SUMMARY_CACHE_SECONDS = 10.0


class SummaryCache:
    """The status figures by day, kept briefly. Concurrent misses share one query instead of all running it;
    a query that fails is not kept. Holds tuples of frozen records, so nothing handed out is shared mutably."""

    def __init__(self, ttl: float = SUMMARY_CACHE_SECONDS):
        self._by_day: TTLCache[date, asyncio.Future[tuple[ThemeSummary, ...]]] = TTLCache(maxsize=4, ttl=ttl)

    async def get(self, today: date, query: Callable[[], Awaitable[tuple[ThemeSummary, ...]]]) -> list[ThemeSummary]:
        pending = self._by_day.get(today)
        if pending is None or pending.get_loop() is not asyncio.get_running_loop():
            pending = asyncio.ensure_future(query())
            self._by_day[today] = pending
            pending.add_done_callback(lambda done: self._drop_failed(today, done))
        return list(await asyncio.shield(pending))

    def _drop_failed(self, day: date, done: asyncio.Future) -> None:
        if (done.cancelled() or done.exception() is not None) and self._by_day.get(day) is done:
            del self._by_day[day]

    def clear(self) -> None:
        self._by_day.clear()


# ------------------------------------------------------------ reading


async def has_themes(s: AsyncSession) -> bool:
    return (await s.scalar(select(func.count()).select_from(m.Theme))) > 0


async def list_themes(s: AsyncSession) -> list[ThemeRecord]:
    rows = (await s.scalars(select(m.Theme).order_by(m.Theme.position, m.Theme.code))).all()
    return [theme_record(t) for t in rows]


async def theme_summaries(s: AsyncSession, today: date) -> tuple[ThemeSummary, ...]:
    """Counts by RAG, completion and overdue for every theme."""
    a = m.Action
    overdue = and_(a.due < today, a.status != ActionStatus.COMPLETE.value)
    stmt = (
        select(
            m.Theme,
            func.count(a.id),
            func.sum(case((a.rag == Rag.RED.value, 1), else_=0)),
            func.sum(case((a.rag == Rag.AMBER.value, 1), else_=0)),
            func.sum(case((a.rag == Rag.GREEN.value, 1), else_=0)),
            func.sum(case((a.status == ActionStatus.COMPLETE.value, 1), else_=0)),
            func.sum(case((overdue, 1), else_=0)),
            func.avg(a.progress),
        )
        .outerjoin(a, a.theme_id == m.Theme.id)
        .group_by(m.Theme.id)
        .order_by(m.Theme.position, m.Theme.code)
    )
    rows = (await s.execute(stmt)).all()
    return tuple(
        ThemeSummary(
            theme=theme_record(t),
            total=total,
            red=int(red or 0),
            amber=int(amber or 0),
            green=int(green or 0),
            complete=int(done or 0),
            overdue=int(late or 0),
            average_progress=round(float(avg or 0)),
        )
        for t, total, red, amber, green, done, late, avg in rows
    )


async def get_theme(s: AsyncSession, code: str) -> ThemeRecord:
    theme = await s.scalar(select(m.Theme).where(m.Theme.code == code.upper()))
    if theme is None:
        raise NotFound("theme", code)
    return theme_record(theme)


def _actions_query() -> Select:
    return select(m.Action, m.Theme.code).join(m.Theme).order_by(m.Theme.position, m.Action.ref)


async def list_actions(
    s: AsyncSession, *, theme: str | None, owner_email: str | None, overdue_on: date | None, limit: int | None
) -> list[ActionRecord]:
    stmt = _actions_query()
    if theme:
        stmt = stmt.where(m.Theme.code == theme.upper())
    if owner_email is not None:
        stmt = stmt.where(m.Action.owner_email == email_key(owner_email))
    if overdue_on is not None:
        stmt = stmt.where(m.Action.due < overdue_on, m.Action.status != ActionStatus.COMPLETE.value)
    if limit:
        stmt = stmt.limit(limit)
    return [action_record(a, code) for a, code in (await s.execute(stmt)).all()]


async def count_actions(s: AsyncSession) -> int:
    return await s.scalar(select(func.count()).select_from(m.Action))


async def _recent_updates(s: AsyncSession, action_id: int, limit: int) -> Sequence[m.ActionUpdate]:
    """An action's newest updates first."""
    stmt = (
        select(m.ActionUpdate)
        .where(m.ActionUpdate.action_id == action_id)
        .order_by(m.ActionUpdate.at.desc(), m.ActionUpdate.id.desc())
        .limit(limit)
    )
    return (await s.scalars(stmt)).all()


async def get_action(s: AsyncSession, ref: str, recent_updates: int) -> ActionRecord:
    row = (await s.execute(_actions_query().where(m.Action.ref == ref.upper()))).first()
    if row is None:
        raise NotFound("action", ref.upper())
    action, code = row
    return action_record(action, code, await _recent_updates(s, action.id, recent_updates))


async def action_history(s: AsyncSession, ref: str) -> list[ActionUpdateRecord]:
    action = await s.scalar(select(m.Action).where(m.Action.ref == ref.upper()))
    if action is None:
        raise NotFound("action", ref.upper())
    rows = await s.scalars(
        select(m.ActionUpdate).where(m.ActionUpdate.action_id == action.id).order_by(m.ActionUpdate.id)
    )
    return [update_record(u) for u in rows.all()]


async def export_plan(s: AsyncSession) -> list[tuple[ThemeRecord, list[ActionRecord]]]:
    themes = (
        await s.scalars(select(m.Theme).options(selectinload(m.Theme.actions)).order_by(m.Theme.position, m.Theme.code))
    ).all()
    return [
        (theme_record(t), [action_record(a, t.code) for a in sorted(t.actions, key=lambda a: a.ref)]) for t in themes
    ]


# ------------------------------------------------------------ progress updates


def may_update_action(user: UserRecord, action: ActionRecord | m.Action) -> bool:
    """Its owner (by identity or email), a deputy, or an admin."""
    return owners.may_update(user, action)


def check_update(progress: int, rag: str | None, note: str) -> None:
    if not 0 <= progress <= 100:
        raise InvalidInput("progress", "out_of_range", value=progress)
    if not note.strip():
        raise InvalidInput("note", "missing")
    if rag is not None and rag not in tuple(Rag):
        raise InvalidInput("rag", "unknown", value=rag, allowed=tuple(Rag))


async def record_action_update(
    s: AsyncSession, ref: str, author_key: str, *, progress: int, rag: str | None, note: str, now: datetime
) -> ActionRecord:
    """Append to the action's history and move its progress/RAG. Only its owner or an admin may."""
    author = await s.scalar(select(m.User).where(m.User.key == author_key))
    action = await s.scalar(select(m.Action).where(m.Action.ref == ref.upper()))
    if action is None:
        raise NotFound("action", ref.upper())
    if author is None or not may_update_action(user_record(author), action):
        reason = owners.refusal(user_record(author), action)[0] if author is not None else "someone_else"
        raise PermissionDenied("update_action", "owner_or_admin", ref=action.ref, owner=action.owner, reason=reason)
    new_rag = rag or action.rag
    s.add(
        m.ActionUpdate(
            action_id=action.id,
            author_key=author.key,
            author_name=author.display_name,
            at=now,
            progress=progress,
            rag=new_rag,
            note=note.strip(),
        )
    )
    action.progress = progress
    action.rag = new_rag
    action.updated_at = now
    action.last_reported_at = now  # the strategy cycle's clock: check-ins and nudges (storage/cycle.py)
    if progress == 100:
        action.status = ActionStatus.COMPLETE.value
    elif action.status in (ActionStatus.NOT_STARTED.value, ActionStatus.COMPLETE.value):
        action.status = ActionStatus.IN_PROGRESS.value
    await s.flush()
    theme_code = await s.scalar(select(m.Theme.code).where(m.Theme.id == action.theme_id))
    return action_record(action, theme_code, await _recent_updates(s, action.id, RECENT_UPDATES))


# ------------------------------------------------------------ import


async def import_plan(s: AsyncSession, themes: Sequence[ThemeInput], *, sample: bool, now: datetime) -> ImportResult:
    """Upsert themes by code and actions by ref. Validation is the caller's job.

    The first real import replaces the sample plan (its themes, actions and their updates) whole, so a
    council's own plan is never mixed with invented actions.
    """
    counts = {"tc": 0, "tu": 0, "ac": 0, "au": 0, "removed": 0}
    if not sample:
        counts["removed"] = await _drop_sample_plan(s)
    existing_themes = {t.code: t for t in (await s.scalars(select(m.Theme))).all()}
    existing_actions = {a.ref: a for a in (await s.scalars(select(m.Action))).all()}
    next_position = max((t.position for t in existing_themes.values()), default=-1) + 1
    for theme_in in themes:
        theme = existing_themes.get(theme_in.code)
        if theme is None:
            theme = m.Theme(
                code=theme_in.code,
                name=theme_in.name,
                summary=theme_in.summary,
                position=next_position,
                is_sample=sample,
            )
            next_position += 1
            s.add(theme)
            existing_themes[theme.code] = theme
            counts["tc"] += 1
        else:
            theme.name = theme_in.name
            if theme_in.summary:
                theme.summary = theme_in.summary
            counts["tu"] += 1
        await s.flush()
        for a in theme_in.actions:
            values = dict(
                theme_id=theme.id,
                title=a.title,
                description=a.description,
                owner=a.owner,
                owner_email=email_key(a.owner_email),
                partners=",".join(a.partners),
                plan_year=a.plan_year,
                due=a.due,
                status=a.status,
                rag=a.rag,
                progress=a.progress,
            )
            action = existing_actions.get(a.ref)
            if action is None:
                action = m.Action(ref=a.ref, updated_at=now, **values)
                s.add(action)
                existing_actions[a.ref] = action
                counts["ac"] += 1
            else:
                values = {k: v for k, v in values.items() if k not in OPTIONAL_ACTION_FIELDS or k in a.given}
                changed = any(getattr(action, k) != v for k, v in values.items())
                for k, v in values.items():
                    setattr(action, k, v)
                if changed:
                    action.updated_at = now
                counts["au"] += 1
    await s.flush()
    return ImportResult(counts["tc"], counts["tu"], counts["ac"], counts["au"], counts["removed"])


async def _drop_sample_plan(s: AsyncSession) -> int:
    """Delete the sample themes with their actions and updates; returns how many actions went."""
    sample_ids = select(m.Theme.id).where(m.Theme.is_sample.is_(True))
    sample_actions = select(m.Action.id).where(m.Action.theme_id.in_(sample_ids))
    await s.execute(delete(m.ActionUpdate).where(m.ActionUpdate.action_id.in_(sample_actions)))
    removed = (await s.execute(delete(m.Action).where(m.Action.theme_id.in_(sample_ids)))).rowcount or 0
    await s.execute(delete(m.Theme).where(m.Theme.is_sample.is_(True)))
    return removed
