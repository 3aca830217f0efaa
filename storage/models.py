"""ORM models. These never leave storage/: the service API converts them to records (records.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every database (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value

    def process_result_value(self, value, dialect):
        from datetime import UTC

        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


class Theme(Base):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: Loaded from the illustrative sample plan: shown as such, and replaced by the first real import.
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    actions: Mapped[list[Action]] = relationship(back_populates="theme")


class Action(Base):
    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        Index("ix_actions_theme_due", "theme_id", "due"),
        Index("ix_actions_owner_email", "owner_email"),
        Index("ix_actions_owner_key", "owner_key"),
        #: A ref names one live action; a year's copy closed as carried forward keeps the ref in its own year.
        UniqueConstraint("ref", "plan_year", name="uq_actions_ref_year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(16))
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200))
    owner_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    partners: Mapped[str] = mapped_column(String(100))  # comma-separated Council values
    plan_year: Mapped[str] = mapped_column(String(7))
    due: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    rag: Mapped[str] = mapped_column(String(5))
    progress: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The owner's chat identity (slack:U..., teams:<aadObjectId>, local:name), when the plan names one.
    owner_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: Others who may post updates: identity keys or emails, comma-separated.
    deputies: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    start: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: A new due date the owner has asked for; an admin makes it the due date.
    proposed_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: Taken out of the plan (kept for history and reports, hidden from status).
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: The earlier year's copy this action was carried forward from.
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="SET NULL"), nullable=True)
    #: The values the last import wrote, so a re-import can tell an owner's later change from the file's.
    file_values: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    #: When its owner (or a deputy or admin) last posted an update: the staleness clock.
    last_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    theme: Mapped[Theme] = relationship(back_populates="actions")


class ActionUpdate(Base):
    __tablename__ = "action_updates"
    __table_args__ = (Index("ix_action_updates_action_at", "action_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    author_key: Mapped[str] = mapped_column(String(200))
    author_name: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    progress: Mapped[int] = mapped_column(Integer)
    rag: Mapped[str] = mapped_column(String(5))
    note: Mapped[str] = mapped_column(Text)
    #: update (an owner's progress), change (status, due date or owner set from chat), import, carried.
    kind: Mapped[str] = mapped_column(String(20), default="update", server_default="update")
    status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    #: What it changed: {field: [old, new]}.
    changes: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), nullable=True, index=True)
    council: Mapped[str | None] = mapped_column(String(40), nullable=True)
    is_agent: Mapped[bool] = mapped_column(Boolean, default=False)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Strategy leads: told in the daily escalation digest when actions turn red, blocked or overdue.
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Where they last said they were working (WorkSetting), offered again on their next request.
    work_setting: Mapped[str | None] = mapped_column(String(20), nullable=True)


class SupportRequest(Base):
    __tablename__ = "support_requests"
    __table_args__ = (
        Index("ix_requests_open_queue", "is_open", "priority", "created_at"),
        Index("ix_requests_requester_open", "requester_key", "is_open"),
        Index("uq_requests_submission_key", "submission_key", unique=True),
        Index("ix_requests_rated_at", "rated_at"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # ICT-<id>
    requester_key: Mapped[str] = mapped_column(String(200))
    requester_name: Mapped[str] = mapped_column(String(200))
    council: Mapped[str | None] = mapped_column(String(40), nullable=True)
    origin_platform: Mapped[str] = mapped_column(String(20))
    origin_conversation: Mapped[str | None] = mapped_column(String(300), nullable=True)
    origin_thread: Mapped[str | None] = mapped_column(String(100), nullable=True)
    origin_reference: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    category: Mapped[str] = mapped_column(String(30))
    priority: Mapped[str] = mapped_column(String(2))
    summary: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    assignee_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    assignee_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sla_due: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When it becomes at risk (SlaPolicy.at_risk of its target used); moves with sla_due.
    sla_at_risk: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: While it waits on the requester, when that began: its SLA clock is stopped (storage/sla.py).
    sla_paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: Business time it has waited on the requester so far, added to its target.
    sla_paused_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The button press or form submission that raised it (one request per press, however often it arrives).
    submission_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: Where the requester was working: home, office or borough (WorkSetting); None when not known.
    work_setting: Mapped[str | None] = mapped_column(String(20), nullable=True)
    #: The latest public comment and the latest internal note, {"by", "text", "at"}, shown on the triage post.
    latest_comment: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    latest_note: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    #: Since when the requester's last word (a comment, a reopen) awaits an answer from the desk.
    requester_replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: The major incident it is part of (INC-<id>); resolving the incident resolves it.
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"), nullable=True)

    #: The requester's answer to "How did we do?" once it was resolved: 1 (very poor) to 5 (excellent).
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rating_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: When the rating was given, or last changed; each one is also an event ("rated") in its history.
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    #: How many times the requester changed their rating after first giving it.
    rating_changes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Incident(Base):
    """A major incident (INC-<id>): one fault that many requests report. The desk announces it, links requests
    to it, and resolving it resolves them all."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(10))  # open, resolved
    opened_by_key: Mapped[str] = mapped_column(String(200))
    opened_by_name: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)


