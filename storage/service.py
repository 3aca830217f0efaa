"""The service API: one transaction per method, plain records out, domain errors for user mistakes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Select, and_, case, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import selectinload

from storage import models as m
from storage.db import session_factories
from storage.enums import (
    ActionStatus,
    Category,
    NoticeKind,
    NoticeState,
    Priority,
    Rag,
    Role,
    TicketStatus,
)
from storage.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from storage.plan_file import OPTIONAL_ACTION_FIELDS, ActionInput, ImportResult, ThemeInput
from storage.records import (
    ActionRecord,
    ActionUpdateRecord,
    ChannelPostRecord,
    NotificationRecord,
    Origin,
    ThemeRecord,
    ThemeSummary,
    TicketEventRecord,
    TicketRecord,
    UserRecord,
)

#: Time to resolve, by priority (calendar time; the service desk's published targets).
SLA_TARGETS: dict[str, timedelta] = {
    Priority.P1: timedelta(hours=4),
    Priority.P2: timedelta(hours=8),
    Priority.P3: timedelta(days=3),
    Priority.P4: timedelta(days=5),
}

NOTIFY_MAX_ATTEMPTS = 5
RECENT_UPDATES = 5
#: How long this process trusts what it last read of a user / of the plan summary. Changes made through
#: this Store are seen at once; changes made by another process (the CLI) within this many seconds.
USER_CACHE_SECONDS = 30.0
SUMMARY_CACHE_SECONDS = 10.0


def utcnow() -> datetime:
    return datetime.now(UTC)


USER_PLATFORMS = ("slack", "teams", "local")


def user_key(key: str) -> str:
    """A user key as stored: `slack:U012AB3CD`, `teams:<aadObjectId>` or `local:<name>` (local names in
    lower case, as the console makes them). Anything else is InvalidInput."""
    platform, sep, ident = key.strip().partition(":")
    platform, ident = platform.lower(), ident.strip()
    if not sep or platform not in USER_PLATFORMS or not ident or any(c.isspace() for c in ident):
        raise InvalidInput(f"'{key}' is not a user key like slack:U012AB3CD, teams:<aad id> or local:name.")
    return f"{platform}:{ident.lower() if platform == 'local' else ident}"


def ticket_ref(ticket: m.SupportRequest) -> str:
    return f"ICT-{ticket.id}"


def parse_ticket_ref(ref: str) -> int:
    """'ICT-42', 'ict-42', '#42' or '42' -> 42; anything else is InvalidInput."""
    text = ref.strip().upper().removeprefix("#").removeprefix("ICT-").removeprefix("ICT")
    if not text.isdigit() or len(text) > 9 or int(text) < 1:
        raise InvalidInput(f"'{ref}' is not a request reference like ICT-42.")
    return int(text)


# ---------------------------------------------------------------- conversions


def _theme(t: m.Theme) -> ThemeRecord:
    return ThemeRecord(code=t.code, name=t.name, summary=t.summary, position=t.position, is_sample=t.is_sample)


def _update(u: m.ActionUpdate) -> ActionUpdateRecord:
    return ActionUpdateRecord(
        at=u.at, author_key=u.author_key, author_name=u.author_name, progress=u.progress, rag=u.rag, note=u.note
    )


def _action(a: m.Action, theme_code: str, updates: Iterable[m.ActionUpdate] = ()) -> ActionRecord:
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
        updates=tuple(_update(u) for u in updates),
    )


def _user(u: m.User) -> UserRecord:
    return UserRecord(
        key=u.key,
        display_name=u.display_name,
        email=u.email,
        council=u.council,
        is_agent=u.is_agent,
        is_admin=u.is_admin,
    )


def _ticket(r: m.SupportRequest, events: Iterable[m.TicketEvent] = ()) -> TicketRecord:
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
        events=tuple(
            TicketEventRecord(at=e.at, actor_key=e.actor_key, actor_name=e.actor_name, kind=e.kind, detail=e.detail)
            for e in events
        ),
    )


def _notification(n: m.Notification) -> NotificationRecord:
    return NotificationRecord(
        id=n.id,
        request_number=n.request_id,
        kind=n.kind,
        channel=n.channel,
        recipient_key=n.recipient_key,
        payload=n.payload,
        attempts=n.attempts,
    )


async def _recent_updates(s: AsyncSession, action_id: int, limit: int) -> Sequence[m.ActionUpdate]:
    """An action's newest updates first."""
    stmt = (
        select(m.ActionUpdate)
        .where(m.ActionUpdate.action_id == action_id)
        .order_by(m.ActionUpdate.at.desc(), m.ActionUpdate.id.desc())
        .limit(limit)
    )
    return (await s.scalars(stmt)).all()


