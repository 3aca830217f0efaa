"""The strategy plan: themes, actions, their progress updates, the status figures, import and export."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cachetools import TTLCache
from sqlalchemy import Select, and_, case, delete, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import models as m
from storage import owners
from storage.convert import action_record, theme_record, update_record, user_record
from storage.enums import CARRIED_FORWARD, CLOSED_ACTION_STATUSES, ActionStatus, Rag
from storage.errors import InvalidInput, NotFound, PermissionDenied
from storage.plan_file import OPTIONAL_ACTION_FIELDS, ImportResult, ThemeInput
from storage.records import (
    STALE_DAYS,
    ActionRecord,
    ActionUpdateRecord,
    PlanScope,
    ThemeRecord,
    ThemeSummary,
    UserRecord,
)
from storage.refs import email_key

RECENT_UPDATES = 5
#: How long this process trusts the status figures it last read. Plan changes made through this process
#: are seen at once (every plan write clears the cache); changes by another process within this long.
SUMMARY_CACHE_SECONDS = 10.0


class SummaryCache:
    """The status figures by day, kept briefly. Concurrent misses share one query instead of all running it;
    a query that fails is not kept. Holds tuples of frozen records, so nothing handed out is shared mutably."""

    def __init__(self, ttl: float = SUMMARY_CACHE_SECONDS):
        self._by_day: TTLCache[Hashable, asyncio.Future[tuple[ThemeSummary, ...]]] = TTLCache(maxsize=32, ttl=ttl)

    async def get(
        self, today: Hashable, query: Callable[[], Awaitable[tuple[ThemeSummary, ...]]]
    ) -> list[ThemeSummary]:
        pending = self._by_day.get(today)
        if pending is None or pending.get_loop() is not asyncio.get_running_loop():
            pending = asyncio.ensure_future(query())
            self._by_day[today] = pending
            pending.add_done_callback(lambda done: self._drop_failed(today, done))
        return list(await asyncio.shield(pending))

    def _drop_failed(self, day: Hashable, done: asyncio.Future) -> None:
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


def live():
    """Actions in the plan now: not retired, and not an earlier year's copy closed as carried forward."""
    return and_(m.Action.retired_at.is_(None), m.Action.status != CARRIED_FORWARD)


def in_scope(scope: PlanScope | None):
    """The actions one partner council shares in, or of one plan year (every live action otherwise)."""
    clauses = [live()]
    if scope is not None and scope.council:
        clauses.append((literal(",") + m.Action.partners + literal(",")).contains(f",{scope.council},"))
    if scope is not None and scope.plan_year:
        clauses.append(m.Action.plan_year == scope.plan_year)
    return and_(*clauses)


def _open():
    return m.Action.status.not_in(CLOSED_ACTION_STATUSES)


def overdue_clause(today: date):
    return and_(m.Action.due < today, _open())


def flagged_clause(now: datetime, stale_days: int):
    """Open actions whose stated RAG may hide trouble: overdue, not started past their start, or stale."""
    today = now.date()
    stale_before = now - timedelta(days=stale_days + 1)
    last = func.coalesce(m.Action.last_reported_at, m.Action.updated_at)
    return and_(
        _open(),
        or_(
            m.Action.due < today,
            and_(m.Action.start < today, m.Action.status == ActionStatus.NOT_STARTED.value),
            last < stale_before,
        ),
    )


async def theme_summaries(
    s: AsyncSession, now: datetime, scope: PlanScope | None = None, stale_days: int = STALE_DAYS
) -> tuple[ThemeSummary, ...]:
    """Counts by RAG, completion, overdue and flags for every theme, over the actions in `scope`."""
    a = m.Action
    today = now.date()
    stmt = (
        select(
            m.Theme,
            func.count(a.id),
            func.sum(case((a.rag == Rag.RED.value, 1), else_=0)),
            func.sum(case((a.rag == Rag.AMBER.value, 1), else_=0)),
            func.sum(case((a.rag == Rag.GREEN.value, 1), else_=0)),
            func.sum(case((a.status == ActionStatus.COMPLETE.value, 1), else_=0)),
            func.sum(case((overdue_clause(today), 1), else_=0)),
            func.avg(a.progress),
            func.sum(case((flagged_clause(now, stale_days), 1), else_=0)),
        )
        .outerjoin(a, and_(a.theme_id == m.Theme.id, in_scope(scope)))
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
            flagged=int(flagged or 0),
        )
        for t, total, red, amber, green, done, late, avg, flagged in rows
    )