class RequestActionLink(Base):
    """A request tied to a strategy action (for example a failing legacy system the action replaces)."""

    __tablename__ = "request_action_links"
    __table_args__ = (UniqueConstraint("request_id", "action_id", name="uq_request_action_link"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id", ondelete="CASCADE"))
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    linked_by: Mapped[str] = mapped_column(String(200))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TicketEvent(Base):
    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_request_at", "request_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_key: Mapped[str] = mapped_column(String(200))
    actor_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))  # created, assigned, priority, waiting, resolved, ...
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class ProcessedEvent(Base):
    """Inbound event ids already handled (Slack event_id, Teams activity id): retries are ignored."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Notification(Base):
    """Transactional outbox: written with the change that owes it, delivered by the bot layer."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_pending", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The request it is about; None for a notice about the strategy plan (check-ins, nudges, digests).
    request_id: Mapped[int | None] = mapped_column(ForeignKey("support_requests.id", ondelete="CASCADE"), nullable=True)
    kind: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(20))  # slack, teams, local
    recipient_key: Mapped[str | None] = mapped_column(String(200), nullable=True)  # None: triage
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ConversationReference(Base):
    """Where a platform lets the bot speak to someone later (Teams proactive messages, triage channels)."""

    __tablename__ = "conversation_references"
    __table_args__ = (UniqueConstraint("platform", "owner_key", name="uq_convref_platform_owner"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    owner_key: Mapped[str] = mapped_column(String(200))  # a user key, or "triage"
    reference: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ChannelPost(Base):
    """A message the bot posted about a request (e.g. the triage card), so it can be updated in place."""

    __tablename__ = "channel_posts"
    __table_args__ = (UniqueConstraint("request_id", "platform", "purpose", name="uq_post_request_platform"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("support_requests.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(20))
    conversation: Mapped[str] = mapped_column(String(300))
    message_id: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BoardMeeting(Base):
    """A meeting of the MKS Shared Services Board: the strategy cycle's check-ins count back from these."""

    __tablename__ = "board_meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    on: Mapped[date] = mapped_column(Date, unique=True)
    note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    added_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class JobRun(Base):
    """One scheduled job's run for one due time: claimed before it acts, so it never acts twice for it."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "due_at", name="uq_job_runs_job_due"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(10))  # running, done, failed
    claimed_by: Mapped[str] = mapped_column(String(100))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: A running claim older than this was left by a process that died; another may take it over.
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    outcome: Mapped[dict] = mapped_column(JSON, default=dict)


class PlanUpload(Base):
    """A plan file an admin sent in chat, kept until they confirm the import (or cancel it, or it expires)."""

    __tablename__ = "plan_uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uploader_key: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # The options the admin typed with the file, as `ictbot plan import` takes them.
    overwrite: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    retire_missing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    plan_year: Mapped[str | None] = mapped_column(String(7), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: confirmed, cancelled or expired; None while it waits for the admin.
    outcome: Mapped[str | None] = mapped_column(String(10), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class KbArticle(Base):
    """A knowledge article, imported from its Markdown file (storage/kb_file.py); the slug is the file's name."""

    __tablename__ = "kb_articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300), default="", server_default="")
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    categories: Mapped[list] = mapped_column(JSON, default=list)  # Category values
    councils: Mapped[list] = mapped_column(JSON, default=list)  # Council values
    body: Mapped[str] = mapped_column(Text)
    #: Of the article's content as read (storage.kb_file.ArticleInput.content_hash): unchanged files are left alone.
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SelfHelpOutcome(Base):
    """Someone was offered an article: it fixed their problem (a deflection), or they still needed help."""

    __tablename__ = "self_help_outcomes"
    __table_args__ = (
        Index("ix_self_help_outcomes_at", "at"),
        Index("uq_self_help_outcomes_submission_key", "submission_key", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Not a foreign key: the count stays when an article is taken out of the set.
    article_slug: Mapped[str] = mapped_column(String(100))
    article_title: Mapped[str] = mapped_column(String(200))
    person_key: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(20))
    #: What they typed about the problem, clipped.
    text: Mapped[str] = mapped_column(String(300), default="", server_default="")
    outcome: Mapped[str] = mapped_column(String(20))  # fixed, still_need_help
    #: The request raised (still needing help) or withdrawn (fixed after all), when there is one.
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("support_requests.id", ondelete="SET NULL"), nullable=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The button press that recorded it: pressed again, nothing more is counted.
    submission_key: Mapped[str | None] = mapped_column(String(200), nullable=True)


class PlanSnapshot(Base):
    """The plan's figures as they stood at a Board meeting or a month's end: one row per action (as the
    Board report reads it), written once and never rewritten. Reports "as at" a date and trends read these."""

    __tablename__ = "plan_snapshots"
    __table_args__ = (UniqueConstraint("on", "kind", name="uq_plan_snapshots_on_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The day it stands for: a Board meeting's date, or the last day of a month.
    on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))  # board, month, manual
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: [{ref, plan_year, theme, title, owner, partners, due, status, rag, progress, flagged, narrative, ...}]
    actions: Mapped[list] = mapped_column(JSON)


class ConversationContext(Base):
    """The last exchange with a person in one conversation: the request it was about and the command a plain
    "yes" would run. A row per exchange; the newest one of a person and conversation counts, and only for a
    few minutes (Store(context_minutes=...)). A notice about a request, queued for a person, is recorded for
    their personal chat (storage.conversation.PERSONAL_CHAT)."""

    __tablename__ = "conversation_contexts"
    __table_args__ = (Index("ix_conversation_contexts_person", "user_key", "conversation", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_key: Mapped[str] = mapped_column(String(200))
    conversation: Mapped[str] = mapped_column(String(300))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("support_requests.id", ondelete="CASCADE"), nullable=True)
    #: The command a "yes" runs, as typed (the offer's primary button's); None: nothing was offered.
    offer: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
