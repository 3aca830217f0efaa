"""The outbox's Teams deliverer: proactive messages through the Bot Connector with stored references.

Requesters hear about their request (assigned, waiting on them, resolved) in their personal chat with the
bot, whichever channel the agent acted from. New requests are posted to the triage conversation when one
is set, and that post is refreshed in place when the request changes. Connector failures become
DeliveryError so the outbox logs them and retries a bounded number of times; the request change that owed
the notification is already committed and never rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import ActivityTypes, ErrorResponseException
from msrest.exceptions import ClientException

from bot.bookkeeping import Bookkeeping
from bot.notify import DeliveryError, retry_after_seconds
from bot.teams.cards import notice_message
from bot.teams.references import CHAT_SUFFIX, PLATFORM, TRIAGE_OWNER, reference_from_dict
from bot.teams.sdk_patches import personal_chat_parameters, set_tenant, without_sdk_retries
from handlers.cycle import STRATEGY_OWNER, cycle_notice
from handlers.incidents import ANNOUNCE_OWNER, incident_notice
from handlers.notices import desk_alert, person_notice, triage_post
from storage.enums import INCIDENT_NOTICES
from storage.records import ChannelPostRecord, NotificationRecord, TicketRecord

log = logging.getLogger(__name__)


def delivery_error(error: Exception) -> DeliveryError:
    """A connector failure in the outbox's terms."""
    if isinstance(error, ErrorResponseException) and error.response is not None:
        status = error.response.status_code
        headers = getattr(error.response, "headers", None) or {}
        retry_after = retry_after_seconds(headers.get("Retry-After")) if status == 429 else None
        reason = {403: "bot not in the conversation (403)", 429: "throttled by Teams (429)"}.get(
            status, f"Bot Connector answered {status}"
        )
        return DeliveryError(reason, retry_after=retry_after)
    if isinstance(error, ClientException):
        return DeliveryError(f"Bot Connector unreachable: {type(error).__name__}")
    return DeliveryError(f"{type(error).__name__}: {error}")


