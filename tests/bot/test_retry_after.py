"""Retry-After, read once for every deliverer: delta-seconds or an HTTP-date, a default, a cap."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.notify import RETRY_AFTER_CAP, RETRY_AFTER_DEFAULT, retry_after_seconds

NOW = datetime(2026, 10, 21, 7, 28, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("Wed, 21 Oct 2026 07:30:00 GMT", 120.0),
        ("Wed, 21 Oct 2026 07:27:00 GMT", 0.0),  # already past
        ("-5", 0.0),
        ("999999", RETRY_AFTER_CAP),
        ("Wed, 21 Oct 2099 07:30:00 GMT", RETRY_AFTER_CAP),
        (None, RETRY_AFTER_DEFAULT),
        ("", RETRY_AFTER_DEFAULT),
        ("soon", RETRY_AFTER_DEFAULT),
        ("nan", RETRY_AFTER_DEFAULT),
        ("inf", RETRY_AFTER_DEFAULT),
    ],
)
def test_retry_after_seconds(value, seconds):
    assert retry_after_seconds(value, now=NOW) == seconds


def test_the_default_and_cap_can_be_chosen():
    assert retry_after_seconds(None, default=60.0) == 60.0
    assert retry_after_seconds("500", cap=100.0) == 100.0