async def plan_years(s: AsyncSession, scope: PlanScope | None = None) -> list[str]:
    """The plan years the actions in `scope` belong to, oldest first."""
    stmt = select(m.Action.plan_year).where(in_scope(scope)).distinct().order_by(m.Action.plan_year)
    return list((await s.scalars(stmt)).all())


async def get_theme(s: AsyncSession, code: str) -> ThemeRecord:
    theme = await s.scalar(select(m.Theme).where(m.Theme.code == code.upper()))
    if theme is None:
        raise NotFound("theme", code)
    return theme_record(theme)


def _actions_query() -> Select:
    return select(m.Action, m.Theme.code).join(m.Theme).order_by(m.Theme.position, m.Action.ref)


def mine_clause(user: UserRecord):
    """The actions `user` owns or deputises on."""
    deputies = literal(",") + func.lower(m.Action.deputies) + literal(",")
    clauses = [owners.owner_clause(user), deputies.contains(f",{user.key.lower()},")]
    if user.email:
        clauses.append(deputies.contains(f",{user.email.lower()},"))
    return or_(*clauses)


async def list_actions(
    s: AsyncSession,
    *,
    theme: str | None,
    owner: UserRecord | None,
    overdue_on: date | None,
    limit: int | None,
    scope: PlanScope | None = None,
) -> list[ActionRecord]:
    stmt = _actions_query().where(in_scope(scope))
    if theme:
        stmt = stmt.where(m.Theme.code == theme.upper())
    if owner is not None:
        stmt = stmt.where(mine_clause(owner))
    if overdue_on is not None:
        stmt = stmt.where(overdue_clause(overdue_on))
    if limit:
        stmt = stmt.limit(limit)
    return [action_record(a, code) for a, code in (await s.execute(stmt)).all()]


async def count_actions(s: AsyncSession) -> int:
    return await s.scalar(select(func.count()).select_from(m.Action).where(live()))


async def _recent_updates(s: AsyncSession, action_id: int, limit: int) -> Sequence[m.ActionUpdate]:
    """An action's newest updates first."""
    stmt = (
        select(m.ActionUpdate)
        .where(m.ActionUpdate.action_id == action_id)
        .order_by(m.ActionUpdate.at.desc(), m.ActionUpdate.id.desc())
        .limit(limit)
    )
    return (await s.scalars(stmt)).all()


async def action_by_ref(s: AsyncSession, ref: str, *, plan_year: str | None = None) -> m.Action:
    """The action a ref names: its live copy (or, with plan_year, that year's copy); else the newest copy
    (a retired action, or one carried forward), so its history can still be read."""
    ref = ref.upper()
    stmt = select(m.Action).where(m.Action.ref == ref)
    if plan_year:
        stmt = stmt.where(m.Action.plan_year == plan_year)
    rows = (await s.scalars(stmt.order_by(m.Action.plan_year.desc()))).all()
    if not rows:
        raise NotFound("action", ref)
    return next((a for a in rows if a.retired_at is None and a.status != CARRIED_FORWARD), rows[0])


async def _record(s: AsyncSession, action: m.Action, updates: Sequence[m.ActionUpdate] = ()) -> ActionRecord:
    code = await s.scalar(select(m.Theme.code).where(m.Theme.id == action.theme_id))
    carried_from = None
    if action.carried_from_id is not None:
        old = await s.get(m.Action, action.carried_from_id)
        carried_from = f"{old.ref} {old.plan_year}" if old is not None else None
    return action_record(action, code, updates, carried_from=carried_from)


async def get_action(s: AsyncSession, ref: str, recent_updates: int, plan_year: str | None = None) -> ActionRecord:
    action = await action_by_ref(s, ref, plan_year=plan_year)
    return await _record(s, action, await _recent_updates(s, action.id, recent_updates))


