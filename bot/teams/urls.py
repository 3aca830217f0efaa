"""The one check of the service URLs we are given (activities, triage settings): an http(s) URL with a host."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_http_url(value: object) -> bool:
    """True for a string that is an http or https URL naming a host (surrounding spaces allowed)."""
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)
