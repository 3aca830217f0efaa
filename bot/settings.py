"""All configuration, from the environment and an optional .env file. Secrets are SecretStr."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.db import DEFAULT_DATABASE_URL


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True)

    database_url: str = Field(DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    host: str = Field("127.0.0.1", validation_alias="ICTBOT_HOST")
    port: int = Field(3978, validation_alias="ICTBOT_PORT")
    log_level: str = Field("INFO", validation_alias="ICTBOT_LOG_LEVEL")
    seed_sample: bool = Field(True, validation_alias="ICTBOT_SEED_SAMPLE")
    notify_interval: float = Field(5.0, validation_alias="ICTBOT_NOTIFY_INTERVAL")

    # Slack
    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field("https://slack.com/api/", validation_alias="SLACK_API_URL")
    slack_support_channel: str | None = Field(None, validation_alias="SLACK_SUPPORT_CHANNEL")

    # Microsoft Teams (Bot Framework). Names as the Bot Framework samples use them.
    microsoft_app_id: str = Field("", validation_alias=AliasChoices("MicrosoftAppId", "MICROSOFT_APP_ID"))
    microsoft_app_password: SecretStr = Field(
        SecretStr(""), validation_alias=AliasChoices("MicrosoftAppPassword", "MICROSOFT_APP_PASSWORD")
    )
    microsoft_app_type: str = Field(
        "MultiTenant", validation_alias=AliasChoices("MicrosoftAppType", "MICROSOFT_APP_TYPE")
    )
    microsoft_app_tenant_id: str = Field(
        "", validation_alias=AliasChoices("MicrosoftAppTenantId", "MICROSOFT_APP_TENANT_ID")
    )
    teams_enabled: bool = Field(True, validation_alias="ICTBOT_TEAMS_ENABLED")
    teams_triage_conversation: str | None = Field(None, validation_alias="ICTBOT_TEAMS_TRIAGE_CONVERSATION")

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token and self.slack_bot_token.get_secret_value()) and bool(
            (self.slack_signing_secret and self.slack_signing_secret.get_secret_value())
            or (self.slack_app_token and self.slack_app_token.get_secret_value())
        )

    @property
    def notify_channels(self) -> tuple[str, ...]:
        """Channels that want triage posts about new and changed requests."""
        channels = []
        if self.slack_enabled and self.slack_support_channel:
            channels.append("slack")
        if self.teams_enabled:
            channels.append("teams")
        return tuple(channels)
