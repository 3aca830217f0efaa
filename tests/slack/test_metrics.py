"""Every handled interaction is counted, over a closed set of labels: forged ids never become time series."""

from __future__ import annotations

import asyncio
import re

from tests.slack.conftest import SUPPORT_CHANNEL


async def _metrics(workspace) -> str:
    response = await workspace.client.get("/metrics")
    assert response.status == 200
    return await response.text()


def _command_labels(body: str) -> set[str]:
    return set(re.findall(r'ictbot_commands_total\{channel="[^"]*",command="([^"]*)"', body))


async def _submit_forged(workspace, n: int) -> None:
    response = await workspace.submit({"callback_id": f"forged-{n:05d}-{'x' * 40}", "blocks": []}, {}, user="UEVE")
    assert response.status == 200


async def test_forged_form_ids_are_counted_under_one_label(workspace):
    for n in range(10):
        await _submit_forged(workspace, n)
    after_ten = await _metrics(workspace)
    for n in range(10, 400):
        await _submit_forged(workspace, n)
    after_many = await _metrics(workspace)
    assert "forged" not in after_many
    assert _command_labels(after_many) == {"unknown"}
    assert 'ictbot_commands_total{channel="slack",command="unknown",outcome="usage"} 400.0' in after_many
    assert len(after_many.splitlines()) == len(after_ten.splitlines())


async def test_known_commands_keep_their_own_labels(workspace):
    await workspace.ict("status")
    await workspace.ict("no-such-command")
    body = await _metrics(workspace)
    assert 'command="status",outcome="ok"' in body
    assert _command_labels(body) <= {"status", "help", "unknown", "conversation"}


async def test_app_home_is_counted(workspace):
    await workspace.event({"type": "app_home_opened", "user": "UROB", "channel": "DROB", "tab": "home"}, event_id="Ev1")
    await workspace.settle()
    assert 'ictbot_commands_total{channel="slack",command="home",outcome="ok"} 1.0' in await _metrics(workspace)


async def test_a_change_wakes_the_outbox_without_waiting_for_its_timer(workspace):
    """The notify interval is an hour here: only the wake-up after the command can post to triage."""
    await workspace.ict("support the scanner is offline")
    for _ in range(100):
        if workspace.fake.of("chat.postMessage"):
            break
        await asyncio.sleep(0.05)
    [posted] = workspace.fake.of("chat.postMessage")
    assert posted.args["channel"] == SUPPORT_CHANNEL
