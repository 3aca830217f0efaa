"""All configuration, from the environment and an optional .env file. Secrets are SecretStr."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.db import DEFAULT_DATABASE_URL
from storage.enums import Priority
from storage.sla import SlaPolicy, parse_targets


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
    #: Files sent in Teams are downloaded from SharePoint only, and from this URL's scheme, host and port.
    teams_files_base_url: str | None = Field(None, validation_alias="ICTBOT_TEAMS_FILES_BASE_URL")

    # The strategy cycle (check-ins before each Board, reminders, nudges, the daily digest)
    checkin_working_days: int = Field(10, ge=0, le=60, validation_alias="ICTBOT_CHECKIN_WORKING_DAYS")
    reminder_working_days: int = Field(3, ge=0, le=60, validation_alias="ICTBOT_REMINDER_WORKING_DAYS")
    stale_days: int = Field(30, ge=1, le=365, validation_alias="ICTBOT_STALE_DAYS")
    #: How long the last exchange counts for reading a short follow-up ("yes", "it's still broken").
    context_minutes: float = Field(10.0, ge=0, le=24 * 60, validation_alias="ICTBOT_CONTEXT_MINUTES")
    jobs_interval: float = Field(60.0, gt=0, validation_alias="ICTBOT_JOBS_INTERVAL_SECONDS")
    jobs_grace_hours: float = Field(36.0, ge=0, validation_alias="ICTBOT_JOBS_GRACE_HOURS")
    timezone: str = Field("Europe/London", validation_alias="ICTBOT_TIMEZONE")
    slack_strategy_channel: str | None = Field(None, validation_alias="SLACK_STRATEGY_CHANNEL")
    #: Where major incidents are announced to staff (besides the triage channel); unset: not announced there.
    slack_announce_channel: str | None = Field(None, validation_alias="SLACK_ANNOUNCE_CHANNEL")
    teams_strategy_conversation: str | None = Field(None, validation_alias="ICTBOT_TEAMS_STRATEGY_CONVERSATION")

    # The service desk's SLA clocks (storage/sla.py)
    sla_targets: str = Field("P1=4h,P2=8h,P3=3d,P4=5d", validation_alias="ICTBOT_SLA_TARGETS")
    sla_hours: str = Field("08:30-17:00", validation_alias="ICTBOT_SLA_HOURS")
    sla_all_hours: str = Field("", validation_alias="ICTBOT_SLA_ALL_HOURS")

    @property
    def sla_policy(self) -> SlaPolicy:
        return _sla_policy(self.sla_targets, self.sla_hours, self.sla_all_hours, self.timezone)

    @model_validator(mode="after")
    def _sla_readable(self) -> Settings:
        self.sla_policy  # noqa: B018 - builds it: a target or hours that cannot be read stop start-up here
        return self

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone name like Europe/London") from None
        return value

    @property
    def strategy_channels(self) -> tuple[str, ...]:
        """Channels whose strategy channel gets the daily digest."""
        channels = []
        if self.slack_enabled and self.slack_strategy_channel:
            channels.append("slack")
        if self.teams_enabled:
            channels.append("teams")
        return tuple(channels)

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


def _sla_policy(targets: str, hours: str, all_hours: str, timezone: str) -> SlaPolicy:
    """The SLA policy the settings describe; ValueError saying what is wrong."""
    opens, sep, closes = hours.partition("-")
    try:
        opening, closing = time.fromisoformat(opens.strip()), time.fromisoformat(closes.strip())
    except ValueError:
        raise ValueError(f"{hours!r} is not opening hours like 08:30-17:00") from None
    if not sep:
        raise ValueError(f"{hours!r} is not opening hours like 08:30-17:00")
    priorities = frozenset(p.strip().upper() for p in all_hours.split(",") if p.strip())
    unknown = priorities - {p.value for p in Priority}
    if unknown:
        raise ValueError(f"{', '.join(sorted(unknown))}: not a priority (P1 to P4)")
    return SlaPolicy(parse_targets(targets), opening, closing, timezone, priorities)