class TeamsDeliverer:
    channel = PLATFORM

    def __init__(
        self,
        adapter: CloudAdapter,
        bookkeeping: Bookkeeping,
        *,
        app_id: str = "",
        triage_reference: dict | None = None,
        strategy_reference: dict | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self.adapter = adapter
        self.bookkeeping = bookkeeping
        self.app_id = app_id
        self.configured_triage = triage_reference
        self.configured_strategy = strategy_reference
        self.clock = clock

    async def deliver(self, notice: NotificationRecord, ticket: TicketRecord | None) -> None:
        if notice.kind in INCIDENT_NOTICES:
            await self._incident(notice)
        elif ticket is None:
            await self._strategy(notice)
        elif notice.recipient_key is None:
            await self._triage(notice, ticket)
        else:
            await self._requester(notice, ticket)

    # ------------------------------------------------------------ sending

    async def _send(self, reference: dict, act: Callable[[TurnContext], Awaitable[object]]) -> object:
        """Run `act` in a proactive turn; errors come out as DeliveryError (not through on_turn_error)."""
        box: dict = {}

        async def callback(context: TurnContext) -> None:
            without_sdk_retries(context, self.adapter)
            try:
                box["result"] = await act(context)
            except Exception as e:
                box["error"] = e

        try:
            await self.adapter.continue_conversation(reference_from_dict(reference), callback, self.app_id)
        except Exception as e:  # the connector client could not even be created
            raise delivery_error(e) from e
        if "error" in box:
            raise delivery_error(box["error"]) from box["error"]
        return box.get("result")

    # ------------------------------------------------------------ requesters

    async def _requester(self, notice: NotificationRecord, ticket: TicketRecord) -> None:
        await self.to_person(notice.recipient_key, notice_message(person_notice(notice, ticket)))

    async def to_person(self, user_key: str, message) -> None:
        """A message in the person's personal chat with the bot, opened from where they last spoke to us when
        there is none yet. DeliveryError when they cannot be reached."""
        reference = await self.bookkeeping.conversation_reference(PLATFORM, user_key)
        if reference is None:
            reference = await self._open_personal_chat(user_key)
        await self._send(reference, lambda context: context.send_activity(message))

    async def _open_personal_chat(self, user_key: str) -> dict:
        """No personal chat yet: open one from the group chat or channel where the user last spoke to us."""
        chat = await self.bookkeeping.conversation_reference(PLATFORM, user_key + CHAT_SUFFIX)
        if chat is None:
            raise DeliveryError(f"no Teams conversation with {user_key} yet", permanent=True)
        ref = reference_from_dict(chat)
        tenant = (chat.get("conversation") or {}).get("tenantId")
        params = personal_chat_parameters(ref.bot, ref.user.id, tenant)
        box: dict = {}

        async def created(context: TurnContext) -> None:
            box["reference"] = TurnContext.get_conversation_reference(context.activity).serialize()

        try:
            await self.adapter.create_conversation(
                self.app_id, created, params, channel_id=ref.channel_id, service_url=ref.service_url
            )
        except Exception as e:
            raise delivery_error(e) from e
        reference = set_tenant(box["reference"], tenant)
        reference["user"] = chat.get("user")
        await self.bookkeeping.save_conversation_reference(PLATFORM, user_key, reference)
        return reference

    # ------------------------------------------------------------ major incidents

    async def _incident(self, notice: NotificationRecord) -> None:
        """A major incident opened or resolved: to the triage conversation, or to the announcement one (set
        with set-announce; left out when none is set)."""
        if notice.payload.get("to") == "triage":
            reference = await self.triage_reference()
        else:
            reference = await self.bookkeeping.conversation_reference(PLATFORM, ANNOUNCE_OWNER)
        if reference is None:
            log.debug("no Teams conversation for %s to %s; not posted", notice.kind, notice.payload.get("to"))
            return
        message = notice_message(incident_notice(notice))
        await self._send(reference, lambda context: context.send_activity(message))

    # ------------------------------------------------------------ the strategy cycle

    async def _strategy(self, notice: NotificationRecord) -> None:
        """A notice about the plan: to its owner or lead in their personal chat, or the digest to the
        strategy conversation (set with set-strategy, or ICTBOT_TEAMS_STRATEGY_CONVERSATION)."""
        if notice.recipient_key is None:
            reference = (
                await self.bookkeeping.conversation_reference(PLATFORM, STRATEGY_OWNER) or self.configured_strategy
            )
            if reference is None:
                log.debug("no Teams strategy conversation set; %s not posted", notice.kind)
                return
        else:
            reference = await self.bookkeeping.conversation_reference(PLATFORM, notice.recipient_key)
            if reference is None:
                reference = await self._open_personal_chat(notice.recipient_key)
        message = notice_message(cycle_notice(notice))
        await self._send(reference, lambda context: context.send_activity(message))

    # ------------------------------------------------------------ triage

    async def triage_reference(self) -> dict | None:
        return await self.bookkeeping.conversation_reference(PLATFORM, TRIAGE_OWNER) or self.configured_triage

    async def _triage(self, notice: NotificationRecord, ticket: TicketRecord) -> None:
        reference = await self.triage_reference()
        if reference is None:
            log.debug("no Teams triage conversation set; %s %s not posted", notice.kind, ticket.ref)
            return
        message = notice_message(triage_post(notice, ticket, self.clock()))
        if notice.kind == "new_request":
            response = await self._send(reference, lambda context: context.send_activity(message))
            if response is not None and getattr(response, "id", None):
                conversation = reference["conversation"]["id"]
                await self.bookkeeping.save_channel_post(
                    ChannelPostRecord(ticket.number, PLATFORM, "triage", conversation, response.id)
                )
            return
        post = await self.bookkeeping.channel_post(ticket.ref, PLATFORM, "triage")
        if post is None:
            return  # posted before a triage conversation was set: nothing to refresh
        message.id = post.message_id
        message.type = ActivityTypes.message
        await self._send(reference, lambda context: context.update_activity(message))
        alert = desk_alert(notice, ticket)
        if alert is not None:  # said in the triage conversation as a message of its own
            said = notice_message(alert)
            await self._send(reference, lambda context: context.send_activity(said))


def outside_the_server(settings, bookkeeping: Bookkeeping) -> TeamsDeliverer:
    """A deliverer for a command-line process (`ictbot jobs run`), configured as the server's is."""
    from bot.teams.adapter import BotAuthConfig, build_adapter
    from bot.teams.references import reference_from_setting

    config = BotAuthConfig.from_settings(settings)
    tenant = settings.microsoft_app_tenant_id
    return TeamsDeliverer(
        build_adapter(settings),
        bookkeeping,
        app_id=config.APP_ID,
        triage_reference=reference_from_setting(settings.teams_triage_conversation, tenant),
        strategy_reference=reference_from_setting(
            settings.teams_strategy_conversation, tenant, name="ICTBOT_TEAMS_STRATEGY_CONVERSATION"
        ),
    )
