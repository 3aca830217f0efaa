"""The strategy plan: themes, actions, their progress updates, the status figures, import and export."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from cachetools import TTLCache
from sqlalchemy import Select, and_, case, delete, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import models as m
from storage import owners, users
from storage.convert import action_record, theme_record, update_record
from storage.enums import CARRIED_FORWARD, CLOSED_ACTION_STATUSES, ActionStatus, Rag
from storage.errors import InvalidInput, NotFound, PermissionDenied
from storage.plan_file import ActionInput, ImportResult, KeptField, ThemeInput
from storage.records import (
    STALE_DAYS,
    ActionRecord,
    ActionUpdateRecord,
    PlanScope,
    ThemeRecord,
    ThemeSummary,
    UnreachableOwner,
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
    clauses = [owners.owner_clause(user), *(deputies.contains(f",{key.lower()},") for key in user.person_keys)]
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
    author = await users.by_key(s, author_key)
    action = await action_by_ref(s, ref)
    if action.retired_at is not None or action.status == CARRIED_FORWARD:
        raise NotFound("action", action.ref, reason="closed")
    person = await users.record(s, author) if author is not None else None
    if person is None or not may_update_action(person, action):
        reason = owners.refusal(person, action)[0] if person is not None else "someone_else"
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
    s.add(history_entry(action, (author.key, author.display_name), "update", change.note.strip(), changes, now))
    action.updated_at = now
    action.last_reported_at = now  # the strategy cycle's clock: check-ins and nudges (storage/cycle.py)
    await s.flush()
    return await _record(s, action, await _recent_updates(s, action.id, RECENT_UPDATES))


def history_entry(
    action: m.Action, author: tuple[str, str], kind: str, note: str, changes: dict, now: datetime
) -> m.ActionUpdate:
    """One line of an action's history, with the action's figures after the change and what it changed."""
    return m.ActionUpdate(
        action_id=action.id,
        author_key=author[0],
        author_name=author[1],
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
        s.add(history_entry(action, (actor.key, actor.display_name), "change", f"Owner set to {name}", changes, now))
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
    s: AsyncSession,
    from_year: str,
    to_year: str,
    actor_key: str,
    *,
    due: date | None,
    now: datetime,
    require_admin: bool = True,
) -> list[ActionRecord]:
    """Carry every unfinished live action of `from_year` into `to_year`. The action (with its history) moves
    to the new year with a new due date (`due`, else a year on); a closed copy stays in the old year as
    'carried forward', linked from the action, so the old year's figures keep it and nothing counts twice."""
    actor = await s.scalar(select(m.User).where(m.User.key == actor_key))
    if actor is None or (require_admin and not actor.is_admin):
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
        s.add(
            history_entry(
                action,
                (actor.key, actor.display_name),
                "carried",
                f"Carried forward from {from_year} to {to_year}",
                changes,
                now,
            )
        )
        carried.append(action)
    await s.flush()
    return [await _record(s, a) for a in carried]


# ------------------------------------------------------------ import

#: The action fields a plan file sets (the columns of the same names), in file order.
FILE_FIELDS = tuple(k for k in ActionInput.model_fields if k != "ref")
#: Fields an owner moves together: when one of them was changed in chat and is kept, so is the other.
_PAIRED = {"status": "progress", "progress": "status"}
_NOTHING = object()


def _json(value: Any) -> Any:
    """A column's value as file_values and history rows keep it (JSON: dates as YYYY-MM-DD)."""
    return value.isoformat() if isinstance(value, date) else value


def _columns(a: ActionInput) -> dict[str, Any]:
    """The action's fields as its columns hold them (the owner's display name is chosen apart)."""
    return {
        "title": a.title,
        "description": a.description,
        "owner_email": email_key(a.owner_email),
        "owner_key": a.owner_key,
        "deputies": ",".join(a.deputies),
        "partners": ",".join(a.partners),
        "plan_year": a.plan_year,
        "start": a.start,
        "due": a.due,
        "status": a.status,
        "progress": a.progress,
        "rag": a.rag,
    }


