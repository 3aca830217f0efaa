"""The strategy cycle's jobs: when each is due, and the notices a run for one due time owes.

- checkin: 09:00 on the day `checkin_working_days` working days before each Board meeting; every owner of
  an open action not reported on since the previous Board is asked, once, for their updates.
- reminder: the same at `reminder_working_days` working days before, to the owners still without one.
- stale: Mondays 09:00; open actions with no update for `stale_days` days, one nudge per owner.
- digest: daily 09:00; what turned red or blocked, or became overdue, since the previous digest: one post
  to each strategy channel and a message to each lead. Nothing to say, nothing sent.
- snapshot: 09:00 on each Board meeting's day and midnight after each month's last day; the plan's figures
  are kept for the Board report (storage/snapshots.py). It sends nothing.

Owners are matched to people only through storage.owners. Notices are rows for the outbox
(storage.outbox.Outbox.strategy_row); the words are the handlers' (handlers/cycle.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage import owners, schedule, sla_alerts, snapshots
from storage.enums import ActionStatus, NoticeKind, Rag
from storage.outbox import Outbox

CHECKIN, REMINDER, STALE, DIGEST, SLA, SNAPSHOT = "checkin", "reminder", "stale", "digest", "sla", "snapshot"
JOBS: tuple[str, ...] = (CHECKIN, REMINDER, STALE, DIGEST, SLA, SNAPSHOT)
#: How often the service desk's SLA clocks are checked (storage/sla_alerts.py).
SLA_EVERY = timedelta(minutes=15)
#: An action in one of these is finished with: nobody is asked about it.
CLOSED_STATUSES = (ActionStatus.COMPLETE.value, "carried forward")


@dataclass(frozen=True, slots=True)
class CycleConfig:
    checkin_working_days: int = 10
    reminder_working_days: int = 3
    stale_days: int = 30
    timezone: str = schedule.DEFAULT_TIMEZONE
    #: The channels (slack, teams) whose strategy channel gets the digest.
    strategy_channels: tuple[str, ...] = ()

    def working_days(self, job: str) -> int:
        return self.checkin_working_days if job == CHECKIN else self.reminder_working_days


# ------------------------------------------------------------ when


async def _boards(s: AsyncSession, *, from_day: date | None = None) -> list[m.BoardMeeting]:
    stmt = select(m.BoardMeeting).order_by(m.BoardMeeting.on)
    if from_day is not None:
        stmt = stmt.where(m.BoardMeeting.on >= from_day)
    return list((await s.scalars(stmt)).all())


def _board_due(config: CycleConfig, job: str, board_day: date) -> datetime:
    return schedule.due_on(schedule.working_days_before(board_day, config.working_days(job)), config.timezone)


async def due_times(s: AsyncSession, job: str, config: CycleConfig, start: datetime, end: datetime) -> list[datetime]:
    """The due times of `job` in (start, end], oldest first."""
    if job == DIGEST:
        return list(schedule.daily(start, end, config.timezone))
    if job == SLA:  # only the latest check matters: it looks at every request as it is then
        latest = _sla_slot(end)
        return [latest] if latest > start else []
    if job == STALE:
        return list(schedule.mondays(start, end, config.timezone))
    if job == SNAPSHOT:
        boards = [b.on for b in await _boards(s, from_day=schedule.local_day(start, config.timezone))]
        return [due for due, _day, _kind in snapshots.due_times(boards, start, end, config.timezone)]
    if job not in (CHECKIN, REMINDER):
        raise ValueError(f"unknown job {job!r}")
    boards = await _boards(s, from_day=schedule.local_day(start, config.timezone))
    return sorted({due for b in boards if start < (due := _board_due(config, job, b.on)) <= end})


async def next_due(s: AsyncSession, job: str, config: CycleConfig, after: datetime) -> datetime | None:
    """The first due time of `job` after `after` (None: no Board meeting far enough ahead)."""
    if job == SLA:
        return _sla_slot(after) + SLA_EVERY
    if job in (DIGEST, STALE):
        return schedule.next_daily(after, config.timezone, monday_only=job == STALE)
    if job == SNAPSHOT:
        boards = [b.on for b in await _boards(s, from_day=schedule.local_day(after, config.timezone))]
        ahead = snapshots.due_times(boards, after, after + timedelta(days=32), config.timezone)
        return ahead[0][0] if ahead else None
    boards = await _boards(s, from_day=schedule.local_day(after, config.timezone))
    return min((due for b in boards if (due := _board_due(config, job, b.on)) > after), default=None)


def _sla_slot(moment: datetime) -> datetime:
    """The last quarter hour at or before `moment`."""
    epoch = datetime(2000, 1, 1, tzinfo=moment.tzinfo)
    return moment - (moment - epoch) % SLA_EVERY


# ------------------------------------------------------------ what


def _open_actions():
    return (
        select(m.Action)
        .join(m.Theme)
        .where(m.Action.status.not_in(CLOSED_STATUSES), m.Action.retired_at.is_(None))
        .order_by(m.Theme.position, m.Action.ref)
    )


def _action_facts(a: m.Action) -> dict:
    return {
        "ref": a.ref,
        "title": a.title,
        "owner": a.owner,
        "due": a.due.isoformat() if a.due else None,
        "rag": a.rag,
        "status": a.status,
        "progress": a.progress,
        "last_reported": a.last_reported_at.isoformat() if a.last_reported_at else None,
    }


async def _by_owner(s: AsyncSession, actions: Sequence[m.Action]) -> list[tuple[m.User, list[m.Action]]]:
    """The actions grouped by each person who owns them (an owner known on two platforms hears on both)."""
    people = await owners.owner_users(s, actions)
    grouped: dict[str, tuple[m.User, list[m.Action]]] = {}
    for a in actions:
        for user in people[a.id]:
            grouped.setdefault(user.key, (user, []))[1].append(a)
    return [grouped[key] for key in sorted(grouped)]


def _to_owners(
    outbox: Outbox, kind: NoticeKind, groups: list[tuple[m.User, list[m.Action]]], now: datetime, **payload
) -> list[dict]:
    return [
        outbox.strategy_row(
            kind, user.key, now, name=user.display_name, actions=[_action_facts(a) for a in actions], **payload
        )
        for user, actions in groups
    ]


async def _board_for(s: AsyncSession, job: str, config: CycleConfig, due_at: datetime) -> m.BoardMeeting | None:
    """The Board meeting a check-in or reminder due at `due_at` is for (the earliest, should two share it)."""
    for board in await _boards(s, from_day=schedule.local_day(due_at, config.timezone)):
        if _board_due(config, job, board.on) == due_at:
            return board
    return None


async def unreported_since(s: AsyncSession, board: m.BoardMeeting, config: CycleConfig) -> list[m.Action]:
    """Open actions with no update since the Board before `board` (with no earlier Board on the list:
    none since this Board's check-in was due)."""
    previous = await s.scalar(
        select(m.BoardMeeting).where(m.BoardMeeting.on < board.on).order_by(m.BoardMeeting.on.desc()).limit(1)
    )
    if previous is not None:
        since = schedule.start_of(previous.on, config.timezone)
    else:
        since = _board_due(config, CHECKIN, board.on)
    actions = (await s.scalars(_open_actions())).all()
    return [a for a in actions if a.last_reported_at is None or a.last_reported_at < since]


async def board_notices(
    s: AsyncSession, outbox: Outbox, job: str, config: CycleConfig, due_at: datetime
) -> tuple[list[dict], dict]:
    board = await _board_for(s, job, config, due_at)
    if board is None:  # the meeting was taken off the list since
        return [], {"board": None}
    groups = await _by_owner(s, await unreported_since(s, board, config))
    kind = NoticeKind.CHECKIN if job == CHECKIN else NoticeKind.REMINDER
    rows = _to_owners(outbox, kind, groups, due_at, board=board.on.isoformat(), board_note=board.note)
    return rows, {"board": board.on.isoformat(), "owners": len(groups)}


async def stale_notices(
    s: AsyncSession, outbox: Outbox, config: CycleConfig, due_at: datetime
) -> tuple[list[dict], dict]:
    cutoff = due_at - timedelta(days=config.stale_days)
    actions = (await s.scalars(_open_actions())).all()
    stale = [a for a in actions if (a.last_reported_at or a.updated_at) < cutoff]
    groups = await _by_owner(s, stale)
    rows = _to_owners(outbox, NoticeKind.STALE, groups, due_at, days=config.stale_days)
    return rows, {"actions": len(stale), "owners": len(groups)}


def _moved(update: m.ActionUpdate, before: m.ActionUpdate | None) -> set[str]:
    """What this update moved the action to: 'red', 'blocked', both or neither."""
    moved: set[str] = set()
    changes = update.changes or {}
    if "rag" in changes or "status" in changes:
        rag = changes.get("rag")
        status = changes.get("status")
        if rag and rag[1] == Rag.RED.value and rag[0] != Rag.RED.value:
            moved.add("red")
        if status and status[1] == ActionStatus.BLOCKED.value and status[0] != ActionStatus.BLOCKED.value:
            moved.add("blocked")
        return moved
    if update.rag == Rag.RED.value and (before is None or before.rag != Rag.RED.value):
        moved.add("red")
    if update.status == ActionStatus.BLOCKED.value and (before is None or before.status != ActionStatus.BLOCKED.value):
        moved.add("blocked")
    return moved


async def digest_notices(
    s: AsyncSession, outbox: Outbox, config: CycleConfig, due_at: datetime
) -> tuple[list[dict], dict]:
    today = schedule.local_day(due_at, config.timezone)
    previous = schedule.due_on(today - timedelta(days=1), config.timezone)
    actions = {a.id: a for a in (await s.scalars(_open_actions())).all()}
    updates = (
        await s.scalars(
            select(m.ActionUpdate)
            .where(m.ActionUpdate.action_id.in_(list(actions)), m.ActionUpdate.at <= due_at)
            .order_by(m.ActionUpdate.action_id, m.ActionUpdate.at, m.ActionUpdate.id)
        )
    ).all()
    turned: dict[int, set[str]] = {}
    before: dict[int, m.ActionUpdate] = {}
    for u in updates:
        if u.at > previous:
            turned.setdefault(u.action_id, set()).update(_moved(u, before.get(u.action_id)))
        before[u.action_id] = u
    # Still red or blocked now: one that turned red and back within the day is no news.
    worse = [
        a
        for a in actions.values()
        if ("red" in turned.get(a.id, ()) and a.rag == Rag.RED.value)
        or ("blocked" in turned.get(a.id, ()) and a.status == ActionStatus.BLOCKED.value)
    ]
    # Overdue on a day once its due date is before that day: newly so since the previous digest's day.
    overdue = [a for a in actions.values() if a.due is not None and today - timedelta(days=1) <= a.due < today]
    if not worse and not overdue:
        return [], {"red_or_blocked": 0, "overdue": 0}
    ordered = list(actions.values())
    people = await owners.owner_users(s, ordered)
    unreachable = [a for a in ordered if not people[a.id]]
    payload = {
        "day": today.isoformat(),
        "turned": [_action_facts(a) for a in _in_order(ordered, worse)],
        "overdue": [_action_facts(a) for a in _in_order(ordered, overdue)],
        "unreachable": [_action_facts(a) for a in unreachable],
    }
    rows = [
        outbox.strategy_row(NoticeKind.DIGEST, None, due_at, channel=c, **payload) for c in config.strategy_channels
    ]
    leads = (await s.scalars(select(m.User).where(m.User.is_lead.is_(True)).order_by(m.User.key))).all()
    rows += [
        outbox.strategy_row(NoticeKind.DIGEST, lead.key, due_at, name=lead.display_name, **payload) for lead in leads
    ]
    return rows, {
        "red_or_blocked": len(worse),
        "overdue": len(overdue),
        "unreachable": len(unreachable),
        "leads": len(leads),
    }


async def snapshot_for(s: AsyncSession, config: CycleConfig, due_at: datetime) -> dict:
    """The snapshot a run of the snapshot job owes: a Board day's (due at 09:00) or a month end's (due at the
    midnight after it). Written once: a second run for the same day and kind writes nothing."""
    local = due_at.astimezone(ZoneInfo(config.timezone))
    if local.hour == 0 and local.minute == 0:
        on, kind = local.date() - timedelta(days=1), snapshots.MONTH
    else:
        on, kind = local.date(), snapshots.BOARD
    taken = await snapshots.take(s, on, kind, due_at, config.stale_days)
    return {"snapshot": on.isoformat(), "kind": kind, "actions": taken or 0, "written": taken is not None}


def _in_order(ordered: list[m.Action], chosen: list[m.Action]) -> list[m.Action]:
    ids = {a.id for a in chosen}
    return [a for a in ordered if a.id in ids]


async def notices(
    s: AsyncSession, outbox: Outbox, job: str, config: CycleConfig, due_at: datetime
) -> tuple[list[dict], dict]:
    """The outbox rows a run of `job` for `due_at` owes, and a summary of it for the run's record."""
    if job in (CHECKIN, REMINDER):
        return await board_notices(s, outbox, job, config, due_at)
    if job == STALE:
        return await stale_notices(s, outbox, config, due_at)
    if job == DIGEST:
        return await digest_notices(s, outbox, config, due_at)
    if job == SLA:
        return await sla_alerts.notices(s, outbox, due_at)
    if job == SNAPSHOT:
        return [], await snapshot_for(s, config, due_at)
    raise ValueError(f"unknown job {job!r}")
