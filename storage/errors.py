"""Domain errors raised by the service API. Messages are safe to show to the user who caused them."""


class StorageError(Exception):
    """Base class for expected, user-facing failures of a service call."""


class NotFound(StorageError):
    pass


class PermissionDenied(StorageError):
    pass


class InvalidInput(StorageError):
    pass


class Conflict(StorageError):
    pass