@dataclass
class _Owners:
    """The display names of the known users the file's owners name, by key and by email."""

    by_key: dict[str, str] = field(default_factory=dict)
    by_email: dict[str, str] = field(default_factory=dict)

    @classmethod
    async def of(cls, s: AsyncSession, themes: Sequence[ThemeInput]) -> _Owners:
        actions = [a for t in themes for a in t.actions]
        keys = {a.owner_key for a in actions if a.owner_key}
        emails = {email_key(a.owner_email) for a in actions if a.owner_email}
        found = cls()
        if keys or emails:
            clause = or_(m.User.key.in_(keys), func.lower(m.User.email).in_(emails))
            for user in (await s.scalars(select(m.User).where(clause).order_by(m.User.key))).all():
                found.by_key[user.key] = user.display_name
                if user.email:
                    found.by_email.setdefault(user.email.lower(), user.display_name)
        return found

    def name(self, a: ActionInput) -> str | None:
        """The name the file gives, else the known user's (by key, then email); None if neither."""
        if a.owner:
            return a.owner
        if a.owner_key and a.owner_key in self.by_key:
            return self.by_key[a.owner_key]
        return self.by_email.get(email_key(a.owner_email) or "")


@dataclass
class _Outcome:
    themes_created: int = 0
    themes_updated: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[KeptField] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Author:
    key: str
    name: str
    note: str

    def record(self, s: AsyncSession, action: m.Action, changes: dict[str, list[Any]], now: datetime) -> None:
        """One history row for what an import changed on one action (its progress and RAG as they now are)."""
        s.add(history_entry(action, (self.key, self.name), "import", self.note, changes, now))


async def import_plan(
    s: AsyncSession,
    themes: Sequence[ThemeInput],
    *,
    sample: bool,
    now: datetime,
    author_key: str,
    note: str = "",
    overwrite: bool = False,
    retire_missing: bool = False,
    board_meetings: Sequence[date] = (),
    require_admin: bool = False,
) -> ImportResult:
    """Upsert themes by code and actions by ref (the live copy of each: not carried forward); validation
    is the caller's job.

    A field of the file is set unless the action's value was changed in chat since the last import
    (it differs from file_values, what that import wrote): then it is kept, unless `overwrite`. What an
    import changes is recorded in each action's history, by `author_key`, with `note`. Live actions the
    file does not have are reported as missing, and with `retire_missing` retired; a retired action the
    file has is restored. The sample plan never retires anything, and the first real import replaces it
    whole (its themes, actions and their updates), so a council's own plan is never mixed with invented
    actions. With `require_admin`, only an admin may import.
    """
    user = await s.scalar(select(m.User).where(m.User.key == author_key))
    if require_admin and (user is None or not user.is_admin):
        raise PermissionDenied("import_plan", "admin")
    author = _Author(author_key, user.display_name if user else author_key, note)
    removed = 0 if sample else await _drop_sample_plan(s)
    existing_themes = {t.code: t for t in (await s.scalars(select(m.Theme))).all()}
    live = {
        a.ref: a
        for a in (await s.scalars(select(m.Action).where(m.Action.status != CARRIED_FORWARD).order_by(m.Action.id)))
    }
    closed = select(m.Action.ref, m.Action.plan_year).where(m.Action.status == CARRIED_FORWARD)
    carried = {(ref, year) for ref, year in await s.execute(closed)}
    owners = await _Owners.of(s, themes)
    next_position = max((t.position for t in existing_themes.values()), default=-1) + 1
    outcome = _Outcome()
    in_file: set[str] = set()
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
            outcome.themes_created += 1
        else:
            theme.name = theme_in.name
            if theme_in.summary:
                theme.summary = theme_in.summary
            outcome.themes_updated += 1
        await s.flush()
        for a in theme_in.actions:
            in_file.add(a.ref)
            action = live.get(a.ref)
            if action is not None and a.plan_year != action.plan_year and (a.ref, a.plan_year) in carried:
                outcome.carried.append(f"{a.ref} {a.plan_year}")  # last year's row of an action rolled forward
                continue
            if action is None:
                values = _columns(a) | {"owner": owners.name(a) or a.owner_email or a.owner_key or ""}
                action = m.Action(ref=a.ref, theme_id=theme.id, updated_at=now, **values)
                action.file_values = {k: _json(v) for k, v in values.items()}
                s.add(action)
                live[a.ref] = action
                outcome.added.append(a.ref)
            else:
                _update(s, action, a, owners, outcome, author, now, overwrite=overwrite, record=not sample)
    await s.flush()
    missing = sorted(ref for ref, a in live.items() if ref not in in_file and a.retired_at is None)
    retired: list[str] = []
    if retire_missing and not sample:
        for ref in missing:
            action = live[ref]
            action.retired_at = now
            action.updated_at = now
            author.record(s, action, {"retired": [False, True]}, now)
            retired.append(ref)
    added_meetings = await _add_board_meetings(s, board_meetings, author_key, now)
    await s.flush()
    return ImportResult(
        themes_created=outcome.themes_created,
        themes_updated=outcome.themes_updated,
        actions_created=len(outcome.added),
        actions_updated=len(outcome.changed) + len(outcome.unchanged),
        sample_actions_removed=removed,
        added=tuple(outcome.added),
        changed=tuple(outcome.changed),
        unchanged=tuple(outcome.unchanged),
        kept=tuple(outcome.kept),
        missing=tuple(missing),
        retired=tuple(retired),
        restored=tuple(outcome.restored),
        carried_forward=tuple(outcome.carried),
        unreachable=tuple(await unreachable_owners(s)),
        board_meetings_added=added_meetings,
    )


