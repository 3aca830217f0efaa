"""What comes in on POST /slack/events, checked before bolt sees it: the signature first, on the raw bytes,
then the body must parse into the JSON object or form Slack sends. Anything else is refused with one log line:
401 when the signature is missing or wrong (or its timestamp is not a number), 400 when it is signed but no
Slack payload. This is the one signature check: bolt's own is switched off (bot/slack/app.py).
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from aiohttp import web
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

MAX_AGE = 5 * 60  # seconds: Slack's and slack_sdk's limit on a request's age


class Refused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason

    def response(self) -> web.Response:
        return web.json_response({"error": self.reason}, status=self.status)


class Inbound:
    def __init__(self, signing_secret: str):
        self.verifier = SignatureVerifier(signing_secret)
        self._secret = signing_secret.encode()

    async def bolt_request(self, request: web.Request) -> AsyncBoltRequest:
        """The request as bolt takes it, or Refused (logged once, without a traceback)."""
        raw = await request.read()
        if not self._signed(raw, request):
            log.warning("refused a Slack request from %s: missing or invalid signature", request.remote)
            raise Refused(401, "invalid signature")
        try:
            text = raw.decode("utf-8")
            bolt_request = AsyncBoltRequest(body=text, query=request.query_string, headers=request.headers)
            usable = isinstance(bolt_request.body, dict) and bool(bolt_request.body)
        except (ValueError, TypeError, AttributeError, KeyError):  # not UTF-8, not JSON, not an object
            usable = False
        if not usable:
            log.warning(
                "refused a signed Slack request from %s: the body (%s, %d bytes) is not a Slack payload",
                request.remote,
                request.content_type,
                len(raw),
            )
            raise Refused(400, "not a Slack payload")
        return bolt_request

    def _signed(self, raw: bytes, request: web.Request) -> bool:
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        signature = request.headers.get("X-Slack-Signature")
        try:
            return self.verifier.is_valid(raw, timestamp, signature)
        except UnicodeDecodeError:  # the library checks text only: these bytes are checked as they are
            return self._bytes_signed(raw, timestamp or "", signature or "")
        except (ValueError, TypeError):  # a timestamp that is not a number, a signature that is not ASCII
            return False

    def _bytes_signed(self, raw: bytes, timestamp: str, signature: str) -> bool:
        """Slack's scheme (HMAC-SHA256 of `v0:{timestamp}:{body}`) for a body that is not UTF-8 text, so that a
        signed one is told apart (400) from an unsigned one (401)."""
        try:
            if abs(self.verifier.clock.now() - int(timestamp)) > MAX_AGE:
                return False
        except ValueError:
            return False
        expected = "v0=" + hmac.new(self._secret, b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))
