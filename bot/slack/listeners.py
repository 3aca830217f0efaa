"""bolt listeners: translate the payload, call the runtime, answer in the ack; slow work goes to the background.

The app runs with process_before_response=True: each listener's ack is the HTTP response, sent as soon as the
listener returns (the handlers take milliseconds). Web API calls (modals, follow-ups, App Home, profile look-ups
on a cache miss) are started in the background after that, so Slack's 3 seconds are never at risk.
"""

from __future__ import annotations

import logging
import re

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.runtime import Runtime
from bot.slack import translate
from bot.slack.background import Background
from bot.slack.files import SlackFiles, shared_files
from bot.slack.profiles import Profiles
from bot.slack.render import clip, render_block_kit, result_modal
from bot.slack.replies import SlackReplies, response_type
from bot.slack.scopes import COMMAND
from handlers import Origin
from handlers.errors import new_error_id, sorry

log = logging.getLogger(__name__)

CHANNEL = "slack"
ANY = re.compile(r".*")


class SlackListeners:
    def __init__(
        self, runtime: Runtime, profiles: Profiles, replies: SlackReplies, background: Background, files: SlackFiles
    ):
        self.runtime = runtime
        self.profiles = profiles
        self.replies = replies
        self.background = background
        self.files = files

    def register(self, app: AsyncApp) -> None:
        app.command(COMMAND)(self.on_command)
        app.action(translate.ACTION_IDS)(self.on_action)
        app.view_submission(ANY)(self.on_view_submission)
        app.view_closed(ANY)(self.on_view_closed)
        app.event("app_mention")(self.on_mention)
        app.event("message")(self.on_message)
        app.event("app_home_opened")(self.on_home_opened)
        app.error(self.on_error)

    # ------------------------------------------------------------ /ict

    async def on_command(self, ack, command: dict) -> None:
        sender = await self.profiles.sender(command["user_id"], command.get("user_name"))
        origin = translate.command_origin(command)
        outcome = await self.runtime.handle(CHANNEL, translate.typed_text(command.get("text")), sender, origin)
        reply = outcome.reply
        assert reply is not None
        trigger_id = command.get("trigger_id")
        if (reply.form is not None or reply.pick is not None) and trigger_id:
            await ack()  # an empty 200: Slack shows nothing, and the modal opens right after
            opener = self.replies.open_form if reply.form is not None else self.replies.open_picker
            self.background.spawn(
                opener(trigger_id, reply, origin.conversation, response_url=command.get("response_url")),
                f"open a modal for {command.get('text') or 'the command'}",
            )
            return
        blocks, text = render_block_kit(reply)
        await ack(text=text, blocks=blocks, response_type=response_type(reply))

    # ------------------------------------------------------------ buttons

    async def on_action(self, ack, body: dict, action: dict) -> None:
        await ack()
        command = translate.command_of(action.get("action_id", ""))
        if command is None:
            return
        user = body["user"]
        sender = await self.profiles.sender(user["id"], user.get("name") or user.get("username"))
        view = body.get("view") or {}
        in_modal = view.get("type") == "modal"
        origin = translate.action_origin(body, translate.decode_view_metadata(view.get("private_metadata"))[1])
        submission = translate.press_submission(body, action)
        outcome = await self.runtime.click(
            CHANNEL, command, translate.action_value(action), sender, origin, submission=submission
        )
        reply = outcome.reply
        assert reply is not None
        trigger_id = body.get("trigger_id")
        chosen_in_modal = in_modal and action.get("type") == "static_select"
        if reply.form is not None and trigger_id:
            work = self.replies.open_form(
                trigger_id,
                reply,
                origin.conversation,
                push=in_modal,
                replace=view if chosen_in_modal else None,
                response_url=body.get("response_url"),
            )
        elif reply.pick is not None and trigger_id:
            work = self.replies.open_picker(trigger_id, reply, origin.conversation, push=in_modal)
        elif body.get("response_url"):
            work = self.replies.to_response_url(body["response_url"], reply)
        elif trigger_id:  # App Home or a modal: no conversation to answer in
            work = self.replies.show(trigger_id, reply, push=in_modal)
        else:
            return
        self.background.spawn(work, f"reply to {command}")

    # ------------------------------------------------------------ modals

    async def on_view_submission(self, ack, body: dict, view: dict) -> None:
        metadata, channel = translate.decode_view_metadata(view.get("private_metadata"))
        user = body["user"]
        sender = await self.profiles.sender(user["id"], user.get("name") or user.get("username"))
        values = translate.form_values((view.get("state") or {}).get("values") or {})
        outcome = await self.runtime.submit_form(
            CHANNEL,
            view.get("callback_id") or "",
            values,
            sender,
            translate.view_origin(body, channel),
            metadata,
            submission=translate.view_submission(body, view),
        )
        if outcome.form_errors:
            await ack(response_action="errors", errors={k: clip(v, 2000) for k, v in outcome.form_errors.items()})
            return
        assert outcome.reply is not None
        await ack(response_action="update", view=result_modal(outcome.reply))

    async def on_view_closed(self, ack) -> None:
        await ack()

    # ------------------------------------------------------------ conversation (Events API)

    async def on_mention(self, body: dict, event: dict) -> None:
        await self._converse(body, event, direct=False)

    async def on_message(self, body: dict, event: dict) -> None:
        if event.get("channel_type") == "im":
            await self._converse(body, event, direct=True)

    async def _converse(self, body: dict, event: dict, *, direct: bool) -> None:
        if translate.is_from_bot(event):
            return
        event_id = body.get("event_id")
        if event_id and not await self.runtime.bookkeeping.first_time(event_id):
            log.info("ignoring repeated Slack event %s", event_id)
            return
        if shared_files(event):  # downloading may take longer than Slack waits for its ack: all of it after
            self.background.spawn(self._answer(body, event, direct=direct, with_files=True), "answer a file")
        else:
            await self._answer(body, event, direct=direct, with_files=False)

    async def _answer(self, body: dict, event: dict, *, direct: bool, with_files: bool) -> None:
        """Run the message (with its files, downloaded first) and answer it; the answer is sent after the ack."""
        files = await self.files.attachments(event, direct=direct) if with_files else ()
        sender = await self.profiles.sender(event["user"], None)
        origin = translate.event_origin(event, body.get("team_id"))
        text = translate.typed_text(event.get("text"))
        outcome = await self.runtime.handle(CHANNEL, text, sender, origin, files=files)
        assert outcome.reply is not None
        thread = event.get("thread_ts") or (None if direct else event.get("ts"))
        answer = self.replies.to_conversation(
            event["channel"], event["user"], outcome.reply, thread_ts=thread, direct=direct
        )
        if with_files:
            await answer  # already in the background
        else:
            self.background.spawn(answer, "answer a message")

    async def on_home_opened(self, event: dict) -> None:
        if event.get("tab", "home") != "home":
            return
        self.background.spawn(self._publish_home(event["user"]), "publish App Home")

    async def _publish_home(self, user_id: str) -> None:
        sender = await self.profiles.sender(user_id, None)
        origin = Origin(platform=CHANNEL, conversation=None, reference={"user": user_id})
        outcome = await self.runtime.home(CHANNEL, sender, origin)
        assert outcome.reply is not None
        await self.replies.publish_home(user_id, outcome.reply)

    # ------------------------------------------------------------ the unexpected

    async def on_error(self, error: Exception, request: AsyncBoltRequest) -> BoltResponse:
        """Never a 500 or a stack trace to Slack: log with an id, and show the id where someone can see it."""
        error_id = new_error_id()
        log.error("error id %s: Slack listener failed", error_id, exc_info=error)
        body = request.body or {}
        reply = sorry(error_id, nothing_changed=False)  # the failure may follow a committed change
        if body.get("command"):
            blocks, text = render_block_kit(reply)
            return BoltResponse(status=200, body={"response_type": "ephemeral", "text": text, "blocks": blocks})
        if body.get("type") == "view_submission":
            return BoltResponse(status=200, body={"response_action": "update", "view": result_modal(reply).to_dict()})
        # A button or a message: the HTTP answer shows nothing, so tell the person where they are.
        if isinstance(body.get("response_url"), str):
            self.background.spawn(self.replies.to_response_url(body["response_url"], reply), "show an error id")
        else:
            event = body.get("event") if isinstance(body.get("event"), dict) else {}
            channel, user = event.get("channel"), event.get("user")
            if isinstance(channel, str) and isinstance(user, str) and not translate.is_from_bot(event):
                direct = event.get("channel_type") == "im"
                self.background.spawn(
                    self.replies.to_conversation(channel, user, reply, thread_ts=event.get("ts"), direct=direct),
                    "show an error id",
                )
        return BoltResponse(status=200, body="")
