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
