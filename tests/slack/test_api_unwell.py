"""When Slack's Web API is unwell and what comes back is not Slack's JSON (a proxy's text/plain 503), or it
throttles: no AttributeError, no traceback per request, a broken API is not asked on every request, and
Retry-After is kept."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bot.slack.app import SLACK
from tests.slack.conftest import SUPPORT_CHANNEL, texts


def _tracebacks(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info]


async def test_profile_look_ups_against_a_text_plain_503_are_made_once_and_logged_once(workspace, caplog):
    workspace.fake.fail_plain("users.info", status=503)
    with caplog.at_level(logging.INFO):
        for n in range(40):
            ack = await workspace.ict("whoami", user=("UROB", "UEVE", "UALEX", "ULUKE")[n % 4])
            assert "slack:U" in texts(ack["blocks"])  # answered with the payload's name
        await workspace.settle()
    assert len(workspace.fake.of("users.info")) == 1
    assert _tracebacks(caplog) == []
    [warning] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "HTTP 503" in warning.getMessage() and "pause" in warning.getMessage()


async def test_profile_look_ups_resume_after_the_pause(workspace):
    now = [1000.0]
    profiles = workspace.app[SLACK].profiles
    profiles.clock = lambda: now[0]
    workspace.fake.fail_plain("users.info", status=503, times=1)
    assert "Rob Requester" not in texts((await workspace.ict("whoami"))["blocks"])
    assert "Rob Requester" not in texts((await workspace.ict("whoami"))["blocks"])
    assert len(workspace.fake.of("users.info")) == 1
    now[0] += 61
    assert "Rob Requester" in texts((await workspace.ict("whoami"))["blocks"])
    assert len(workspace.fake.of("users.info")) == 2


async def test_a_rate_limited_profile_look_up_waits_for_retry_after(workspace):
    now = [1000.0]
    profiles = workspace.app[SLACK].profiles
    profiles.clock = lambda: now[0]
    workspace.fake.rate_limit("users.info", retry_after=300)
    await workspace.ict("whoami")
    now[0] += 200  # past the default pause, within Slack's Retry-After
    await workspace.ict("whoami", user="UEVE")
    assert len(workspace.fake.of("users.info")) == 1
    now[0] += 101
    assert "Eve Nosy" in texts((await workspace.ict("whoami", user="UEVE"))["blocks"])


async def test_a_triage_post_answered_by_a_text_plain_503_is_retried_later(workspace, caplog):
    workspace.fake.fail_plain("chat.postMessage", status=503, times=1)
    with caplog.at_level(logging.INFO):
        ack = await workspace.ict("support the scanner is offline")
        assert "ICT-1 raised" in texts(ack["blocks"])
        await workspace.settle()
    assert _tracebacks(caplog) == []
    assert await workspace.store.notification_states("ICT-1") == [("new_request", "slack", "pending", 1)]
    metrics = workspace.runtime.metrics.exposition().decode()
    assert 'ictbot_notifications_total{channel="slack",result="failed"} 1.0' in metrics
    [due] = await workspace.store.due_notifications(["slack"], now=datetime.now(UTC) + timedelta(minutes=5))
    await workspace.runtime.outbox.drain()  # the pass the timer would make: not due yet
    assert len([c for c in workspace.fake.of("chat.postMessage") if c.args["channel"] == SUPPORT_CHANNEL]) == 1
    assert due.kind == "new_request"


async def test_a_503_with_retry_after_as_an_http_date_is_kept(workspace):
    when = datetime.now(UTC) + timedelta(minutes=10)
    workspace.fake.fail_plain(
        "chat.postMessage", status=503, headers={"Retry-After": when.strftime("%a, %d %b %Y %H:%M:%S GMT")}, times=1
    )
    await workspace.ict("support the scanner is offline")
    await workspace.settle()
    assert await workspace.store.due_notifications(["slack"], now=when - timedelta(seconds=30)) == []
    [due] = await workspace.store.due_notifications(["slack"], now=when + timedelta(seconds=2))
    assert due.attempts == 1


async def test_a_modal_that_cannot_be_opened_behind_a_503_is_told_to_the_person(workspace, caplog):
    workspace.fake.fail_plain("views.open", status=503)
    with caplog.at_level(logging.INFO):
        assert await workspace.ict("support") == {}
        await workspace.settle()
    assert _tracebacks(caplog) == []
    [told] = workspace.fake.of("response_url")
    assert "couldn't open the form" in told.args["text"] and "HTTP 503" in told.args["text"]
