"""Teams settings are checked when the app is set up (before `ictbot serve` listens): each mistake is one
TeamsConfigError naming the setting, never a traceback from deep inside botbuilder, never a secret."""

from __future__ import annotations

import pytest
from aiohttp import web

from bot.teams.app import setup_teams
from bot.teams.errors import TeamsConfigError
from tests.teams.conftest import TENANT, teams_settings

APP_ID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
SECRET = "s3cret-Value~that-must-not-leak"


def set_up(tmp_path, **settings) -> str | None:
    return setup_teams(web.Application(), teams_settings(tmp_path, **settings))


@pytest.mark.parametrize(
    ("settings", "names"),
    [
        ({"microsoft_app_type": "Anonymous"}, "MicrosoftAppType"),
        (
            {"microsoft_app_id": APP_ID, "microsoft_app_type": "SingleTenant", "microsoft_app_password": SECRET},
            "MicrosoftAppTenantId",
        ),
        (
            {"microsoft_app_id": APP_ID, "microsoft_app_type": "SingleTenant", "microsoft_app_tenant_id": TENANT},
            "MicrosoftAppPassword",
        ),
        (
            {
                "microsoft_app_id": APP_ID,
                "microsoft_app_type": "SingleTenant",
                "microsoft_app_tenant_id": TENANT,
                "microsoft_app_password": "   ",
            },
            "MicrosoftAppPassword",
        ),
        ({"microsoft_app_id": APP_ID, "microsoft_app_type": "UserAssignedMSI"}, "MicrosoftAppTenantId"),
        ({"microsoft_app_id": APP_ID, "microsoft_app_type": "MultiTenant"}, "MicrosoftAppPassword"),
        ({"teams_triage_conversation": "{not json"}, "ICTBOT_TEAMS_TRIAGE_CONVERSATION"),
        ({"teams_triage_conversation": '{"conversation": "19:abc@thread.tacv2"}'}, "conversation.id"),
        ({"teams_triage_conversation": '{"conversation": {"id": 42}}'}, "conversation.id"),
        ({"teams_triage_conversation": '{"conversation": {"id": "19:a"}, "serviceUrl": "ftp://x/"}'}, "serviceUrl"),
        ({"teams_triage_conversation": "ftp://smba.example/ 19:abc@thread.tacv2"}, "ICTBOT_TEAMS_TRIAGE_CONVERSATION"),
        ({"teams_triage_conversation": "smba.example 19:abc@thread.tacv2"}, "ICTBOT_TEAMS_TRIAGE_CONVERSATION"),
        ({"teams_triage_conversation": "https://a/ 19:abc extra"}, "ICTBOT_TEAMS_TRIAGE_CONVERSATION"),
    ],
)
def test_a_bad_setting_is_one_clear_error_naming_it(tmp_path, settings, names):
    with pytest.raises(TeamsConfigError) as raised:
        set_up(tmp_path, **settings)
    message = str(raised.value)
    assert names in message
    assert "\n" not in message and SECRET not in message and "Traceback" not in message
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    "settings",
    [
        {},  # local mode
        {"microsoft_app_type": "SingleTenant"},  # local mode: no credentials to check
        {
            "microsoft_app_id": APP_ID,
            "microsoft_app_type": "SingleTenant",
            "microsoft_app_tenant_id": TENANT,
            "microsoft_app_password": SECRET,
        },
        {"microsoft_app_id": APP_ID, "microsoft_app_type": "MultiTenant", "microsoft_app_password": SECRET},
        {"microsoft_app_id": APP_ID, "microsoft_app_type": "UserAssignedMSI", "microsoft_app_tenant_id": TENANT},
        {"teams_triage_conversation": "https://smba.trafficmanager.net/uk/ 19:abc@thread.tacv2"},
        {"teams_triage_conversation": "19:abc@thread.tacv2"},
        {"teams_triage_conversation": '{"conversation": {"id": "19:abc@thread.tacv2"}}'},
    ],
)
def test_good_settings_set_the_channel_up(tmp_path, settings):
    assert set_up(tmp_path, **settings) == "teams"


