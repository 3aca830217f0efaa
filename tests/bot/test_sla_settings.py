"""The SLA policy the server runs with comes from its settings; targets or hours it cannot read stop start-up
with what was wrong."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from bot.settings import Settings
from storage.sla import parse_targets


def test_targets_and_hours_come_from_settings_and_bad_ones_stop_start_up():
    settings = Settings(_env_file=None, ICTBOT_SLA_TARGETS="P2=1d, p4=10d", ICTBOT_SLA_HOURS="09:00-17:00")
    policy = settings.sla_policy
    assert (policy.opens, policy.closes, policy.target("P2"), policy.target("P1")) == (
        time(9),
        time(17),
        timedelta(hours=8),
        timedelta(hours=4),
    )
    assert parse_targets("")["P3"] == "3d"
    for bad, says in (
        ({"ICTBOT_SLA_TARGETS": "P2=soon"}, "is not a target like 4h"),
        ({"ICTBOT_SLA_TARGETS": "P9=4h"}, "is not like P2=8h"),
        ({"ICTBOT_SLA_HOURS": "9 to 5"}, "is not opening hours like 08:30-17:00"),
        ({"ICTBOT_SLA_HOURS": "17:00-08:30"}, "must close after it opens"),
        ({"ICTBOT_SLA_ALL_HOURS": "P1,P7"}, "P7: not a priority"),
    ):
        with pytest.raises(ValueError, match=says):
            Settings(_env_file=None, **bad)
