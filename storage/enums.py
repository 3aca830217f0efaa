"""Vocabularies shared by the models, the service API and its callers."""

from enum import StrEnum


class Council(StrEnum):
    MAIDSTONE = "Maidstone"
    SWALE = "Swale"
    TUNBRIDGE_WELLS = "Tunbridge Wells"


ALL_COUNCILS: tuple[Council, ...] = tuple(Council)


class WorkSetting(StrEnum):
    """Where a requester was working when they asked: the desk report splits requests by it."""

    HOME = "home"
    OFFICE = "office"  # a council office
    BOROUGH = "borough"  # out in the borough: site visits, depots, on the road


class ActionStatus(StrEnum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    COMPLETE = "complete"
    BLOCKED = "blocked"


#: The status of an earlier year's copy of an action carried into the next plan year: closed, not counted.
CARRIED_FORWARD = "carried forward"
#: Statuses of actions nobody needs to work on any more.
CLOSED_ACTION_STATUSES = (ActionStatus.COMPLETE.value, CARRIED_FORWARD)


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


class Role(StrEnum):
    AGENT = "agent"
    ADMIN = "admin"
    LEAD = "lead"


class Priority(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


class Category(StrEnum):
    ACCESS = "access"
    NETWORK = "network"
    HARDWARE = "hardware"
    SOFTWARE = "software"
    SECURITY = "security incident"
    EMAIL = "email"
    TELEPHONY = "telephony"
    OTHER = "other"


class TicketStatus(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in progress"
    WAITING = "waiting"
    RESOLVED = "resolved"
    CLOSED = "closed"


OPEN_TICKET_STATUSES: tuple[TicketStatus, ...] = (
    TicketStatus.NEW,
    TicketStatus.ASSIGNED,
    TicketStatus.IN_PROGRESS,
    TicketStatus.WAITING,
)


class NoticeKind(StrEnum):
    """Why a notification is owed. Delivery happens in the bot layer, from the outbox."""

    NEW_REQUEST = "new_request"  # to the triage conversation(s)
    REQUEST_CHANGED = "request_changed"  # refresh triage posts in place
    ASSIGNED = "assigned"  # to the requester
    WAITING = "waiting"  # to the requester
    RESOLVED = "resolved"  # to the requester
    COMMENTED = "commented"  # to the assignee (requester commented) or the requester (the desk commented)
    SLA_AT_RISK = "sla_at_risk"  # to the assignee and the triage channels, once: most of the target used
    SLA_BREACHED = "sla_breached"  # to the assignee and the triage channels, once: past its due time
    REQUESTER_REPLIED = "requester_replied"  # to the triage channels: the requester added to an unassigned request
    PRIORITY = "priority"  # to the requester: the desk changed the request's priority (and so its SLA target)
    REOPENED = "reopened"  # to the assignee (the requester reopened it) or the requester (the desk did)
    WITHDRAWN = "withdrawn"  # to the assignee: the requester withdrew the request
    # About a major incident (no one request; payload "to": triage or announce):
    INCIDENT_OPENED = "incident_opened"  # to the triage and announcement channels
    INCIDENT_RESOLVED = "incident_resolved"  # to the triage and announcement channels
    RATED = "rated"  # to the assignee: the requester answered "How did we do?" (or changed their answer)
    LOW_RATING = "low_rating"  # to the triage channels: a score of 1-2, or a change from one
    # About the strategy plan, not a request (the strategy cycle's jobs, storage/cycle.py):
    CHECKIN = "checkin"  # to an owner: the Board is coming, please post your updates
    REMINDER = "reminder"  # to an owner still without an update, a few working days before the Board
    STALE = "stale"  # to an owner: actions with no update for a long time
    DIGEST = "digest"  # to the strategy channel and the leads: what turned red, blocked or overdue


#: Notices about a major incident rather than one request or the strategy plan.
INCIDENT_NOTICES = frozenset({NoticeKind.INCIDENT_OPENED, NoticeKind.INCIDENT_RESOLVED})


class IncidentStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class NoticeState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class UploadOutcome(StrEnum):
    """How a plan file sent in chat ended: imported, called off, or left too long."""

    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class SelfHelpResult(StrEnum):
    """What came of offering a knowledge article."""

    FIXED = "fixed"  # a deflection: no request needed (or the one raised was withdrawn)
    STILL_NEED_HELP = "still_need_help"  # a request was raised, noting the article
