"""The service API: the Store front. Every public coroutine is one transaction; the domain modules (users,
plan, tickets, outbox, channels) hold the queries. Frozen records out; storage.errors for expected failures."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import (
    board,
    channels,
    conversation,
    cycle,
    desk_report,
    incidents,
    jobs,
    kb,
    links,
    outbox,
    plan,
    ratings,
    snapshots,
    tickets,
    uploads,
    users,
)
from storage.convert import ticket_record
from storage.cycle import CycleConfig
from storage.db import session_factories
from storage.desk_report import DeskReport
from storage.enums import Category, Priority
from storage.errors import InvalidInput, UploadClosed
from storage.kb_file import ArticleInput
from storage.new_requests import NewRequests
from storage.outbox import Outbox
from storage.plan import RECENT_UPDATES, SummaryCache
from storage.plan_file import ImportResult, ThemeInput
from storage.records import (
    STALE_DAYS,
    ActionRecord,
    ActionUpdateRecord,
    ArticleRecord,
    BoardData,
    BoardMeetingRecord,
    ChannelPostRecord,
    ContextRecord,
    IncidentRecord,
    JobRunRecord,
    KbImportResult,
    NotificationRecord,
    Origin,
    PlanScope,
    PlanUploadRecord,
    RatingRecord,
    SelfHelpCount,
    SelfHelpRecord,
    ThemeRecord,
    ThemeSummary,
    TicketRecord,
    UnreachableOwner,
    UserRecord,
)
from storage.refs import IncidentRef, TicketRef, user_key
from storage.sla import SlaPolicy
from storage.tickets import DeskChange
from storage.uploads import UploadImport, UploadOptions
from storage.users import UserCache


def utcnow() -> datetime:
    return datetime.now(UTC)


class Store:
    """Every public coroutine is one transaction. Records out; storage.errors for expected failures."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        notify_channels: Sequence[str] = (),
        stale_days: int = STALE_DAYS,
        sla: SlaPolicy | None = None,
        context_minutes: float = conversation.CONTEXT_MINUTES,
    ):
        """notify_channels: the channels (slack, teams) that want triage posts about new requests;
        stale_days: how long an open action may go without an update before it is flagged; sla: how requests'
        SLA clocks run (the desk's default hours and targets when not given); context_minutes: how long the last
        exchange in a conversation counts for reading a follow-up ("yes")."""
        self.engine = engine
        self.context_expiry = timedelta(minutes=context_minutes)
        self.stale_days = stale_days
        self.sla = sla or SlaPolicy()
        self._read, self._write = session_factories(engine)
        self._new_requests = NewRequests(self._write)
        self.outbox = Outbox(notify_channels)
        # Per-process read caches, dropped by every write this Store makes to what they hold.
        self._users = UserCache()
        self._summaries = SummaryCache()

    @property
    def notify_channels(self) -> tuple[str, ...]:
        return self.outbox.notify_channels

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

        The usual case (known user, nothing new) is a single read, or none while the user is cached.
        """
        wanted = users.profile(display_name, email, council)
        current = self._users.get(key)
        if current is None:
            current = await self.find_user(key)
            if current is not None:
                self._users.remember(current)
        if current is not None and users.is_current(current, wanted):
            return current
        self._users.forget(key)
        for attempt in (1, 2):
            try:
                async with self._write.begin() as s:
                    record = await users.upsert(s, key, wanted, utcnow())
                if wanted["email"] is not None and (current is None or current.email != wanted["email"]):
                    self._users.clear()  # it may have joined (or left) a person: their identities changed too
                self._users.remember(record)
                return record
            except IntegrityError:  # created at the same moment by another turn (PostgreSQL): read it back
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def get_user(self, key: str) -> UserRecord:
        async with self._read() as s:
            return await users.get(s, key)

    async def find_user(self, key: str) -> UserRecord | None:
        async with self._read() as s:
            return await users.find(s, key)

    async def find_user_by_mention(self, text: str) -> list[UserRecord]:
        """Resolve 'slack:U1', an email or a display name to users (exact key, email, then name). Identities
        of one person come back one by one (see UserRecord.person_keys)."""
        async with self._read() as s:
            return await users.by_mention(s, text)

    async def identities(self, key: str) -> list[UserRecord]:
        """Every identity of the person `key` is: the users sharing its verified email (just it without one)."""
        async with self._read() as s:
            return await users.person(s, key)

    async def set_role(
        self,
        key: str,
        role: str,
        enabled: bool,
        *,
        display_name: str | None = None,
        actor_key: str | None = None,
    ) -> UserRecord:
        """Grant or revoke a role on every identity of the person; creates the user record if the key is new
        (roles can be given in advance). actor_key: the admin doing it from chat (PermissionDenied for anyone
        else; Conflict 'last_admin' for the last admin's own admin role); None for the command line."""
        wanted = users.role(role)
        key = user_key(key)
        try:
            async with self._write.begin() as s:
                return await users.set_role(s, key, wanted, enabled, display_name, utcnow(), actor_key)
        finally:
            self._users.clear()

    async def set_user_email(self, key: str, email: str, *, actor_key: str | None = None) -> UserRecord:
        """Give a user their email (an admin from chat with actor_key, or the command line): they become one
        person with the identities that have it, and share their roles."""
        key = user_key(key)
        email = users.checked_email(email)
        try:
            async with self._write.begin() as s:
                return await users.set_email(s, key, email, actor_key)
        finally:
            self._users.clear()

    async def list_users(self) -> list[UserRecord]:
        async with self._read() as s:
            return await users.list_all(s)

    # ------------------------------------------------------------ strategy: themes and actions

    async def has_themes(self) -> bool:
        async with self._read() as s:
            return await plan.has_themes(s)

    async def list_themes(self) -> list[ThemeRecord]:
        async with self._read() as s:
            return await plan.list_themes(s)

    async def theme_summaries(self, now: datetime | date, scope: PlanScope | None = None) -> list[ThemeSummary]:
        """Counts by RAG, completion, overdue and flags for every theme, over the actions in `scope` (cached
        briefly; see SUMMARY_CACHE_SECONDS). A date means its midnight (UTC)."""
        if not isinstance(now, datetime):
            now = datetime(now.year, now.month, now.day, tzinfo=UTC)
        return await self._summaries.get((now.date(), scope), lambda: self._query_theme_summaries(now, scope))

    async def _query_theme_summaries(self, now: datetime, scope: PlanScope | None) -> tuple[ThemeSummary, ...]:
        async with self._read() as s:
            return await plan.theme_summaries(s, now, scope, self.stale_days)

    async def plan_years(self, scope: PlanScope | None = None) -> list[str]:
        """The plan years of the live actions (in `scope`), oldest first."""
        async with self._read() as s:
            return await plan.plan_years(s, scope)

    async def get_theme(self, code: str) -> ThemeRecord:
        async with self._read() as s:
            return await plan.get_theme(s, code)

    async def list_actions(
        self,
        *,
        theme: str | None = None,
        owner: UserRecord | None = None,
        overdue_on: date | None = None,
        limit: int | None = None,
        scope: PlanScope | None = None,
    ) -> list[ActionRecord]:
        """Live actions in plan order; `owner`: the ones that person owns or deputises on."""
        async with self._read() as s:
            return await plan.list_actions(s, theme=theme, owner=owner, overdue_on=overdue_on, limit=limit, scope=scope)

    async def count_actions(self) -> int:
        async with self._read() as s:
            return await plan.count_actions(s)

    async def get_action(
        self, ref: str, *, recent_updates: int = RECENT_UPDATES, plan_year: str | None = None
    ) -> ActionRecord:
        """The live action a ref names (or that year's copy); a retired or carried-forward one if that is all."""
        async with self._read() as s:
            return await plan.get_action(s, ref, recent_updates, plan_year)

    async def action_history(self, ref: str) -> list[ActionUpdateRecord]:
        async with self._read() as s:
            return await plan.action_history(s, ref)

    may_update_action = staticmethod(plan.may_update_action)

    async def record_action_update(
        self,
        ref: str,
        author_key: str,
        *,
        progress: int | None = None,
        rag: str | None = None,
        status: str | None = None,
        due: date | None = None,
        note: str = "",
        now: datetime | None = None,
    ) -> ActionRecord:
        """Append to the action's history and move what it sets (progress, RAG, status; a due date, which is
        proposed unless an admin gives it), each change with its old and new value. Owner, deputy or admin."""
        change = plan.ActionChange(progress=progress, rag=rag, status=status, due=due, note=note)
        change.check()
        try:
            async with self._write.begin() as s:
                return await plan.record_action_update(s, ref, author_key, change, now=now or utcnow())
        finally:
            self._summaries.clear()  # after the commit: the next status reads the new figures

    async def set_action_owner(
        self,
        ref: str,
        actor_key: str,
        *,
        name: str,
        key: str | None = None,
        email: str | None = None,
        now: datetime | None = None,
    ) -> ActionRecord:
        """An admin names an action's owner by chat identity and/or email; recorded in its history."""
        key = user_key(key) if key else None
        email = users.checked_email(email) if email else None
        if key is None and email is None:
            raise InvalidInput("owner", "missing")
        async with self._write.begin() as s:
            return await plan.set_owner(s, ref, actor_key, name=name, key=key, email=email, now=now or utcnow())

    async def roll_forward(
        self,
        from_year: str,
        to_year: str,
        actor_key: str,
        *,
        due: date | None = None,
        now: datetime | None = None,
        require_admin: bool = True,
    ) -> list[ActionRecord]:
        """Carry the unfinished actions of one plan year into the next (see plan.roll_forward). Admins only,
        unless require_admin is False (the server's operator, at its command line)."""
        try:
            async with self._write.begin() as s:
                return await plan.roll_forward(
                    s, from_year, to_year, actor_key, due=due, now=now or utcnow(), require_admin=require_admin
                )
        finally:
            self._summaries.clear()

    async def import_plan(
        self,
        themes: Sequence[ThemeInput],
        *,
        sample: bool = False,
        now: datetime | None = None,
        author_key: str = "local:import",
        note: str = "",
        overwrite: bool = False,
        retire_missing: bool = False,
        board_meetings: Sequence[date] = (),
        require_admin: bool = False,
        dry_run: bool = False,
    ) -> ImportResult:
        """Upsert themes by code and actions by ref, all or nothing (see plan.import_plan for the rules).
        With `dry_run` the same work is done in a transaction that is rolled back: the result says what
        the import would do, and nothing is written."""
        async with self._write() as s:
            transaction = await s.begin()
            try:
                result = await plan.import_plan(
                    s,
                    themes,
                    sample=sample,
                    now=now or utcnow(),
                    author_key=author_key,
                    note=note,
                    overwrite=overwrite,
                    retire_missing=retire_missing,
                    board_meetings=board_meetings,
                    require_admin=require_admin,
                )
            except BaseException:
                await transaction.rollback()
                raise
            if dry_run:
                await transaction.rollback()
                return replace(result, dry_run=True)
            try:
                await transaction.commit()
            finally:
                self._summaries.clear()
            return result

    async def create_plan_upload(
        self,
        uploader_key: str,
        file_name: str,
        data: bytes,
        *,
        options: UploadOptions = UploadOptions(),
        now: datetime | None = None,
    ) -> PlanUploadRecord:
        """Keep a plan file an admin sent in chat until an admin confirms its import (see storage/uploads.py)."""
        async with self._write.begin() as s:
            return await uploads.create(s, uploader_key, file_name, data, options, now or utcnow())

    async def confirm_plan_upload(
        self, upload_id: int, actor_key: str, *, note: Callable[[str], str], now: datetime | None = None
    ) -> UploadImport:
        """Import a pending upload and mark it confirmed, in one transaction; admins only. UploadClosed when it
        was confirmed, cancelled or expired already; one older than uploads.UPLOAD_TTL is marked expired and
        UploadClosed raised. note: the history note of the import, from the file's name."""
        try:
            async with self._write.begin() as s:
                done = await uploads.confirm(s, upload_id, actor_key, now or utcnow(), note)
        finally:
            self._summaries.clear()
        if isinstance(done, UploadClosed):
            raise done  # the expiry is on record now
        return done

    async def cancel_plan_upload(
        self, upload_id: int, actor_key: str, *, now: datetime | None = None
    ) -> PlanUploadRecord:
        """Call off a pending upload (admins only); UploadClosed when it has already ended."""
        async with self._write.begin() as s:
            return await uploads.cancel(s, upload_id, actor_key, now or utcnow())

    async def unreachable_owners(self) -> list[UnreachableOwner]:
        """Owners of live actions whom nobody can reach in chat: no known user has their key or email."""
        async with self._read() as s:
            return await plan.unreachable_owners(s)

    async def export_plan(self) -> list[tuple[ThemeRecord, list[ActionRecord]]]:
        async with self._read() as s:
            return await plan.export_plan(s)

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
        work_setting: str | None = None,
        submission_key: str | None = None,
        now: datetime | None = None,
        tried: ArticleRecord | None = None,
        tried_text: str = "",
    ) -> TicketRecord:
        """A new request, with its first event and its outbox rows, written with any others raised at the same
        moment (storage/new_requests.py). submission_key: the button press or form submission that raised it;
        the same key again answers with the request it made then, and nothing new is written. tried: the
        knowledge article that did not fix it: the description and the history say so, and the outcome
        (still_need_help, for `tried_text`) is recorded with the request."""
        if tried is not None:
            description = f"{description.strip() or summary}\n\n{kb.tried_note(tried.title)}"
        new = tickets.NewRequest(summary, description, category, priority, origin, location, contact, work_setting)
        now = now or utcnow()

        def companions(number: int, requester) -> list:
            rows = tickets.created_rows(self.outbox, number, requester, new, now)
            if tried is not None:
                rows[1:1] = kb.still_need_help_rows(number, requester, tried, origin.platform, tried_text, now)
            return rows

        made, _new = await self._new_requests.create(
            requester_key, tickets.request_values(new, now, self.sla), companions, submission_key=submission_key
        )
        return ticket_record(made)

    async def get_ticket(self, ref: str | TicketRef, viewer_key: str, *, with_events: bool = True) -> TicketRecord:
        """The requester, agents and admins see a request; to anyone else it does not exist."""
        ticket = TicketRef.parse(ref)
        async with self._read() as s:
            found = await tickets.get(s, ticket, viewer_key, with_events=with_events)
            return replace(found, linked_actions=await links.actions_of(s, ticket.number))

    async def get_tickets_unchecked(self, numbers: Iterable[int]) -> dict[int, TicketRecord]:
        """Several requests in one read, by number (missing ones left out); for delivering notifications."""
        async with self._read() as s:
            return await tickets.get_unchecked_many(s, set(numbers))

    async def get_ticket_unchecked(self, number: int) -> TicketRecord:
        """For delivering notifications; never for showing a request to a user."""
        async with self._read() as s:
            return await tickets.get_unchecked(s, TicketRef(number))

    async def my_tickets(
        self, requester_key: str, *, include_closed: bool = False, limit: int = 50
    ) -> list[TicketRecord]:
        async with self._read() as s:
            return await tickets.of_requester(s, requester_key, include_closed=include_closed, limit=limit)

    async def queue(
        self,
        viewer_key: str,
        *,
        priority: str | None = None,
        assignee_key: str | None = None,
        unassigned: bool = False,
        limit: int = 50,
    ) -> tuple[list[TicketRecord], int]:
        """Open requests by priority then age; and how many match in all. Agents only (see tickets.queue)."""
        async with self._read() as s:
            return await tickets.queue(
                s, viewer_key, priority=priority, assignee_key=assignee_key, unassigned=unassigned, limit=limit
            )

    async def _desk_change(
        self, ref: str | TicketRef, actor_key: str, now: datetime | None, change: DeskChange
    ) -> TicketRecord:
        ticket = TicketRef.parse(ref)
        async with self._write.begin() as s:
            return await tickets.desk_change(s, self.outbox, ticket, actor_key, now or utcnow(), change)

    async def assign_ticket(
        self, ref: str | TicketRef, actor_key: str, assignee_key: str | None = None, *, now: datetime | None = None
    ) -> TicketRecord:
        return await self._desk_change(ref, actor_key, now, tickets.assign(assignee_key))

    async def set_ticket_priority(
        self, ref: str | TicketRef, actor_key: str, priority: str, *, now: datetime | None = None
    ) -> TicketRecord:
        return await self._desk_change(ref, actor_key, now, tickets.reprioritise(priority, self.sla))

    async def set_ticket_waiting(
        self, ref: str | TicketRef, actor_key: str, note: str, *, now: datetime | None = None
    ) -> TicketRecord:
        """An agent needs something from the requester: the request waits and the requester is told."""
        return await self._desk_change(ref, actor_key, now, tickets.wait_for_requester(note))

    async def resolve_ticket(
        self, ref: str | TicketRef, actor_key: str, note: str, *, now: datetime | None = None
    ) -> TicketRecord:
        return await self._desk_change(ref, actor_key, now, tickets.resolve(note, self.sla))

    async def add_comment(
        self, ref: str | TicketRef, author_key: str, note: str, *, now: datetime | None = None
    ) -> TicketRecord:
        """A comment on a request; the other side is told (see tickets.add_comment)."""
        ticket = TicketRef.parse(ref)
        note = tickets.checked_comment(note)
        async with self._write.begin() as s:
            return await tickets.add_comment(s, self.outbox, ticket, author_key, note, now or utcnow(), self.sla)

    async def reopen_ticket(
        self, ref: str | TicketRef, actor_key: str, reason: str, *, now: datetime | None = None
    ) -> TicketRecord:
        """Reopen a resolved request within tickets.REOPEN_WORKING_DAYS (its requester, or the desk)."""
        ticket = TicketRef.parse(ref)
        async with self._write.begin() as s:
            return await tickets.reopen(s, self.outbox, ticket, actor_key, reason, now or utcnow())

    async def withdraw_ticket(
        self, ref: str | TicketRef, actor_key: str, reason: str = "", *, now: datetime | None = None
    ) -> TicketRecord:
        """The requester closes their own open request: they no longer need it."""
        ticket = TicketRef.parse(ref)
        async with self._write.begin() as s:
            return await tickets.withdraw(s, self.outbox, ticket, actor_key, reason, now or utcnow())

    async def set_whereabouts(
        self,
        ref: str | TicketRef,
        actor_key: str,
        *,
        council: str | None = None,
        work_setting: str | None = None,
        now: datetime | None = None,
    ) -> TicketRecord:
        """The requester's council and where they were working, on the request (and, said by the requester,
        remembered for their next ones). The requester or the desk may say."""
        ticket = TicketRef.parse(ref)
        async with self._write.begin() as s:
            made = await tickets.set_whereabouts(
                s, self.outbox, ticket, actor_key, council, work_setting, now or utcnow()
            )
        self._users.clear()
        return made

    async def link_ticket_to_action(
        self, ref: str | TicketRef, action_ref: str, actor_key: str, *, on: bool = True, now: datetime | None = None
    ) -> tuple[TicketRecord, str]:
        """Tie a request to a strategy action (or, with on=False, untie it); the desk only."""
        ticket = TicketRef.parse(ref)
        async with self._write.begin() as s:
            return await links.link(s, self.outbox, ticket, action_ref, actor_key, now or utcnow(), on=on)

    async def requests_linked_to(self, action_ref: str, *, open_only: bool = True) -> list[TicketRecord]:
        async with self._read() as s:
            return await links.requests_of(s, action_ref, open_only=open_only)

    # ------------------------------------------------------------ major incidents

    async def open_incident(
        self, actor_key: str, title: str, category: str, *, now: datetime | None = None
    ) -> IncidentRecord:
        """A major incident (the desk only), announced in the triage and announcement channels."""
        async with self._write.begin() as s:
            return await incidents.open_incident(s, self.outbox, actor_key, title, category, now or utcnow())

    async def open_incidents(self) -> list[IncidentRecord]:
        async with self._read() as s:
            return await incidents.open_incidents(s)

    async def get_incident(self, ref: str | IncidentRef) -> IncidentRecord:
        async with self._read() as s:
            return await incidents.get(s, IncidentRef.parse(ref))

    async def join_incident(
        self, ref: str | TicketRef, incident_ref: str | IncidentRef, actor_key: str, *, now: datetime | None = None
    ) -> tuple[TicketRecord, IncidentRecord]:
        """A request joins an open incident: its requester adds it, or the desk links it."""
        ticket, incident = TicketRef.parse(ref), IncidentRef.parse(incident_ref)
        async with self._write.begin() as s:
            return await incidents.join(s, self.outbox, ticket, incident, actor_key, now or utcnow())

    async def resolve_incident(
        self, incident_ref: str | IncidentRef, actor_key: str, resolution: str, *, now: datetime | None = None
    ) -> tuple[IncidentRecord, list[TicketRecord]]:
        """The incident is over: its open requests are resolved with the same note, each requester told once."""
        incident = IncidentRef.parse(incident_ref)
        async with self._write.begin() as s:
            return await incidents.resolve(s, self.outbox, incident, actor_key, resolution, now or utcnow(), self.sla)

    async def add_internal_note(
        self, ref: str | TicketRef, actor_key: str, note: str, *, now: datetime | None = None
    ) -> TicketRecord:
        """A note for the desk only (agents and admins); the requester is never told or shown it."""
        return await self._desk_change(ref, actor_key, now, tickets.internal_note(note))

    # ------------------------------------------------------------ knowledge articles and self-help

    async def import_articles(
        self,
        articles: Sequence[ArticleInput],
        *,
        prune: bool = False,
        dry_run: bool = False,
        actor_key: str | None = None,
        now: datetime | None = None,
    ) -> KbImportResult:
        """Upsert articles by slug, all or nothing; unchanged ones are left alone, and the ones not given are
        kept unless `prune`. With `dry_run`, what it would do, and nothing written. actor_key: an admin's
        (PermissionDenied for anyone else); None for the command line."""
        async with self._write() as s:
            transaction = await s.begin()
            try:
                result = await kb.import_articles(s, articles, now or utcnow(), prune=prune, actor_key=actor_key)
            except BaseException:
                await transaction.rollback()
                raise
            if dry_run:
                await transaction.rollback()
                return replace(result, dry_run=True)
            await transaction.commit()
            return result

    async def has_articles(self) -> bool:
        async with self._read() as s:
            return await kb.has_articles(s)

    async def list_articles(self) -> list[ArticleRecord]:
        """Every article, by slug (they are few: the search reads them all)."""
        async with self._read() as s:
            return await kb.list_articles(s)

    async def get_article(self, slug: str) -> ArticleRecord:
        async with self._read() as s:
            return await kb.get_article(s, slug)

    async def record_self_help_fixed(
        self,
        person_key: str,
        slug: str,
        *,
        platform: str,
        text: str = "",
        submission_key: str | None = None,
        now: datetime | None = None,
    ) -> SelfHelpRecord:
        """The article fixed the person's problem: a deflection, and nothing raised. submission_key: the button
        press; the same press again answers with the outcome it recorded, and counts nothing more."""
        try:
            async with self._write.begin() as s:
                return await kb.record_fixed(s, person_key, slug, platform, text, now or utcnow(), submission_key)
        except IntegrityError:  # the same press recorded at this moment by another turn: read it back
            if submission_key is None:
                raise
            async with self._write.begin() as s:
                return await kb.record_fixed(s, person_key, slug, platform, text, now or utcnow(), submission_key)

    async def withdraw_fixed_by_self_help(
        self,
        ref: str | TicketRef,
        actor_key: str,
        slug: str,
        *,
        platform: str,
        submission_key: str | None = None,
        now: datetime | None = None,
    ) -> tuple[TicketRecord, SelfHelpRecord]:
        """The requester's request is no longer needed: the article fixed it. Withdrawn (only its requester
        may) and counted as a deflection, in one transaction; the same press again changes nothing."""
        ticket = TicketRef.parse(ref)
        async with self._write.begin() as s:
            return await kb.withdraw_fixed(
                s, self.outbox, ticket, actor_key, slug, platform, now or utcnow(), submission_key
            )

    async def self_help_outcomes(self, start: datetime, end: datetime) -> list[SelfHelpRecord]:
        """Every self-help outcome at or after `start` and before `end`, oldest first."""
        async with self._read() as s:
            return await kb.outcomes_between(s, start, end)

    async def self_help_counts(self, start: datetime, end: datetime) -> list[SelfHelpCount]:
        """Per article, in [start, end): deflections (fixed) and still_need_help; most deflections first."""
        async with self._read() as s:
            return await kb.counts_between(s, start, end)

    async def rate_ticket(
        self, ref: str | TicketRef, actor_key: str, score: int, comment: str = "", *, now: datetime | None = None
    ) -> tuple[TicketRecord, bool]:
        """The requester answers "How did we do?" on their resolved request (1-5, an optional comment), or
        changes their answer, until ratings.RATING_DAYS after it was resolved: (the request, True); the same
        answer again changes nothing: (the request, False). See ratings.rate for who is told."""
        ticket = TicketRef.parse(ref)
        async with self._write.begin() as s:
            return await ratings.rate(s, self.outbox, ticket, actor_key, score, comment, now or utcnow())

    async def ratings_between(
        self, start: datetime, end: datetime, *, viewer_key: str | None = None
    ) -> list[RatingRecord]:
        """Ratings given or last changed in [start, end), oldest first: for the desk (agents and admins), or
        the command line (viewer_key None)."""
        async with self._read() as s:
            return await ratings.between(s, start, end, viewer_key)

    async def desk_report(
        self, start: datetime, end: datetime, *, council: str | None = None, viewer_key: str | None = None
    ) -> DeskReport:
        """The service desk's figures for [start, end), for one council's requests or all (see
        storage.desk_report for what each means): for agents, leads and admins, or the command line (None)."""
        async with self._read() as s:
            return await desk_report.report(s, start, end, council, viewer_key, self.sla)

    async def board_data(self, now: datetime, as_at: date | None = None) -> BoardData:
        """The plan for the Board report: as it is now, or as its snapshot stood on `as_at`
        (storage.snapshots); anyone who may see the strategy may read it."""
        async with self._read() as s:
            return await snapshots.board_data(s, now, as_at, self.sla.timezone, self.stale_days)

    async def take_snapshot(self, on: date, now: datetime, kind: str = snapshots.MANUAL) -> int | None:
        """Keep the plan's figures as they are now for `on`: the number of actions kept, or None when a
        snapshot of that kind exists for the day already (a snapshot is never rewritten)."""
        async with self._write.begin() as s:
            return await snapshots.take(s, on, kind, now, self.stale_days)

    # ------------------------------------------------------------ notifications (outbox)

    async def due_notifications(
        self,
        channels: Sequence[str],
        *,
        recipient_key: str | None = None,
        now: datetime | None = None,
        limit: int = 50,
    ) -> list[NotificationRecord]:
        async with self._read() as s:
            return await outbox.due(s, channels, recipient_key=recipient_key, now=now or utcnow(), limit=limit)

    async def mark_notification_sent(self, notification_id: int, *, now: datetime | None = None) -> None:
        await self.mark_notifications_sent([notification_id], now=now)

    async def mark_notifications_sent(
        self,
        notification_ids: Sequence[int],
        *,
        posts: Sequence[ChannelPostRecord] = (),
        now: datetime | None = None,
    ) -> None:
        """Several delivered notifications in one write (the outbox marks a pass's deliveries together), with the
        channel posts those deliveries made, so a post is on record exactly when its notification is sent."""
        now = now or utcnow()
        async with self._write.begin() as s:
            await channels.save_channel_posts(s, posts, now)
            if notification_ids:
                await outbox.mark_sent(s, notification_ids, now)

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
        async with self._write.begin() as s:
            return await outbox.mark_failed(
                s, notification_id, error, retry_after=retry_after, permanent=permanent, now=now or utcnow()
            )

    async def notification_states(self, request_ref: str | TicketRef) -> list[tuple[str, str, str, int]]:
        """(kind, channel, state, attempts) for every notification about a request, oldest first."""
        ticket = TicketRef.parse(request_ref)
        async with self._read() as s:
            return await outbox.states(s, ticket.number)

    # ------------------------------------------------------------ channel bookkeeping

    async def claim_event(self, event_id: str, *, now: datetime | None = None) -> bool:
        """True the first time an inbound event id is seen; False for a retry or duplicate."""
        async with self._write() as s:
            try:
                async with s.begin():
                    s.add(channels.seen_event(event_id, now or utcnow()))
                return True
            except IntegrityError:
                return False

    async def forget_events_before(self, cutoff: datetime) -> int:
        async with self._write.begin() as s:
            return await channels.forget_events_before(s, cutoff)

    async def save_conversation_reference(self, platform: str, owner_key: str, reference: dict) -> None:
        async with self._write.begin() as s:
            await channels.save_conversation_reference(s, platform, owner_key, reference, utcnow())

    async def get_conversation_reference(self, platform: str, owner_key: str) -> dict | None:
        async with self._read() as s:
            return await channels.get_conversation_reference(s, platform, owner_key)

    async def save_context(
        self,
        user_key: str,
        conversation_id: str,
        *,
        ticket: TicketRef | None,
        offer: str | None,
        now: datetime,
    ) -> None:
        """The exchange just had with a person in a conversation: the request it was about and the command a
        "yes" runs (None for either: nothing); it replaces the earlier one there."""
        async with self._write.begin() as s:
            await conversation.save(s, user_key, conversation_id, ticket, offer, now)

    async def last_context(self, user_key: str, conversations: Sequence[str], *, now: datetime) -> ContextRecord | None:
        """The person's last exchange in any of `conversations`, when it is recent enough to count."""
        async with self._read() as s:
            return await conversation.latest(s, user_key, conversations, now - self.context_expiry)

    async def save_channel_post(self, post: ChannelPostRecord) -> None:
        async with self._write.begin() as s:
            await channels.save_channel_posts(s, [post], utcnow())

    async def channel_posts_of(self, request_numbers: Sequence[int]) -> list[ChannelPostRecord]:
        """The channel posts about several requests in one read (an outbox pass looks them up together)."""
        async with self._read() as s:
            return await channels.channel_posts_of(s, request_numbers)

    async def get_channel_post(
        self, request_ref: str | TicketRef, platform: str, purpose: str = "triage"
    ) -> ChannelPostRecord | None:
        ticket = TicketRef.parse(request_ref)
        async with self._read() as s:
            return await channels.get_channel_post(s, ticket.number, platform, purpose)

    # ------------------------------------------------------------ the strategy cycle: Board meetings

    async def add_board_meeting(
        self, on: date, *, actor_key: str | None, note: str = "", now: datetime | None = None
    ) -> tuple[BoardMeetingRecord, bool]:
        """Put a Board meeting on the list: (it, True); a date already there: (that one, False).
        actor_key: an admin's key; None for the command line."""
        async with self._write.begin() as s:
            return await board.add(s, on, note, actor_key, now or utcnow())

    async def remove_board_meeting(self, on: date, *, actor_key: str | None) -> BoardMeetingRecord:
        """Take a Board meeting off the list (admins, or the command line with actor_key None)."""
        async with self._write.begin() as s:
            return await board.remove(s, on, actor_key)

    async def list_board_meetings(self, *, from_day: date | None = None) -> list[BoardMeetingRecord]:
        async with self._read() as s:
            return await board.list_all(s, from_day=from_day)

    async def next_board_meeting(self, today: date) -> BoardMeetingRecord | None:
        """The first Board meeting today or later, if one is on the list."""
        async with self._read() as s:
            return await board.next_meeting(s, today)

    async def last_board_meeting(self, today: date) -> BoardMeetingRecord | None:
        """The latest Board meeting before today, if one is on the list."""
        async with self._read() as s:
            return await board.last_meeting(s, today)

    # ------------------------------------------------------------ the strategy cycle: jobs

    async def job_due_times(
        self, job: str, config: CycleConfig, start: datetime, end: datetime
    ) -> list[tuple[datetime, JobRunRecord | None]]:
        """Each due time of `job` in (start, end], oldest first, with its run when it has one."""
        async with self._read() as s:
            due = await cycle.due_times(s, job, config, start, end)
            if not due:
                return []
            runs = {r.due_at: r for r in await jobs.runs_between(s, job, due[0], due[-1])}
        return [(d, runs.get(d)) for d in due]

    async def next_job_due(self, job: str, config: CycleConfig, after: datetime) -> datetime | None:
        async with self._read() as s:
            return await cycle.next_due(s, job, config, after)

    async def last_job_runs(self) -> dict[str, JobRunRecord]:
        """Each job's run with the latest due time."""
        async with self._read() as s:
            return await jobs.latest(s, cycle.JOBS)

    async def get_job_run(self, job: str, due_at: datetime) -> JobRunRecord | None:
        async with self._read() as s:
            return await jobs.get(s, job, due_at)

    async def claim_job(
        self, job: str, due_at: datetime, *, worker: str, now: datetime, lease: timedelta = jobs.LEASE
    ) -> bool:
        """Claim the run of `job` for `due_at`: True when this worker now has it (new, or taken over from a
        claim whose lease ran out); False when another has it or it is finished."""
        async with self._write.begin() as s:
            return await jobs.claim(s, job, due_at, worker, now, lease=lease)

    async def skip_job(self, job: str, due_at: datetime, *, worker: str, now: datetime, reason: str) -> bool:
        """Record a due time as skipped (too old to act on); False when it already has a run."""
        async with self._write.begin() as s:
            claimed = await jobs.claim(s, job, due_at, worker, now, state=jobs.SKIPPED)
            if claimed:
                await jobs.set_outcome(s, job, due_at, {"reason": reason})
            return claimed

    async def complete_job(
        self, job: str, due_at: datetime, *, worker: str, config: CycleConfig, now: datetime
    ) -> JobRunRecord | None:
        """Work out the notices the claimed run owes and write them with the run marked done, in one
        transaction: all of them once, or none. None when the claim is no longer this worker's."""
        async with self._write.begin() as s:
            rows, outcome = await cycle.notices(s, self.outbox, job, config, due_at)
            outcome = {**outcome, "notices": len(rows)}
            if not await jobs.finish(s, job, due_at, worker, now, state=jobs.DONE, outcome=outcome, notices=rows):
                return None  # taken over meanwhile: nothing was written
            return await jobs.get(s, job, due_at)

    async def fail_job(self, job: str, due_at: datetime, *, worker: str, error: str, now: datetime) -> bool:
        """Record the claimed run as failed; it is tried again later (see storage.jobs)."""
        async with self._write.begin() as s:
            return await jobs.fail(s, job, due_at, worker, now, error)


__all__ = ["Store", "utcnow"]
