"""Bodies that are not what Slack sends, signed or not: 400 or 401, one log line, no traceback, nothing saved."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

import pytest

from tests.slack.conftest import SIGNING_SECRET, sign

NOT_SLACK = [
    pytest.param(b"[1]", "application/json", id="json-array"),
    pytest.param(b"null", "application/json", id="json-null"),
    pytest.param(b'"text"', "application/json", id="json-string"),
    pytest.param(b'{"type": "event_callback", "event": {"type": "mess', "application/json", id="truncated-json"),
    pytest.param(b"command=%2Fict&text=\xff\xfe", "application/x-www-form-urlencoded", id="invalid-utf8-form"),
    pytest.param(b'{"type": "\xc3\x28"}', "application/json", id="invalid-utf8-json"),
    pytest.param(b"command=%2Fict&text=status&user_id=UROB", "application/json", id="form-as-json"),
    pytest.param(b"payload=%5B1%5D", "application/x-www-form-urlencoded", id="payload-not-an-object"),
    pytest.param(b"payload=%7Bbroken", "application/x-www-form-urlencoded", id="payload-not-json"),
    pytest.param(b"{}", "application/json", id="empty-object"),
    pytest.param(b"", "application/x-www-form-urlencoded", id="empty"),
]


def _signed(raw: bytes) -> dict[str, str]:
    """Slack's signature over the raw bytes (HMAC-SHA256 of `v0:{timestamp}:{body}`), even when not UTF-8."""
    ts = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


async def _post(workspace, raw: bytes, content_type: str, headers: dict[str, str]):
    return await workspace.client.post("/slack/events", data=raw, headers={**headers, "Content-Type": content_type})


def _problems(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(("raw", "content_type"), NOT_SLACK)
async def test_a_signed_body_that_is_no_slack_payload_is_400_with_one_line(workspace, caplog, raw, content_type):
    with caplog.at_level(logging.INFO):
        response = await _post(workspace, raw, content_type, _signed(raw))
    assert response.status == 400
    assert "Traceback" not in await response.text()
    [line] = _problems(caplog)
    assert line.exc_info is None and "not a Slack payload" in line.getMessage()
    assert await workspace.store.list_users() == []


@pytest.mark.parametrize(("raw", "content_type"), NOT_SLACK)
async def test_an_unsigned_body_of_any_kind_is_401_with_one_line(workspace, caplog, raw, content_type):
    with caplog.at_level(logging.INFO):
        response = await _post(workspace, raw, content_type, {})
    assert response.status == 401
    [line] = _problems(caplog)
    assert line.exc_info is None and "signature" in line.getMessage()


@pytest.mark.parametrize("timestamp", ["soon", "", "1e9", "\u0661\u0662"])
async def test_a_timestamp_that_is_not_a_number_is_401_not_a_sorry(workspace, caplog, timestamp):
    body = "command=%2Fict&text=status&user_id=UROB"
    headers = {**sign(body), "X-Slack-Request-Timestamp": timestamp}
    with caplog.at_level(logging.INFO):
        response = await _post(workspace, body.encode(), "application/x-www-form-urlencoded", headers)
    assert response.status == 401
    assert [r.exc_info for r in _problems(caplog)] == [None]


async def test_a_wrong_signature_on_a_broken_body_is_401(workspace, caplog):
    raw = b"[1]"
    headers = {**_signed(raw), "X-Slack-Signature": "v0=" + "0" * 64}
    with caplog.at_level(logging.INFO):
        response = await _post(workspace, raw, "application/json", headers)
    assert response.status == 401
    assert [r.exc_info for r in _problems(caplog)] == [None]


async def test_a_well_formed_command_still_works(workspace):
    assert "Strategy" in str(await workspace.ict("status"))
