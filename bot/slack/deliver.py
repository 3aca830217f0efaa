"""Delivers the outbox's Slack notifications: triage posts kept up to date, and DMs to requesters.

New requests are posted to SLACK_SUPPORT_CHANNEL with Assign to me / Resolve / Priority buttons; the post's
ts is saved so every later change updates it in place (chat.update). A requester whose request is assigned,
waiting on them or resolved gets a DM (conversations.open + chat.postMessage).

Failures: `ratelimited` is retried after Slack's Retry-After; errors that no retry can fix (channel_not_found,
not_in_channel, ...) are permanent. When the triage post is given up on, the requester is told that their
request is saved but the desk's channel was not reached, so nobody is left thinking the desk has seen it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.bookkeeping import Bookkeeping
from bot.notify import DeliveryError, retry_after_seconds
from bot.slack.api_errors import api_failure
from bot.slack.render import render_block_kit
from bot.slack.translate import PLATFORM
from handlers.cycle import cycle_notice
from handlers.incidents import incident_notice
from handlers.notices import desk_alert, desk_not_reached, person_notice, triage_post
from handlers.reply import Reply
from storage import NOTIFY_MAX_ATTEMPTS
from storage.enums import INCIDENT_NOTICES, NoticeKind
from storage.records import ChannelPostRecord, NotificationRecord, TicketRecord

log = logging.getLogger(__name__)

TRIAGE = "triage"
#: Errors no retry will fix: give up at once.
PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
        "invalid_auth",
        "invalid_blocks",
        "is_archived",
        "message_not_found",
        "missing_scope",
        "msg_too_long",
        "no_permission",
        "not_authed",
        "not_in_channel",
        "restricted_action",
        "token_revoked",
        "user_disabled",
        "user_not_found",
        "user_not_visible",
    }
)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def delivery_error(e: SlackApiError) -> DeliveryError:
    failure = api_failure(e)
    if failure.throttled or failure.retry_after is not None:
        return DeliveryError(f"Slack: {failure}", retry_after=retry_after_seconds(failure.retry_after))
    return DeliveryError(f"Slack: {failure}", permanent=failure.error in PERMANENT_ERRORS)


class SlackDeliverer:
    channel = PLATFORM

    def __init__(
        self,
        client: AsyncWebClient,
        bookkeeping: Bookkeeping,
        support_channel: str | None,
        *,
        strategy_channel: str | None = None,
        announce_channel: str | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ):
        self.client = client
        self.bookkeeping = bookkeeping
        self.support_channel = support_channel
        self.strategy_channel = strategy_channel
        self.announce_channel = announce_channel
        self.clock = clock

    async def deliver(self, notice: NotificationRecord, ticket: TicketRecord | None) -> None:
        if notice.kind in INCIDENT_NOTICES:
            await self._incident(notice)
            return
        if ticket is None:
            await self._strategy(notice)
            return
        try:
            if notice.recipient_key is None:
                await self._triage(notice, ticket)
            else:
                await self._direct_message(notice.recipient_key, person_notice(notice, ticket))
        except SlackApiError as e:
            error = delivery_error(e)
            if notice.kind == NoticeKind.NEW_REQUEST and _final(notice, error):
                await self._tell_requester_desk_missed(ticket, str(error))
            raise error from None

    # ------------------------------------------------------------ the triage channel

    async def _triage(self, notice: NotificationRecord, ticket: TicketRecord) -> None:
        if not self.support_channel:
            raise DeliveryError("SLACK_SUPPORT_CHANNEL is not set", permanent=True)
        blocks, text = render_block_kit(triage_post(notice, ticket, self.clock()))
        post = await self.bookkeeping.channel_post(ticket.ref, PLATFORM, TRIAGE)
        if post is not None:
            await self.client.chat_update(channel=post.conversation, ts=post.message_id, text=text, blocks=blocks)
            alert = desk_alert(notice, ticket)
            if alert is not None:  # said in the post's thread, and shown in the channel too
                blocks, text = render_block_kit(alert)
                await self.client.chat_postMessage(
                    channel=post.conversation, thread_ts=post.message_id, reply_broadcast=True, text=text, blocks=blocks
                )
            return
        if notice.kind != NoticeKind.NEW_REQUEST and not ticket.is_open:
            return  # never posted, and nothing left to triage
        response = await self.client.chat_postMessage(channel=self.support_channel, text=text, blocks=blocks)
        await self.bookkeeping.save_channel_post(
            ChannelPostRecord(ticket.number, PLATFORM, TRIAGE, response["channel"], response["ts"])
        )

    async def _tell_requester_desk_missed(self, ticket: TicketRecord, error: str) -> None:
        log.error("triage post for %s given up (%s): the desk must check the queue", ticket.ref, error)
        if not ticket.requester_key.startswith(f"{PLATFORM}:"):
            return
        reply = desk_not_reached(ticket, "Slack channel", error)
        try:
            await self._direct_message(ticket.requester_key, reply)
        except SlackApiError as e:
            log.warning("could not tell %s either: %s", ticket.requester_key, api_failure(e))

    # ------------------------------------------------------------ the strategy cycle

    async def _strategy(self, notice: NotificationRecord) -> None:
        """A notice about the plan: a DM to its owner or lead (chat.postMessage to the user opens the app's DM
        with them), or the digest to SLACK_STRATEGY_CHANNEL."""
        if notice.recipient_key is None:
            if not self.strategy_channel:
                raise DeliveryError("SLACK_STRATEGY_CHANNEL is not set", permanent=True)
            channel = self.strategy_channel
        else:
            channel = notice.recipient_key.split(":", 1)[1]
        blocks, text = render_block_kit(cycle_notice(notice))
        try:
            await self.client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        except SlackApiError as e:
            raise delivery_error(e) from None

    # ------------------------------------------------------------ major incidents

    async def _incident(self, notice: NotificationRecord) -> None:
        """A major incident opened or resolved: to the triage channel, or to SLACK_ANNOUNCE_CHANNEL (left
        out when it is not set)."""
        channel = self.support_channel if notice.payload.get("to") == "triage" else self.announce_channel
        if not channel:
            log.debug("no Slack channel for %s to %s; not posted", notice.kind, notice.payload.get("to"))
            return
        blocks, text = render_block_kit(incident_notice(notice))
        try:
            await self.client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        except SlackApiError as e:
            raise delivery_error(e) from None

    # ------------------------------------------------------------ DMs

    async def _direct_message(self, recipient_key: str, reply: Reply) -> None:
        user_id = recipient_key.split(":", 1)[1]
        opened = await self.client.conversations_open(users=user_id)
        blocks, text = render_block_kit(reply)
        await self.client.chat_postMessage(channel=opened["channel"]["id"], text=text, blocks=blocks)


def _final(notice: NotificationRecord, error: DeliveryError) -> bool:
    """Is this the last attempt the outbox will make?"""
    return error.permanent or notice.attempts + 1 >= NOTIFY_MAX_ATTEMPTS


@contextlib.asynccontextmanager
async def outside_the_server(settings, bookkeeping: Bookkeeping) -> AsyncIterator[SlackDeliverer]:
    """A deliverer for a command-line process (`ictbot jobs run`): its own Web API client and session."""
    import aiohttp

    async with aiohttp.ClientSession() as session:
        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
        client = AsyncWebClient(token=token, base_url=settings.slack_api_url, session=session, timeout=10)
        yield SlackDeliverer(
            client,
            bookkeeping,
            settings.slack_support_channel,
            strategy_channel=settings.slack_strategy_channel,
            announce_channel=settings.slack_announce_channel,
        )