def _email(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value or None


class Store:
    """Every public coroutine is one transaction. Records out; storage.errors for expected failures."""

    def __init__(self, engine: AsyncEngine, *, notify_channels: Sequence[str] = ()):
        """notify_channels: the channels (slack, teams) that want triage posts about new requests."""
        self.engine = engine
        self._read, self._write = session_factories(engine)
        self.notify_channels = tuple(notify_channels)
        #: Notifications this Store has queued: callers compare it before and after a command to know
        #: whether the outbox has anything new to deliver.
        self.notices_queued = 0
        # Per-process read caches (see USER_CACHE_SECONDS). Permission checks never use them: every
        # method that needs a role re-reads the user inside its own transaction.
        self._users: dict[str, tuple[float, UserRecord]] = {}
        self._summaries: tuple[float, date, tuple[ThemeSummary, ...]] | None = None
        self._summary_generation = 0
        self._summaries_inflight: tuple[tuple[date, int], asyncio.Future] | None = None

    # ------------------------------------------------------------ health

    async def ping(self) -> None:
        async with self._read() as s:
            await s.execute(select(1))

    async def checkpoint(self) -> None:
        """SQLite: copy the write-ahead log back into the database file without blocking anyone."""
        if self.engine.dialect.name == "sqlite":
            async with self.engine.connect() as conn:
                await conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    # ------------------------------------------------------------ users and roles

    async def ensure_user(
        self, key: str, display_name: str, *, email: str | None = None, council: str | None = None
    ) -> UserRecord:
        """Create the user on first sight; refresh name, email and council when the platform tells us more.

        The usual case (known user, nothing new) is a single read, with no write lock taken.
        """
        email = _email(email)
        wanted = {"display_name": display_name or None, "email": email, "council": council or None}
        cached = self._users.get(key)
        if cached is not None and time.monotonic() - cached[0] < USER_CACHE_SECONDS:
            current = cached[1]
        else:
            current = await self.find_user(key)
        if current is not None and all(v is None or getattr(current, k) == v for k, v in wanted.items()):
            if cached is None or cached[1] is not current:
                self._users[key] = (time.monotonic(), current)
            return current
        self._users.pop(key, None)
        for attempt in (1, 2):
            try:
                async with self._write.begin() as s:
                    user = await s.scalar(select(m.User).where(m.User.key == key))
                    if user is None:
                        user = m.User(
                            key=key,
                            display_name=display_name or key,
                            email=email,
                            council=council,
                            is_agent=False,
                            is_admin=False,
                            created_at=utcnow(),
                        )
                        s.add(user)
                    else:
                        for field_name, value in wanted.items():
                            if value is not None:
                                setattr(user, field_name, value)
                    await s.flush()
                    record = _user(user)
                self._users[key] = (time.monotonic(), record)
                return record
            except IntegrityError:  # created at the same moment by another turn (PostgreSQL): read it back
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def get_user(self, key: str) -> UserRecord:
        async with self._read() as s:
            user = await s.scalar(select(m.User).where(m.User.key == key))
            if user is None:
                raise NotFound(f"No user {key}.")
            return _user(user)

    async def find_user(self, key: str) -> UserRecord | None:
        async with self._read() as s:
            user = await s.scalar(select(m.User).where(m.User.key == key))
            return _user(user) if user else None

    async def find_user_by_mention(self, text: str) -> list[UserRecord]:
        """Resolve 'slack:U1', an email or a display name to users (exact key, email, then name)."""
        text = text.strip().removeprefix("@")
        async with self._read() as s:
            for clause in (
                m.User.key == text,
                func.lower(m.User.email) == text.lower(),
                func.lower(m.User.display_name) == text.lower(),
            ):
                found = (await s.scalars(select(m.User).where(clause).order_by(m.User.key))).all()
                if found:
                    return [_user(u) for u in found]
        return []

    async def set_role(self, key: str, role: str, enabled: bool, *, display_name: str | None = None) -> UserRecord:
        """Grant or revoke a role; creates the user record if the key is new (roles can be given in advance)."""
        try:
            role = Role(role.lower())
        except ValueError:
            raise InvalidInput(f"Unknown role '{role}'. Roles are: agent, admin.") from None
        key = user_key(key)
        self._users.pop(key, None)
        async with self._write.begin() as s:
            user = await s.scalar(select(m.User).where(m.User.key == key))
            if user is None and not enabled:
                raise NotFound(f"No user {key}: nobody with that key has talked to the bot or been given a role.")
            if user is None:
                user = m.User(
                    key=key,
                    display_name=display_name or key.split(":", 1)[1],
                    is_agent=False,
                    is_admin=False,
                    created_at=utcnow(),
                )
                s.add(user)
            if role is Role.AGENT:
                user.is_agent = enabled
            else:
                user.is_admin = enabled
            await s.flush()
            return _user(user)

    async def set_user_email(self, key: str, email: str) -> UserRecord:
        key = user_key(key)
        if "@" not in email or email.strip().startswith("@") or email.strip().endswith("@"):
            raise InvalidInput(f"'{email}' is not an email address.")
        self._users.pop(key, None)
        async with self._write.begin() as s:
            user = await s.scalar(select(m.User).where(m.User.key == key))
            if user is None:
                raise NotFound(f"No user {key}.")
            user.email = _email(email)
            return _user(user)

    async def list_users(self) -> list[UserRecord]:
        async with self._read() as s:
            return [_user(u) for u in (await s.scalars(select(m.User).order_by(m.User.key))).all()]

    # ------------------------------------------------------------ strategy: themes and actions

    async def has_themes(self) -> bool:
        async with self._read() as s:
            return (await s.scalar(select(func.count()).select_from(m.Theme))) > 0

    async def list_themes(self) -> list[ThemeRecord]:
        async with self._read() as s:
            rows = (await s.scalars(select(m.Theme).order_by(m.Theme.position, m.Theme.code))).all()
            return [_theme(t) for t in rows]

    async def theme_summaries(self, today: date) -> list[ThemeSummary]:
        """Counts by RAG, completion and overdue for every theme (cached briefly; see SUMMARY_CACHE_SECONDS).

        When the cache has expired, concurrent callers share one query instead of all running it.
        """
        cached = self._summaries
        if cached is not None and cached[1] == today and time.monotonic() - cached[0] < SUMMARY_CACHE_SECONDS:
            return list(cached[2])
        key = (today, self._summary_generation)
        inflight = self._summaries_inflight
        if inflight is None or inflight[0] != key:
            inflight = (key, asyncio.ensure_future(self._query_theme_summaries(today)))
            self._summaries_inflight = inflight
        try:
            summaries = await asyncio.shield(inflight[1])
        finally:
            if self._summaries_inflight is inflight and inflight[1].done():
                self._summaries_inflight = None
        if self._summary_generation == key[1]:  # no plan change since the query began
            self._summaries = (time.monotonic(), today, summaries)
        return list(summaries)

    def _forget_summaries(self) -> None:
        self._summaries = None
        self._summary_generation += 1

    async def _query_theme_summaries(self, today: date) -> tuple[ThemeSummary, ...]:
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
        async with self._read() as s:
            rows = (await s.execute(stmt)).all()
        return tuple(
            ThemeSummary(
                theme=_theme(t),
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

    async def get_theme(self, code: str) -> ThemeRecord:
        async with self._read() as s:
            theme = await s.scalar(select(m.Theme).where(m.Theme.code == code.upper()))
            if theme is None:
                raise NotFound(f"There is no theme {code}.")
            return _theme(theme)

    def _actions_query(self) -> Select:
        return select(m.Action, m.Theme.code).join(m.Theme).order_by(m.Theme.position, m.Action.ref)

    async def list_actions(
        self,
        *,
        theme: str | None = None,
        owner_email: str | None = None,
        overdue_on: date | None = None,
        limit: int | None = None,
    ) -> list[ActionRecord]:
        stmt = self._actions_query()
        if theme:
            stmt = stmt.where(m.Theme.code == theme.upper())
        if owner_email is not None:
            stmt = stmt.where(m.Action.owner_email == _email(owner_email))
        if overdue_on is not None:
            stmt = stmt.where(m.Action.due < overdue_on, m.Action.status != ActionStatus.COMPLETE.value)
        if limit:
            stmt = stmt.limit(limit)
        async with self._read() as s:
            return [_action(a, code) for a, code in (await s.execute(stmt)).all()]

    async def count_actions(self) -> int:
        async with self._read() as s:
            return await s.scalar(select(func.count()).select_from(m.Action))

    async def get_action(self, ref: str, *, recent_updates: int = RECENT_UPDATES) -> ActionRecord:
        async with self._read() as s:
            row = (await s.execute(self._actions_query().where(m.Action.ref == ref.upper()))).first()
            if row is None:
                raise NotFound(f"There is no action {ref.upper()}.")
            action, code = row
            return _action(action, code, await _recent_updates(s, action.id, recent_updates))

    async def action_history(self, ref: str) -> list[ActionUpdateRecord]:
        async with self._read() as s:
            action = await s.scalar(select(m.Action).where(m.Action.ref == ref.upper()))
            if action is None:
                raise NotFound(f"There is no action {ref.upper()}.")
            rows = await s.scalars(
                select(m.ActionUpdate).where(m.ActionUpdate.action_id == action.id).order_by(m.ActionUpdate.id)
            )
            return [_update(u) for u in rows.all()]

    @staticmethod
    def may_update_action(user: UserRecord, action: ActionRecord | m.Action) -> bool:
        if user.is_admin:
            return True
        return bool(user.email) and bool(action.owner_email) and user.email == action.owner_email

    async def record_action_update(
        self, ref: str, author_key: str, *, progress: int, rag: str | None, note: str, now: datetime | None = None
    ) -> ActionRecord:
        """Append to the action's history and move its progress/RAG. Only its owner or an admin may."""
        if not 0 <= progress <= 100:
            raise InvalidInput("Progress is a whole number from 0 to 100.")
        if not note.strip():
            raise InvalidInput("A note is required: say what changed.")
        if rag is not None and rag not in tuple(Rag):
            raise InvalidInput("RAG is red, amber or green.")
        now = now or utcnow()
        try:
            async with self._write.begin() as s:
                author = await s.scalar(select(m.User).where(m.User.key == author_key))
                action = await s.scalar(select(m.Action).where(m.Action.ref == ref.upper()))
                if action is None:
                    raise NotFound(f"There is no action {ref.upper()}.")
                if author is None or not self.may_update_action(_user(author), action):
                    raise PermissionDenied(
                        f"Only {action.owner} (the action's owner) or an admin can update {action.ref}."
                    )
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
                if progress == 100:
                    action.status = ActionStatus.COMPLETE.value
                elif action.status in (ActionStatus.NOT_STARTED.value, ActionStatus.COMPLETE.value):
                    action.status = ActionStatus.IN_PROGRESS.value
                await s.flush()
                theme_code = await s.scalar(select(m.Theme.code).where(m.Theme.id == action.theme_id))
                return _action(action, theme_code, await _recent_updates(s, action.id, RECENT_UPDATES))
        finally:
            self._forget_summaries()  # after the commit: the next status reads the new figures

    async def import_plan(
        self, themes: Sequence[ThemeInput], *, sample: bool = False, now: datetime | None = None
    ) -> ImportResult:
        """Upsert themes by code and actions by ref, all or nothing. Validation is the caller's job.

        The first real import replaces the sample plan (its themes, actions and their updates) whole, so a
        council's own plan is never mixed with invented actions.
        """
        now = now or utcnow()
        counts = {"tc": 0, "tu": 0, "ac": 0, "au": 0, "removed": 0}
        async with self._write.begin() as s:
            if not sample:
                counts["removed"] = await self._drop_sample_plan(s)
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
                        owner_email=_email(a.owner_email),
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
        self._forget_summaries()
        return ImportResult(counts["tc"], counts["tu"], counts["ac"], counts["au"], counts["removed"])

    async def _drop_sample_plan(self, s: AsyncSession) -> int:
        """Delete the sample themes with their actions and updates; returns how many actions went."""
        sample_ids = select(m.Theme.id).where(m.Theme.is_sample.is_(True))
        sample_actions = select(m.Action.id).where(m.Action.theme_id.in_(sample_ids))
        await s.execute(delete(m.ActionUpdate).where(m.ActionUpdate.action_id.in_(sample_actions)))
        removed = (await s.execute(delete(m.Action).where(m.Action.theme_id.in_(sample_ids)))).rowcount or 0
        await s.execute(delete(m.Theme).where(m.Theme.is_sample.is_(True)))
        return removed

    async def export_plan(self) -> list[tuple[ThemeRecord, list[ActionRecord]]]:
        async with self._read() as s:
            themes = (
                await s.scalars(
                    select(m.Theme).options(selectinload(m.Theme.actions)).order_by(m.Theme.position, m.Theme.code)
                )
            ).all()
            return [(_theme(t), [_action(a, t.code) for a in sorted(t.actions, key=lambda a: a.ref)]) for t in themes]

    # ------------------------------------------------------------ support requests

    async def create_ticket(
        self,
        requester_key: str,
        *,
        summary: str,
        description: str = "",
        category: str = Category.OTHER.value,
        priority: str = Priority.P3.value,
        origin: Origin,
        location: str = "",
        contact: str = "",
        now: datetime | None = None,
    ) -> TicketRecord:
        summary = " ".join(summary.split())
        if not summary:
            raise InvalidInput("A request needs a summary: say what is wrong.")
        if category not in tuple(Category):
            raise InvalidInput(f"Unknown category '{category}'. Use one of: {', '.join(Category)}.")
        if priority not in tuple(Priority):
            raise InvalidInput("Priority is P1, P2, P3 or P4.")
        now = now or utcnow()
        async with self._write.begin() as s:
            requester = await s.scalar(select(m.User).where(m.User.key == requester_key))
            if requester is None:
                raise NotFound(f"No user {requester_key}.")
            ticket = m.SupportRequest(
                requester_key=requester.key,
                requester_name=requester.display_name,
                council=requester.council,
                origin_platform=origin.platform,
                origin_conversation=origin.conversation,
                origin_thread=origin.thread,
                origin_reference=origin.reference,
                category=category,
                priority=priority,
                summary=summary[:200],
                description=description.strip() or (summary if len(summary) > 200 else ""),
                location=location.strip()[:200],
                contact=contact.strip()[:200],
                status=TicketStatus.NEW.value,
                is_open=True,
                created_at=now,
                updated_at=now,
                sla_due=now + SLA_TARGETS[priority],
            )
            s.add(ticket)
            await s.flush()  # the id is the ICT number: unique and gap-tolerant on every database
            self._event(s, ticket, requester.key, requester.display_name, "created", now, priority=priority)
            for channel in self.notify_channels:
                self._notify(s, ticket, NoticeKind.NEW_REQUEST, channel, None, now)
            return _ticket(ticket)

    async def get_ticket(self, ref: str, viewer_key: str, *, with_events: bool = True) -> TicketRecord:
        """The requester, agents and admins see a request; to anyone else it does not exist."""
        number = parse_ticket_ref(ref)
        async with self._read() as s:
            ticket, _viewer = await self._load_visible(s, number, viewer_key)
            events = ()
            if with_events:
                events = (
                    await s.scalars(
                        select(m.TicketEvent).where(m.TicketEvent.request_id == number).order_by(m.TicketEvent.id)
                    )
                ).all()
            return _ticket(ticket, events)

    async def get_ticket_unchecked(self, number: int) -> TicketRecord:
        """For delivering notifications; never for showing a request to a user."""
        async with self._read() as s:
            ticket = await s.get(m.SupportRequest, number)
            if ticket is None:
                raise NotFound(f"I can't find ICT-{number}.")
            return _ticket(ticket)

    async def my_tickets(
        self, requester_key: str, *, include_closed: bool = False, limit: int = 50
    ) -> list[TicketRecord]:
        stmt = select(m.SupportRequest).where(m.SupportRequest.requester_key == requester_key)
        if not include_closed:
            stmt = stmt.where(m.SupportRequest.is_open.is_(True))
        stmt = stmt.order_by(m.SupportRequest.id.desc()).limit(limit)
        async with self._read() as s:
            return [_ticket(t) for t in (await s.scalars(stmt)).all()]

    async def queue(
        self,
        viewer_key: str,
        *,
        priority: str | None = None,
        assignee_key: str | None = None,
        unassigned: bool = False,
        limit: int = 50,
    ) -> tuple[list[TicketRecord], int]:
        """Open requests by priority then age (oldest first), optionally narrowed to one priority, one
        assignee or nobody's; and how many match in all. Agents only."""
        async with self._read() as s:
            viewer = await s.scalar(select(m.User).where(m.User.key == viewer_key))
            if viewer is None or not (viewer.is_agent or viewer.is_admin):
                raise PermissionDenied("The queue is for the ICT service desk (agents) only.")
            r = m.SupportRequest
            match = [r.is_open.is_(True)]
            if priority:
                match.append(r.priority == priority)
            if assignee_key:
                match.append(r.assignee_key == assignee_key)
            if unassigned:
                match.append(r.assignee_key.is_(None))
            rows = (
                await s.scalars(select(r).where(*match).order_by(r.priority, r.created_at, r.id).limit(limit))
            ).all()
            total = await s.scalar(select(func.count()).select_from(r).where(*match))
            return [_ticket(t) for t in rows], total

    async def _load_visible(self, s: AsyncSession, number: int, user_key: str) -> tuple[m.SupportRequest, m.User]:
        """A request its requester, agents and admins may see; to anyone else it does not exist."""
        user = await s.scalar(select(m.User).where(m.User.key == user_key))
        ticket = await s.get(m.SupportRequest, number)
        if ticket is None or user is None or not (ticket.requester_key == user.key or user.is_agent or user.is_admin):
            raise NotFound(f"I can't find ICT-{number}.")
        return ticket, user

    async def _load_for_agent(self, s: AsyncSession, number: int, actor_key: str) -> tuple[m.SupportRequest, m.User]:
        actor = await s.scalar(select(m.User).where(m.User.key == actor_key))
        ticket = await s.get(m.SupportRequest, number)
        if actor is None or not (actor.is_agent or actor.is_admin):
            if ticket is not None and actor is not None and ticket.requester_key == actor.key:
                raise PermissionDenied(f"Only the ICT service desk can change ICT-{number}.")
            raise PermissionDenied("Only the ICT service desk (agents) can do that.")
        if ticket is None:
            raise NotFound(f"I can't find ICT-{number}.")
        return ticket, actor

    async def _agent_change(
        self,
        ref: str,
        actor_key: str,
        now: datetime | None,
        change: Callable[[AsyncSession, m.SupportRequest, m.User, datetime], Awaitable[None]],
    ) -> TicketRecord:
        """One desk action on an open request, in one transaction: only agents and admins, then `change`
        (which records its event and requester notice), then the triage posts are told."""
        number = parse_ticket_ref(ref)
        now = now or utcnow()
        async with self._write.begin() as s:
            ticket, actor = await self._load_for_agent(s, number, actor_key)
            if not ticket.is_open:
                raise Conflict(f"ICT-{number} is already {ticket.status}.")
            await change(s, ticket, actor, now)
            ticket.updated_at = now
            self._notify_change(s, ticket, now)
            return _ticket(ticket)

    async def assign_ticket(
        self, ref: str, actor_key: str, assignee_key: str | None = None, *, now: datetime | None = None
    ) -> TicketRecord:
        async def assign(s: AsyncSession, ticket: m.SupportRequest, actor: m.User, now: datetime) -> None:
            assignee = actor
            if assignee_key and assignee_key != actor.key:
                assignee = await s.scalar(select(m.User).where(m.User.key == assignee_key))
                if assignee is None or not (assignee.is_agent or assignee.is_admin):
                    raise InvalidInput("Requests can only be assigned to ICT agents.")
            if ticket.assignee_key == assignee.key:
                raise Conflict(f"{ticket_ref(ticket)} is already assigned to {assignee.display_name}.")
            ticket.assignee_key, ticket.assignee_name = assignee.key, assignee.display_name
            if ticket.status == TicketStatus.NEW.value:
                ticket.status = TicketStatus.ASSIGNED.value
            self._event(s, ticket, actor.key, actor.display_name, "assigned", now, assignee=assignee.display_name)
            self._notify_requester(
                s, ticket, NoticeKind.ASSIGNED, now, by=actor.display_name, assignee=assignee.display_name
            )

        return await self._agent_change(ref, actor_key, now, assign)

    async def set_ticket_priority(
        self, ref: str, actor_key: str, priority: str, *, now: datetime | None = None
    ) -> TicketRecord:
        priority = priority.upper()
        if priority not in tuple(Priority):
            raise InvalidInput("Priority is P1, P2, P3 or P4.")

        async def reprioritise(s: AsyncSession, ticket: m.SupportRequest, actor: m.User, now: datetime) -> None:
            if ticket.priority == priority:
                raise Conflict(f"{ticket_ref(ticket)} is already {priority}.")
            old, ticket.priority = ticket.priority, priority
            ticket.sla_due = ticket.created_at + SLA_TARGETS[priority]
            self._event(s, ticket, actor.key, actor.display_name, "priority", now, old=old, new=priority)

        return await self._agent_change(ref, actor_key, now, reprioritise)

    async def set_ticket_waiting(
        self, ref: str, actor_key: str, note: str, *, now: datetime | None = None
    ) -> TicketRecord:
        """An agent needs something from the requester: the request waits and the requester is told."""
        note = note.strip()
        if not note:
            raise InvalidInput("Say what you need from the requester.")

        async def wait(s: AsyncSession, ticket: m.SupportRequest, actor: m.User, now: datetime) -> None:
            ticket.status = TicketStatus.WAITING.value
            self._event(s, ticket, actor.key, actor.display_name, "waiting", now, note=note)
            self._notify_requester(s, ticket, NoticeKind.WAITING, now, by=actor.display_name, note=note)

        return await self._agent_change(ref, actor_key, now, wait)

    async def resolve_ticket(self, ref: str, actor_key: str, note: str, *, now: datetime | None = None) -> TicketRecord:
        note = note.strip()
        if not note:
            raise InvalidInput("A resolution note is required: say what fixed it.")

        async def resolve(s: AsyncSession, ticket: m.SupportRequest, actor: m.User, now: datetime) -> None:
            ticket.status = TicketStatus.RESOLVED.value
            ticket.is_open = False
            ticket.resolution = note
            ticket.resolved_at = now
            if ticket.assignee_key is None:
                ticket.assignee_key, ticket.assignee_name = actor.key, actor.display_name
            self._event(s, ticket, actor.key, actor.display_name, "resolved", now, note=note)
            self._notify_requester(s, ticket, NoticeKind.RESOLVED, now, by=actor.display_name, note=note)

        return await self._agent_change(ref, actor_key, now, resolve)

    async def add_comment(self, ref: str, author_key: str, note: str, *, now: datetime | None = None) -> TicketRecord:
        """A comment on a request. From the requester (e.g. answering a question): the request goes back to
        the desk and the assignee is told. From the desk: the requester is told."""
        number = parse_ticket_ref(ref)
        if not note.strip():
            raise InvalidInput("Say what you want to add to the request.")
        now = now or utcnow()
        async with self._write.begin() as s:
            ticket, author = await self._load_visible(s, number, author_key)
            if not ticket.is_open:
                raise Conflict(f"ICT-{number} is {ticket.status}; raise a new request if the problem is back.")
            if ticket.status == TicketStatus.WAITING.value and ticket.requester_key == author.key:
                ticket.status = TicketStatus.ASSIGNED.value if ticket.assignee_key else TicketStatus.NEW.value
            ticket.updated_at = now
            self._event(s, ticket, author.key, author.display_name, "comment", now, note=note.strip())
            told = ticket.assignee_key if author.key == ticket.requester_key else ticket.requester_key
            if told and told != author.key:
                self._notify(
                    s,
                    ticket,
                    NoticeKind.COMMENTED,
                    told.split(":", 1)[0],
                    told,
                    now,
                    by=author.display_name,
                    note=note.strip(),
                )
            self._notify_change(s, ticket, now)
            return _ticket(ticket)

    # ------------------------------------------------------------ notifications (outbox)

    def _event(
        self, s: AsyncSession, ticket: m.SupportRequest, key: str, name: str, kind: str, now: datetime, **detail
    ):
        s.add(m.TicketEvent(request_id=ticket.id, at=now, actor_key=key, actor_name=name, kind=kind, detail=detail))

    def _notify(
        self,
        s: AsyncSession,
        ticket: m.SupportRequest,
        kind: NoticeKind,
        channel: str,
        recipient: str | None,
        now: datetime,
        **payload,
    ) -> None:
        self.notices_queued += 1
        s.add(
            m.Notification(
                request_id=ticket.id,
                kind=kind.value,
                channel=channel,
                recipient_key=recipient,
                payload=payload,
                state=NoticeState.PENDING.value,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )

    def _notify_requester(self, s, ticket: m.SupportRequest, kind: NoticeKind, now: datetime, **payload) -> None:
        channel = ticket.requester_key.split(":", 1)[0]
        self._notify(s, ticket, kind, channel, ticket.requester_key, now, **payload)

    def _notify_change(self, s, ticket: m.SupportRequest, now: datetime) -> None:
        for channel in self.notify_channels:
            self._notify(s, ticket, NoticeKind.REQUEST_CHANGED, channel, None, now)

    async def due_notifications(
        self,
        channels: Sequence[str],
        *,
        recipient_key: str | None = None,
        now: datetime | None = None,
        limit: int = 50,
    ) -> list[NotificationRecord]:
        now = now or utcnow()
        stmt = select(m.Notification).where(
            m.Notification.state == NoticeState.PENDING.value,
            m.Notification.next_attempt_at <= now,
            m.Notification.channel.in_(list(channels)),
        )
        if recipient_key is not None:
            stmt = stmt.where(m.Notification.recipient_key == recipient_key)
        async with self._read() as s:
            rows = await s.scalars(stmt.order_by(m.Notification.id).limit(limit))
            return [_notification(n) for n in rows.all()]

    async def mark_notification_sent(self, notification_id: int, *, now: datetime | None = None) -> None:
        async with self._write.begin() as s:
            await s.execute(
                update(m.Notification)
                .where(m.Notification.id == notification_id)
                .values(state=NoticeState.SENT.value, sent_at=now or utcnow(), attempts=m.Notification.attempts + 1)
            )

    async def mark_notification_failed(
        self,
        notification_id: int,
        error: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        now: datetime | None = None,
    ) -> NotificationRecord:
        """Record a failed delivery; back off exponentially, give up after NOTIFY_MAX_ATTEMPTS."""
        now = now or utcnow()
        async with self._write.begin() as s:
            n = await s.get(m.Notification, notification_id)
            if n is None:
                raise NotFound(f"No notification {notification_id}.")
            n.attempts += 1
            n.last_error = error[:2000]
            if permanent or n.attempts >= NOTIFY_MAX_ATTEMPTS:
                n.state = NoticeState.FAILED.value
            else:
                delay = retry_after if retry_after is not None else min(2**n.attempts, 300)
                n.next_attempt_at = now + timedelta(seconds=delay)
            return _notification(n)

    async def notification_states(self, request_ref: str) -> list[tuple[str, str, str, int]]:
        """(kind, channel, state, attempts) for every notification about a request, oldest first."""
        number = parse_ticket_ref(request_ref)
        async with self._read() as s:
            rows = await s.execute(
                select(m.Notification.kind, m.Notification.channel, m.Notification.state, m.Notification.attempts)
                .where(m.Notification.request_id == number)
                .order_by(m.Notification.id)
            )
            return [tuple(r) for r in rows.all()]

    # ------------------------------------------------------------ channel bookkeeping

    async def claim_event(self, event_id: str, *, now: datetime | None = None) -> bool:
        """True the first time an inbound event id is seen; False for a retry or duplicate."""
        async with self._write() as s:
            try:
                async with s.begin():
                    s.add(m.ProcessedEvent(event_id=event_id[:200], at=now or utcnow()))
                return True
            except IntegrityError:
                return False

    async def forget_events_before(self, cutoff: datetime) -> int:
        async with self._write.begin() as s:
            result = await s.execute(delete(m.ProcessedEvent).where(m.ProcessedEvent.at < cutoff))
            return result.rowcount or 0

    async def save_conversation_reference(self, platform: str, owner_key: str, reference: dict) -> None:
        async with self._write.begin() as s:
            row = await s.scalar(
                select(m.ConversationReference).where(
                    m.ConversationReference.platform == platform, m.ConversationReference.owner_key == owner_key
                )
            )
            if row is None:
                s.add(
                    m.ConversationReference(
                        platform=platform, owner_key=owner_key, reference=reference, updated_at=utcnow()
                    )
                )
            elif row.reference != reference:
                row.reference = reference
                row.updated_at = utcnow()

    async def get_conversation_reference(self, platform: str, owner_key: str) -> dict | None:
        async with self._read() as s:
            return await s.scalar(
                select(m.ConversationReference.reference).where(
                    m.ConversationReference.platform == platform, m.ConversationReference.owner_key == owner_key
                )
            )

    async def save_channel_post(self, post: ChannelPostRecord) -> None:
        async with self._write.begin() as s:
            row = await s.scalar(
                select(m.ChannelPost).where(
                    m.ChannelPost.request_id == post.request_number,
                    m.ChannelPost.platform == post.platform,
                    m.ChannelPost.purpose == post.purpose,
                )
            )
            if row is None:
                s.add(
                    m.ChannelPost(
                        request_id=post.request_number,
                        platform=post.platform,
                        purpose=post.purpose,
                        conversation=post.conversation,
                        message_id=post.message_id,
                        updated_at=utcnow(),
                    )
                )
            else:
                row.conversation, row.message_id, row.updated_at = post.conversation, post.message_id, utcnow()

    async def get_channel_post(
        self, request_ref: str, platform: str, purpose: str = "triage"
    ) -> ChannelPostRecord | None:
        number = parse_ticket_ref(request_ref)
        async with self._read() as s:
            row = await s.scalar(
                select(m.ChannelPost).where(
                    m.ChannelPost.request_id == number,
                    m.ChannelPost.platform == platform,
                    m.ChannelPost.purpose == purpose,
                )
            )
            if row is None:
                return None
            return ChannelPostRecord(row.request_id, row.platform, row.purpose, row.conversation, row.message_id)


__all__ = [
    "NOTIFY_MAX_ATTEMPTS",
    "SLA_TARGETS",
    "ActionInput",
    "ImportResult",
    "Store",
    "ThemeInput",
    "parse_ticket_ref",
    "utcnow",
]