async def action_history(s: AsyncSession, ref: str) -> list[ActionUpdateRecord]:
    action = await action_by_ref(s, ref)
    rows = await s.scalars(
        select(m.ActionUpdate).where(m.ActionUpdate.action_id == action.id).order_by(m.ActionUpdate.id)
    )
    return [update_record(u) for u in rows.all()]


async def export_plan(s: AsyncSession) -> list[tuple[ThemeRecord, list[ActionRecord]]]:
    themes = (
        await s.scalars(select(m.Theme).options(selectinload(m.Theme.actions)).order_by(m.Theme.position, m.Theme.code))
    ).all()
    return [
        (
            theme_record(t),
            [
                action_record(a, t.code)
                for a in sorted(t.actions, key=lambda a: a.ref)
                if a.retired_at is None and a.status != CARRIED_FORWARD
            ],
        )
        for t in themes
    ]


# ------------------------------------------------------------ progress updates and changes from chat


def may_update_action(user: UserRecord, action: ActionRecord | m.Action) -> bool:
    """Its owner (by identity or email), a deputy, or an admin."""
    return owners.may_update(user, action)


@dataclass(frozen=True, slots=True)
class ActionChange:
    """What an update from chat asks for; None leaves a field as it is."""

    progress: int | None = None
    rag: str | None = None
    status: str | None = None
    due: date | None = None
    note: str = ""

    def check(self) -> None:
        if self.progress is not None and not 0 <= self.progress <= 100:
            raise InvalidInput("progress", "out_of_range", value=self.progress)
        if self.rag is not None and self.rag not in tuple(Rag):
            raise InvalidInput("rag", "unknown", value=self.rag, allowed=tuple(Rag))
        if self.status is not None and self.status not in tuple(ActionStatus):
            raise InvalidInput("status", "unknown", value=self.status, allowed=tuple(ActionStatus))
        changes_state = self.status is not None or self.due is not None
        if not self.note.strip() and (not changes_state or self.progress is not None or self.rag is not None):
            raise InvalidInput("note", "missing")


def _new_state(action: m.Action, change: ActionChange) -> tuple[int, str]:
    """The progress and status after `change`: 100 % completes an action and completing it makes it 100 %;
    progress on an action not started, or below 100 % on a complete one, puts it in progress. Blocked stays
    blocked until the owner says otherwise."""
    progress = action.progress if change.progress is None else change.progress
    status = change.status
    if status is None:
        if progress == 100:
            status = ActionStatus.COMPLETE.value
        elif action.status == ActionStatus.COMPLETE.value or (
            action.status == ActionStatus.NOT_STARTED.value and progress > 0
        ):
            status = ActionStatus.IN_PROGRESS.value
        else:
            status = action.status
    if status == ActionStatus.COMPLETE.value:
        progress = 100
    elif progress == 100:
        raise InvalidInput("progress", "reopen", value=status)
    return progress, status


async def record_action_update(
    s: AsyncSession, ref: str, author_key: str, change: ActionChange, *, now: datetime
) -> ActionRecord:
    """Append to the action's history and move what the update sets, recording each field's old and new value.
    Its owner, a deputy or an admin may; a due date from anyone but an admin is recorded as proposed."""
    author = await s.scalar(select(m.User).where(m.User.key == author_key))
    action = await action_by_ref(s, ref)
    if action.retired_at is not None or action.status == CARRIED_FORWARD:
        raise NotFound("action", action.ref, reason="closed")
    if author is None or not may_update_action(user_record(author), action):
        reason = owners.refusal(user_record(author), action)[0] if author is not None else "someone_else"
        raise PermissionDenied(
            "update_action", "owner_or_admin", ref=action.ref, owner=action.owner, reason=reason, user_key=author_key
        )
    progress, status = _new_state(action, change)
    wanted: dict[str, object] = {"progress": progress, "status": status, "rag": change.rag or action.rag}
    if change.due is not None:
        if author.is_admin:
            wanted["due"] = change.due
            wanted["proposed_due"] = None
        else:
            wanted["proposed_due"] = change.due
    changes = {}
    for name, value in wanted.items():
        old = getattr(action, name)
        if old != value:
            changes[name] = [_plain(old), _plain(value)]
            setattr(action, name, value)
    s.add(history_entry(action, author, "update", change.note.strip(), changes, now))
    action.updated_at = now
    action.last_reported_at = now
    await s.flush()
    return await _record(s, action, await _recent_updates(s, action.id, RECENT_UPDATES))


