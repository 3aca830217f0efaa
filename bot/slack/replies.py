"""Replies that cannot ride in the acknowledgement: modals, response_url follow-ups, posts, App Home.

Everything here runs after Slack has had its ack (from bot.slack.background); a failure is logged and, where
the person can still be reached, told to them. The client given here retries a rate-limited call once after
Slack's Retry-After (bot.slack.app.reply_retry_handlers), and response_url follow-ups use its retry handlers
and aiohttp session too, since nothing else would ever resend these answers.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.slack.api_errors import api_failure
from bot.slack.render import form_modal, home_view, picker_modal, render_block_kit, result_modal
from bot.slack.translate import encode_view_metadata
from handlers.reply import Reply, Tone, Visibility

log = logging.getLogger(__name__)


def response_type(reply: Reply) -> str:
    return "in_channel" if reply.visibility is Visibility.PUBLIC else "ephemeral"


class SlackReplies:
    def __init__(self, client: AsyncWebClient):
        self.client = client

    async def open_form(
        self,
        trigger_id: str,
        reply: Reply,
        channel: str | None,
        *,
        push: bool = False,
        replace: dict | None = None,
        response_url: str | None = None,
    ) -> None:
        """views.open with the reply's form; views.push from inside a modal; views.update of `replace` (the
        modal a choice was made in: Slack's view with its id and hash) so that modal becomes the form."""
        assert reply.form is not None
        view = form_modal(
            reply.form, intro=reply.text, private_metadata=encode_view_metadata(reply.form.private_metadata, channel)
        )
        await self._open_or_say(trigger_id, view, f"the {reply.form.form_id} form", push, replace, response_url)

    async def open_picker(
        self, trigger_id: str, reply: Reply, channel: str | None, *, push: bool = False, response_url: str | None = None
    ) -> None:
        """views.open with the reply's Pick: a modal whose choice becomes the chosen item's form."""
        assert reply.pick is not None
        view = picker_modal(reply, private_metadata=encode_view_metadata("", channel))
        await self._open_or_say(trigger_id, view, f"the {reply.pick.command} picker", push, None, response_url)

    async def show(self, trigger_id: str, reply: Reply, *, push: bool = False) -> None:
        """A reply shown in a modal (clicks from App Home or from inside a modal)."""
        view = result_modal(reply)
        try:
            await self._open_view(trigger_id, view, push=push)
        except SlackApiError as e:
            log.warning("could not show a reply in a modal: %s", api_failure(e))

    async def _open_or_say(
        self, trigger_id: str, view, what: str, push: bool, replace: dict | None, response_url: str | None
    ) -> None:
        """Open (or update) a modal; if Slack refuses, tell the person where they asked, when we can."""
        try:
            if replace is not None:
                await self.client.views_update(view_id=replace.get("id"), hash=replace.get("hash"), view=view)
            else:
                await self._open_view(trigger_id, view, push=push)
        except SlackApiError as e:
            error = api_failure(e)
            log.warning("could not open %s: %s", what, error)
            if response_url:
                await self.to_response_url(
                    response_url,
                    Reply(tone=Tone.WARNING, text=f"I couldn't open the form (Slack said: {error}). Please try again."),
                )

    async def _open_view(self, trigger_id: str, view, *, push: bool) -> None:
        """A new modal, or one pushed onto the modal the click came from."""
        if push:
            await self.client.views_push(trigger_id=trigger_id, view=view)
        else:
            await self.client.views_open(trigger_id=trigger_id, view=view)

    async def to_response_url(self, url: str, reply: Reply) -> None:
        """A follow-up in the conversation a command or click came from (ephemeral unless public)."""
        blocks, text = render_block_kit(reply)
        webhook = AsyncWebhookClient(url, session=self.client.session, retry_handlers=self.client.retry_handlers)
        response = await webhook.send(
            text=text, blocks=blocks, response_type=response_type(reply), replace_original=False
        )
        if response.status_code != 200:
            log.warning("response_url follow-up failed: HTTP %s %s", response.status_code, response.body[:200])

    async def to_conversation(
        self, channel: str, user_id: str, reply: Reply, *, thread_ts: str | None, direct: bool
    ) -> None:
        """The answer to a mention or a DM: in a DM always a message; in a channel ephemeral unless public."""
        blocks, text = render_block_kit(reply)
        try:
            if direct or reply.visibility is Visibility.PUBLIC:
                await self.client.chat_postMessage(channel=channel, text=text, blocks=blocks, thread_ts=thread_ts)
            else:
                await self.client.chat_postEphemeral(
                    channel=channel, user=user_id, text=text, blocks=blocks, thread_ts=thread_ts
                )
        except SlackApiError as e:
            log.warning("could not answer in %s: %s", channel, api_failure(e))

    async def publish_home(self, user_id: str, reply: Reply) -> None:
        try:
            await self.client.views_publish(user_id=user_id, view=home_view(reply))
        except SlackApiError as e:
            log.warning("could not publish App Home for %s: %s", user_id, api_failure(e))
