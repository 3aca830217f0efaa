"""The plan as the Board report reads it: one row per live action with its latest narrative and how long it has
been red, blocked or overdue; snapshots of those rows at Board meetings and month ends (written once, never
rewritten); and the Board report's data, live or as at a past day."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage import plan, schedule
from storage.convert import theme_record
from storage.enums import ActionStatus, Rag
from storage.errors import InvalidInput
from storage.records import STALE_DAYS, BoardAction, BoardData, TrendPoint

BOARD, MONTH, MANUAL = "board", "month", "manual"
KINDS = (BOARD, MONTH, MANUAL)


def _since_red(updates: list[m.ActionUpdate]) -> datetime | None:
    """When the unbroken run of red updates that ends with the latest began."""
    since = None
    for u in reversed(updates):  # newest first
        if u.rag != Rag.RED.value:
            break
        since = u.at
    return since


def _since_blocked(updates: list[m.ActionUpdate]) -> datetime | None:
    """When the action was last set to blocked."""
    for u in reversed(updates):
        change = (u.changes or {}).get("status")
        if (change and change[-1] == ActionStatus.BLOCKED.value) or (
            u.status == ActionStatus.BLOCKED.value and not change
        ):
            return u.at
    return None


async def live_rows(s: AsyncSession, now: datetime, stale_days: int = STALE_DAYS) -> list[BoardAction]:
    """Every live action as the Board report reads it, in the strategy's order (theme, then ref)."""
    stmt = (
        select(m.Action, m.Theme.code, plan.flagged_clause(now, stale_days))
        .join(m.Theme)
        .where(plan.live())
        .order_by(m.Theme.position, m.Action.ref)
    )
    rows = (await s.execute(stmt)).all()
    ids = [a.id for a, _, _ in rows]
    updates: dict[int, list[m.ActionUpdate]] = {i: [] for i in ids}
    if ids:
        stmt = select(m.ActionUpdate).where(m.ActionUpdate.action_id.in_(ids)).order_by(m.ActionUpdate.at)
        for u in (await s.scalars(stmt)).all():
            updates[u.action_id].append(u)
    out = []
    for a, code, flagged in rows:
        history = updates[a.id]
        narrative = next((u for u in reversed(history) if u.kind == "update" and u.note.strip()), None)
        red = _since_red(history) if a.rag == Rag.RED.value else None
        blocked = _since_blocked(history) if a.status == ActionStatus.BLOCKED.value else None
        out.append(
            BoardAction(
                ref=a.ref,
                plan_year=a.plan_year,
                theme_code=code,
                title=a.title,
                owner=a.owner,
                partners=tuple(p for p in a.partners.split(",") if p),
                due=a.due,
                status=a.status,
                rag=a.rag,
                progress=a.progress,
                flagged=bool(flagged),
                narrative=narrative.note if narrative else "",
                narrative_at=narrative.at if narrative else None,
                red_since=red,
                blocked_since=blocked,
            )
        )
    return out


def _to_json(r: BoardAction) -> dict:
    return {
        "ref": r.ref,
        "plan_year": r.plan_year,
        "theme": r.theme_code,
        "title": r.title,
        "owner": r.owner,
        "partners": list(r.partners),
        "due": r.due.isoformat() if r.due else None,
        "status": r.status,
        "rag": r.rag,
        "progress": r.progress,
        "flagged": r.flagged,
        "narrative": r.narrative,
        "narrative_at": r.narrative_at.isoformat() if r.narrative_at else None,
        "red_since": r.red_since.isoformat() if r.red_since else None,
        "blocked_since": r.blocked_since.isoformat() if r.blocked_since else None,
    }


def _from_json(d: dict) -> BoardAction:
    def moment(value):
        return datetime.fromisoformat(value) if value else None

    return BoardAction(
        ref=d["ref"],
        plan_year=d["plan_year"],
        theme_code=d["theme"],
        title=d["title"],
        owner=d["owner"],
        partners=tuple(d["partners"]),
        due=date.fromisoformat(d["due"]) if d["due"] else None,
        status=d["status"],
        rag=d["rag"],
        progress=d["progress"],
        flagged=d["flagged"],
        narrative=d["narrative"],
        narrative_at=moment(d["narrative_at"]),
        red_since=moment(d["red_since"]),
        blocked_since=moment(d["blocked_since"]),
    )


