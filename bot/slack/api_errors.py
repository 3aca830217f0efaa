"""What a failed Slack Web API call said, whatever came back: Slack's JSON, a proxy's text/plain 503, an HTML
error page, or nothing. The one place `SlackApiError.response` is read (its body is not always a dict, and
when the body was not JSON at all, the response is aiohttp's own and has no `.get` or `.status_code`)."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.errors import SlackApiError


@dataclass(frozen=True, slots=True)
class ApiFailure:
    error: str  # Slack's error code (`channel_not_found`), or `HTTP 503` when the body was not Slack's JSON
    status: int | None  # the HTTP status, when there was a response
    retry_after: str | None  # the Retry-After header as sent, if any
    slack_said: bool  # the body was Slack's own JSON answer (so `error` is Slack's code)

    @property
    def throttled(self) -> bool:
        return self.status == 429 or self.error == "ratelimited"

    @property
    def server_side(self) -> bool:
        """The API (or something in front of it) is unwell, rather than this call being wrong."""
        return self.throttled or not self.slack_said or (self.status or 0) >= 500

    def __str__(self) -> str:
        return self.error


def api_failure(e: SlackApiError) -> ApiFailure:
    response = e.response
    data = getattr(response, "data", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    status = status if isinstance(status, int) else None
    headers = getattr(response, "headers", None) or {}
    retry_after = headers.get("Retry-After") or headers.get("retry-after")
    code = data.get("error") if isinstance(data, dict) else None
    plain = f"HTTP {status}" if status is not None else "no response"
    error = str(code) if code else plain
    return ApiFailure(error, status, str(retry_after) if retry_after is not None else None, isinstance(data, dict))
