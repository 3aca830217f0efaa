"""The Bot Framework adapter built from our Settings, its turn error handler and Action.Execute answers.

botbuilder's defects and costs are worked around in sdk_patches.py, nowhere else.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes

from bot.settings import Settings
from bot.teams.errors import TeamsConfigError
from bot.teams.sdk_patches import AdaptiveCardMessageResponse, TeamsBotFrameworkAuthentication, TeamsCloudAdapter
from handlers.errors import new_error_id, sorry

log = logging.getLogger(__name__)

MESSAGE_RESPONSE_TYPE = "application/vnd.microsoft.activity.message"
APP_TYPES = {"multitenant": "MultiTenant", "singletenant": "SingleTenant", "userassignedmsi": "UserAssignedMSI"}


def app_type_of(setting: str) -> str | None:
    """MicrosoftAppType spelt as botbuilder spells it; None when unknown. Empty (as the Azure Bot samples'
    configuration leaves it) is MultiTenant, as botbuilder itself reads it."""
    setting = setting.strip()
    return APP_TYPES.get(setting.lower()) if setting else "MultiTenant"


@dataclass(frozen=True)
class BotAuthConfig:
    """The configuration object ConfigurationBotFrameworkAuthentication reads (attribute names as the samples)."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str

    @classmethod
    def from_settings(cls, settings: Settings) -> BotAuthConfig:
        """The credentials, checked: a TeamsConfigError (never a traceback) says which setting is wrong."""
        app_id = settings.microsoft_app_id.strip()
        app_type = app_type_of(settings.microsoft_app_type)
        password = settings.microsoft_app_password.get_secret_value()
        tenant_id = settings.microsoft_app_tenant_id.strip()
        if app_type is None:
            raise TeamsConfigError(
                f"MicrosoftAppType is '{settings.microsoft_app_type}'; use MultiTenant, SingleTenant or UserAssignedMSI."
            )
        if not app_id:
            # Local mode (Bot Framework Emulator): no credentials, no token checks.
            app_type = "MultiTenant"
        else:
            if app_type in ("SingleTenant", "UserAssignedMSI") and not tenant_id:
                raise TeamsConfigError(
                    f"MicrosoftAppType is {app_type}, which needs MicrosoftAppTenantId (your Directory (tenant) ID)."
                )
            if app_type != "UserAssignedMSI" and not password.strip():
                raise TeamsConfigError(
                    f"MicrosoftAppId is set but MicrosoftAppPassword is empty; a {app_type} bot needs the client "
                    "secret from the Azure Bot's Configuration > Manage Password."
                )
        return cls(APP_ID=app_id, APP_PASSWORD=password, APP_TYPE=app_type, APP_TENANTID=tenant_id)

    @property
    def local_mode(self) -> bool:
        return not self.APP_ID


def allowed_tenant(settings: Settings) -> str | None:
    """The only tenant the bot accepts activities from: MicrosoftAppTenantId whenever it is set, whatever the
    app type (SingleTenant and UserAssignedMSI require it; a MultiTenant bot given one is restricted too).
    None (any tenant) only for a MultiTenant bot without one."""
    return settings.microsoft_app_tenant_id.strip() or None


def build_adapter(settings: Settings) -> CloudAdapter:
    config = BotAuthConfig.from_settings(settings)
    adapter = TeamsCloudAdapter(TeamsBotFrameworkAuthentication(config, logger=log))
    adapter.on_turn_error = on_turn_error
    return adapter


class TenantRefused(Exception):
    """An activity from another tenant reached a single-tenant bot. Not a PermissionError on purpose: the
    adapter would turn that into 401, and this is a 403."""


def message_response(text: str) -> InvokeResponse:
    """200 with a message Teams shows over the card, which stays as it was."""
    return InvokeResponse(
        status=200, body=AdaptiveCardMessageResponse(status_code=200, type=MESSAGE_RESPONSE_TYPE, value=text)
    )


def error_text(error_id: str) -> str:
    return sorry(error_id).text


async def on_turn_error(context: TurnContext, error: Exception) -> None:
    """Anything a turn did not handle: logged with an id the user is shown; never a stack trace in chat.

    A button press (invoke) is answered 200 with a message carrying the id, so Teams shows it over the card
    (a 500 would only show Teams' own "something went wrong", without the id)."""
    if isinstance(error, TenantRefused):
        raise error
    error_id = new_error_id()
    log.error("error id %s: Teams turn failed", error_id, exc_info=(type(error), error, error.__traceback__))
    try:
        if context.activity.type == ActivityTypes.invoke:
            await context.send_activity(
                Activity(type=ActivityTypes.invoke_response, value=message_response(error_text(error_id)))
            )
        else:
            await context.send_activity(error_text(error_id))
    except Exception as e:  # the connector itself may be what failed
        log.warning("error id %s: could not tell the user: %s", error_id, type(e).__name__)