def history_entry(
    action: m.Action, author: m.User, kind: str, note: str, changes: dict, now: datetime
) -> m.ActionUpdate:
    """One line of an action's history, with the action's figures after the change and what it changed."""
    return m.ActionUpdate(
        action_id=action.id,
        author_key=author.key,
        author_name=author.display_name,
        at=now,
        progress=action.progress,
        rag=action.rag,
        status=action.status,
        note=note,
        kind=kind,
        changes=changes,
    )


def _plain(value: object) -> object:
    """A value as JSON keeps it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, date) else value


async def set_owner(
    s: AsyncSession,
    ref: str,
    actor_key: str,
    *,
    name: str,
    key: str | None,
    email: str | None,
    now: datetime,
) -> ActionRecord:
    """An admin names an action's owner: by chat identity, by email, or both (the name is what people see)."""
    actor = await s.scalar(select(m.User).where(m.User.key == actor_key))
    if actor is None or not actor.is_admin:
        raise PermissionDenied("set_owner", "admin")
    action = await action_by_ref(s, ref)
    wanted = {"owner": name, "owner_key": key, "owner_email": email_key(email)}
    changes = {k: [getattr(action, k), v] for k, v in wanted.items() if getattr(action, k) != v}
    for k, v in wanted.items():
        setattr(action, k, v)
    if changes:
        s.add(history_entry(action, actor, "change", f"Owner set to {name}", changes, now))
        action.updated_at = now
    await s.flush()
    return await _record(s, action)


# ------------------------------------------------------------ plan years


def next_year_due(due: date | None) -> date | None:
    """The same day a year later (28 February for 29 February)."""
    if due is None:
        return None
    try:
        return due.replace(year=due.year + 1)
    except ValueError:
        return due.replace(year=due.year + 1, day=28)


async def roll_forward(
    s: AsyncSession, from_year: str, to_year: str, actor_key: str, *, due: date | None, now: datetime
) -> list[ActionRecord]:
    """Carry every unfinished live action of `from_year` into `to_year`. The action (with its history) moves
    to the new year with a new due date (`due`, else a year on); a closed copy stays in the old year as
    'carried forward', linked from the action, so the old year's figures keep it and nothing counts twice."""
    actor = await s.scalar(select(m.User).where(m.User.key == actor_key))
    if actor is None or not actor.is_admin:
        raise PermissionDenied("roll_forward", "admin")
    if from_year == to_year:
        raise InvalidInput("plan_year", "same", value=to_year)
    stmt = select(m.Action).where(live(), m.Action.plan_year == from_year, _open()).order_by(m.Action.ref)
    moving = (await s.scalars(stmt)).all()
    taken = set(
        (
            await s.scalars(
                select(m.Action.ref).where(m.Action.plan_year == to_year, m.Action.ref.in_([a.ref for a in moving]))
            )
        ).all()
    )
    if taken:
        raise InvalidInput("plan_year", "already_there", value=", ".join(sorted(taken)))
    carried: list[m.Action] = []
    for action in moving:
        kept = {
            c: getattr(action, c)
            for c in (
                "ref", "theme_id", "title", "description", "owner", "owner_email", "owner_key", "deputies",
                "partners", "due", "rag", "progress", "start", "last_reported_at",
            )
        }  # fmt: skip
        new_due = due or next_year_due(action.due)
        changes = {"plan_year": [from_year, to_year]}
        if new_due != action.due:
            changes["due"] = [_plain(action.due), _plain(new_due)]
        action.plan_year, action.due, action.proposed_due, action.updated_at = to_year, new_due, None, now
        await s.flush()  # the ref is free in the old year now
        copy = m.Action(**kept, plan_year=from_year, status=CARRIED_FORWARD, updated_at=now)
        s.add(copy)
        await s.flush()
        action.carried_from_id = copy.id
        s.add(history_entry(action, actor, "carried", f"Carried forward from {from_year} to {to_year}", changes, now))
        carried.append(action)
    await s.flush()
    return [await _record(s, a) for a in carried]


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