def _update(
    s: AsyncSession,
    action: m.Action,
    a: ActionInput,
    owners: _Owners,
    outcome: _Outcome,
    author: _Author,
    now: datetime,
    *,
    overwrite: bool,
    record: bool,
) -> None:
    """Set the fields the file gives on an existing action, keeping those changed in chat since the last
    import (unless `overwrite`), and record what changed."""
    values = {k: v for k, v in _columns(a).items() if k in a.given or k == "title"}
    name = owners.name(a)
    if name is None and any(k in values and values[k] != getattr(action, k) for k in ("owner_email", "owner_key")):
        name = a.owner_email or a.owner_key  # someone nobody knows yet: the action shows how the file named them
    if name is not None:
        values["owner"] = name
    last = dict(action.file_values or {})
    wanted: dict[str, Any] = {}
    kept: set[str] = set()
    for k, v in values.items():
        current = _json(getattr(action, k))
        if _json(v) == current:
            last[k] = current
        elif k in last and last[k] != current and not overwrite:
            kept.add(k)  # changed in chat since the last import
        else:
            wanted[k] = v
    kept |= {_PAIRED[k] for k in kept if _PAIRED.get(k) in wanted}
    changes: dict[str, list[Any]] = {}
    for k in [k for k in values if k in kept]:
        outcome.kept.append(KeptField(action.ref, k, _json(getattr(action, k)), _json(values[k])))
    for k, v in wanted.items():
        if k in kept:
            continue
        changes[k] = [_json(getattr(action, k)), _json(v)]
        setattr(action, k, v)
        last[k] = _json(v)
    if action.retired_at is not None:
        action.retired_at = None
        changes["retired"] = [True, False]
        outcome.restored.append(action.ref)
    if last != (action.file_values or {}):
        action.file_values = last
    if not changes:
        outcome.unchanged.append(action.ref)
        return
    action.updated_at = now
    outcome.changed.append((action.ref, tuple(changes)))
    if record:
        author.record(s, action, changes, now)


async def _add_board_meetings(
    s: AsyncSession, days: Sequence[date], author_key: str, now: datetime
) -> tuple[date, ...]:
    """Add the Board meetings on `days` not already known; returns the days added, in order."""
    wanted = sorted(set(days))
    if not wanted:
        return ()
    known = set((await s.scalars(select(m.BoardMeeting.on).where(m.BoardMeeting.on.in_(wanted)))).all())
    added = tuple(day for day in wanted if day not in known)
    for day in added:
        s.add(m.BoardMeeting(on=day, note="", added_by=author_key, created_at=now))
    return added


async def unreachable_owners(s: AsyncSession) -> list[UnreachableOwner]:
    """Owners of live actions (not retired, not carried forward) whom no known user matches by key or
    by email (an owner named by neither can never be reached), in ref order."""
    a = m.Action
    known = (
        select(m.User.id)
        .where(
            or_(m.User.key == a.owner_key, and_(a.owner_email.is_not(None), func.lower(m.User.email) == a.owner_email))
        )
        .exists()
    )
    stmt = (
        select(a.ref, a.owner, a.owner_email, a.owner_key)
        .where(a.retired_at.is_(None), a.status != CARRIED_FORWARD, ~known)
        .order_by(a.ref)
    )
    return [UnreachableOwner(ref, owner, email, key) for ref, owner, email, key in (await s.execute(stmt)).all()]


async def _drop_sample_plan(s: AsyncSession) -> int:
    """Delete the sample themes with their actions and updates; returns how many actions went."""
    sample_ids = select(m.Theme.id).where(m.Theme.is_sample.is_(True))
    sample_actions = select(m.Action.id).where(m.Action.theme_id.in_(sample_ids))
    await s.execute(delete(m.ActionUpdate).where(m.ActionUpdate.action_id.in_(sample_actions)))
    removed = (await s.execute(delete(m.Action).where(m.Action.theme_id.in_(sample_ids)))).rowcount or 0
    await s.execute(delete(m.Theme).where(m.Theme.is_sample.is_(True)))
    return removed
