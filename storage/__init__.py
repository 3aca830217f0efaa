"""Persistence for the ICT Assistant: SQLAlchemy 2.0 async models, migrations and the service API.

Nothing here knows about chat platforms or web frameworks; callers get plain frozen data objects.
"""

from storage.errors import Conflict, InvalidInput, NotFound, PermissionDenied, StorageError
from storage.service import Store

__all__ = ["Conflict", "InvalidInput", "NotFound", "PermissionDenied", "StorageError", "Store"]