async def take(s: AsyncSession, on: date, kind: str, now: datetime, stale_days: int = STALE_DAYS) -> int | None:
    """Snapshot the plan as it is now for `on`; None (and nothing written) when one of `kind` exists for it."""
    if kind not in KINDS:
        raise InvalidInput("kind", "unknown", value=kind)
    existing = await s.scalar(select(m.PlanSnapshot.id).where(m.PlanSnapshot.on == on, m.PlanSnapshot.kind == kind))
    if existing is not None:
        return None
    rows = await live_rows(s, now, stale_days)
    s.add(m.PlanSnapshot(on=on, kind=kind, taken_at=now, actions=[_to_json(r) for r in rows]))
    await s.flush()
    return len(rows)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def due_times(boards: list[date], start: datetime, end: datetime, timezone: str) -> list[tuple[datetime, date, str]]:
    """The snapshot job's due times in (start, end]: each Board day at 09:00 (before it meets) and each month's
    end at midnight after its last day; with the day and kind each stands for."""
    out: list[tuple[datetime, date, str]] = []
    for day in boards:
        due = schedule.due_on(day, timezone)
        if start < due <= end:
            out.append((due, day, BOARD))
    first = schedule.local_day(start, timezone).replace(day=1)
    while True:
        last = month_end(first)
        due = schedule.start_of(last + timedelta(days=1), timezone)
        if due > end:
            break
        if due > start:
            out.append((due, last, MONTH))
        first = last + timedelta(days=1)
    return sorted(out)


async def _snapshot_at(s: AsyncSession, day: date) -> m.PlanSnapshot | None:
    """The latest snapshot standing for `day` or before (a Board's before a month end's on the same day)."""
    stmt = select(m.PlanSnapshot).where(m.PlanSnapshot.on <= day).order_by(m.PlanSnapshot.on.desc()).limit(3)
    found = (await s.scalars(stmt)).all()
    order = {BOARD: 0, MANUAL: 1, MONTH: 2}
    return min(found, key=lambda x: (-x.on.toordinal(), order.get(x.kind, 3)), default=None)


async def board_data(
    s: AsyncSession, now: datetime, as_at: date | None, timezone: str, stale_days: int = STALE_DAYS
) -> BoardData:
    """The plan for the Board report: live (as_at None or today), else the snapshot standing for `as_at`;
    the last Board before it (for movement); the trend of snapshots up to it; the next Board."""
    today = schedule.local_day(now, timezone)
    source: date | None = None
    if as_at is None or as_at >= today:
        rows = await live_rows(s, now, stale_days)
        day = today
    else:
        snap = await _snapshot_at(s, as_at)
        if snap is None:
            raise InvalidInput("as_at", "no_snapshot", value=as_at.isoformat())
        rows = [_from_json(d) for d in snap.actions]
        day, source = as_at, snap.on
    boards = [b.on for b in await s.scalars(select(m.BoardMeeting).order_by(m.BoardMeeting.on))]
    stmt = select(m.PlanSnapshot).where(m.PlanSnapshot.on <= day).order_by(m.PlanSnapshot.on, m.PlanSnapshot.kind)
    trend = [
        TrendPoint(on=snap.on, kind=snap.kind, rows=tuple(_from_json(d) for d in snap.actions))
        for snap in (await s.scalars(stmt)).all()
    ]
    # The last Board before the report's day, when its snapshot is among those just read
    before = [b for b in boards if b < day]
    last_board = next((p for p in trend if before and p.on == before[-1] and p.kind == BOARD), None)
    themes = tuple(theme_record(t) for t in await s.scalars(select(m.Theme).order_by(m.Theme.position)))
    return BoardData(
        as_at=day,
        snapshot_on=source,
        themes=themes,
        rows=tuple(rows),
        previous_board=last_board.on if last_board else None,
        previous_rows=last_board.rows if last_board else (),
        trend=tuple(trend),
        next_board=next((b for b in boards if b >= today), None),
    )