def test_ictbot_teams_set_triage_refuses_a_bad_service_url_clearly(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    assert main(["teams", "set-triage", "19:desk@thread.tacv2", "--service-url", "ftp://smba.example/"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ictbot: ") and "http(s)" in err and "Traceback" not in err
    assert not (tmp_path / "cli.db").exists()


# ------------------------------------------------------------ MicrosoftAppType left empty, as the samples leave it

SAMPLES_CONFIG = {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": SECRET, "MicrosoftAppType": ""}


@pytest.mark.parametrize(
    "environment",
    [
        {"MicrosoftAppId": "", "MicrosoftAppPassword": "", "MicrosoftAppType": ""},  # local mode
        SAMPLES_CONFIG,
        {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": SECRET, "MicrosoftAppType": "   "},
    ],
)
def test_an_empty_app_type_is_multi_tenant_as_botbuilder_reads_it(tmp_path, monkeypatch, environment):
    from bot.settings import Settings
    from bot.teams.adapter import BotAuthConfig, build_adapter

    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'teams.db'}")
    assert settings.microsoft_app_type.strip() == ""
    assert setup_teams(web.Application(), settings) == "teams"
    config = BotAuthConfig.from_settings(settings)
    assert config.APP_TYPE == "MultiTenant" and config.local_mode == (not environment["MicrosoftAppId"])
    build_adapter(settings)  # botbuilder accepts the same configuration


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(tmp_path, **environment: str):
    """`ictbot serve` in its own process, as an operator starts it; returns (process, base URL)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "Microsoft", "MICROSOFT_", "ICTBOT_"))}
    env |= {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}", **environment}
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, f"http://127.0.0.1:{port}"


async def _healthz(session, process, base: str) -> dict:
    """/healthz of the server once it answers (the log and exit status if it stopped instead)."""
    import asyncio

    import aiohttp

    deadline = asyncio.get_running_loop().time() + 90
    while asyncio.get_running_loop().time() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"ictbot serve stopped ({process.returncode}): {process.stdout.read()}")
        try:
            async with session.get(base + "/healthz", timeout=aiohttp.ClientTimeout(total=2)) as response:
                return await response.json()
        except (aiohttp.ClientError, TimeoutError):
            await asyncio.sleep(0.2)
    raise AssertionError("ictbot serve did not answer /healthz")


async def _expect_replies(session, base: str, text: str) -> tuple[int, dict]:
    activity = {
        "type": "message",
        "id": "m1",
        "channelId": "msteams",
        "serviceUrl": "http://127.0.0.1:9/",  # nothing listens: the roster lookup fails fast, replies come back
        "from": {"id": "29:pat", "name": "Pat", "aadObjectId": "aad-pat"},
        "recipient": {"id": "28:bot", "name": "ICT Assistant"},
        "conversation": {"id": "a:personal-pat", "conversationType": "personal"},
        "text": text,
        "deliveryMode": "expectReplies",
    }
    async with session.post(base + "/api/messages", json=activity) as response:
        body = await response.json() if response.status == 200 else {}
        return response.status, body


@pytest.mark.parametrize(
    ("environment", "answers"),
    [
        ({"MicrosoftAppType": ""}, 200),  # local mode: the Emulator on this machine is served
        (SAMPLES_CONFIG, 401),  # an app id: tokens are required
    ],
    ids=["local-mode", "app-id"],
)
async def test_ictbot_serve_starts_with_the_samples_empty_app_type(tmp_path, environment, answers):
    import aiohttp

    process, base = _serve(tmp_path, **environment)
    try:
        async with aiohttp.ClientSession() as session:
            health = await _healthz(session, process, base)
            assert health["status"] == "ok" and "teams" in health["channels"]
            status, body = await _expect_replies(session, base, "help")
            assert status == answers
            if answers == 200:
                assert body["activities"][0]["type"] == "message"
    finally:
        process.terminate()
        log = process.communicate(timeout=30)[0]
    assert "MicrosoftAppType" not in log and "Traceback" not in log
    assert ("LOCAL MODE" in log) == (not environment.get("MicrosoftAppId"))
    if environment.get("MicrosoftAppId"):
        assert "MultiTenant bot 3f2504e0..." in log and SECRET not in log


def test_the_teams_channel_imports_without_the_server():
    """No import cycle: the channel takes the runtime's app key from bot.runtime, not from bot.server."""
    import subprocess
    import sys

    code = "import sys, bot.teams.app; print('bot.server' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
