"""Persistence for the ICT Assistant: SQLAlchemy 2.0 async models, migrations and the service API.

Nothing here knows about chat platforms or web frameworks; callers get plain frozen data objects, and
errors that say what happened as data (the wording is the caller's).
"""

from storage.errors import Conflict, InvalidInput, NotFound, PermissionDenied, StorageError, UploadClosed
from storage.outbox import NOTIFY_MAX_ATTEMPTS
from storage.records import (
    ActionRecord,
    ActionUpdateRecord,
    ChannelPostRecord,
    IncidentRecord,
    NotificationRecord,
    Origin,
    RatingRecord,
    ThemeRecord,
    ThemeSummary,
    TicketEventRecord,
    TicketRecord,
    UserRecord,
)
from storage.refs import IncidentRef, TicketRef, user_key
from storage.service import Store
from storage.sla import SlaPolicy

__all__ = [
    "NOTIFY_MAX_ATTEMPTS",
    "ActionRecord",
    "ActionUpdateRecord",
    "ChannelPostRecord",
    "Conflict",
    "IncidentRecord",
    "IncidentRef",
    "InvalidInput",
    "NotFound",
    "NotificationRecord",
    "Origin",
    "PermissionDenied",
    "RatingRecord",
    "SlaPolicy",
    "StorageError",
    "Store",
    "ThemeRecord",
    "ThemeSummary",
    "TicketEventRecord",
    "TicketRecord",
    "TicketRef",
    "UploadClosed",
    "UserRecord",
    "user_key",
]
