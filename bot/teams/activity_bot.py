"""The Teams bot: translates activities into runtime calls and renders the replies as Adaptive Cards.

Messages (personal, group chat, channel; the bot's <at> mention removed, people's mentions as their user keys), Action.Execute invokes and
Action.Submit messages, and the welcome when the bot is installed. No command logic lives here.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Awaitable, Callable

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import Activity, AdaptiveCardInvokeResponse
from cachetools import TTLCache

from bot.notify import DeliveryError
from bot.runtime import Runtime
from bot.submissions import submission_key
from bot.teams.adapter import TenantRefused, message_response
from bot.teams.cards import RenderedCards
from bot.teams.files import TeamsFiles
from bot.teams.members import MemberDirectory
from bot.teams.references import (
    PLATFORM,
    channel_reference_of,
    is_personal,
    owner_key,
    reference_of,
)
from bot.teams.render import AGAIN_VERB, CARD_CONTENT_TYPE, CardAction
from bot.teams.sdk_patches import CardJSON, tenant_of
from bot.teams.views import result_over
from bot.text import render_text
from handlers import Origin, Outcome, Reply, Sender, Tone

log = logging.getLogger(__name__)

CHANNEL = "teams"
NOT_MINE = "That button has expired or is not one of mine."
SAVED_REFERENCES = 10_000  # conversation references remembered in memory to skip unchanged writes
SAVED_REFERENCE_SECONDS = 3600.0  # after this, a reference is written again (another process may have changed it)
SENT_PRIVATELY = "I've sent you the details in our chat."
NOT_REACHED = (
    "That is about you alone, so it goes to our personal chat, but I couldn't reach you there. "
    "Open a chat with ICT Assistant and ask me there."
)


def form_errors_reply(errors: dict[str, str], labels: dict[str, str] | None = None) -> Reply:
    """What to fix, each mistake under the label its input shows (the form's card sends its labels)."""
    named = labels or {}
    return Reply(
        tone=Tone.WARNING, text="Please correct: " + " ".join(f"{named.get(k, k)}: {v}" for k, v in errors.items())
    )


def card_response(card: CardJSON) -> InvokeResponse:
    """The answer to an invoke that shows the presser this card."""
    return InvokeResponse(
        status=200, body=AdaptiveCardInvokeResponse(status_code=200, type=CARD_CONTENT_TYPE, value=card)
    )


class TeamsBot(TeamsActivityHandler):
    def __init__(
        self,
        runtime: Runtime,
        *,
        files: TeamsFiles,
        allowed_tenant: str | None = None,
        members: MemberDirectory | None = None,
        cards: RenderedCards | None = None,
        clock: Callable[[], float] = time.monotonic,
        personal_chat: Callable[[str, Activity], Awaitable[None]] | None = None,
    ):
        """personal_chat(user key, message): sends to that person's personal chat with the bot (the outbox's
        deliverer does); replies about the person alone go there from shared conversations."""
        self.runtime = runtime
        self.personal_chat = personal_chat
        self.files = files
        self.allowed_tenant = allowed_tenant
        self.members = members or MemberDirectory()
        self.cards = cards or RenderedCards()
        # owner key -> the reference last stored, as JSON text
        self._saved: TTLCache[str, dict] = TTLCache(maxsize=SAVED_REFERENCES, ttl=SAVED_REFERENCE_SECONDS, timer=clock)

    async def on_turn(self, turn_context: TurnContext):
        if self.allowed_tenant is not None and tenant_of(turn_context.activity) != self.allowed_tenant:
            log.warning("refused an activity from tenant %s (single-tenant bot)", tenant_of(turn_context.activity))
            raise TenantRefused(tenant_of(turn_context.activity) or "none")
        await super().on_turn(turn_context)

    # ------------------------------------------------------------ translating in

    async def _sender_and_origin(self, turn_context: TurnContext) -> tuple[Sender, Origin]:
        activity = turn_context.activity
        sender = await self.members.sender(turn_context)
        reference = reference_of(activity)
        personal = is_personal(activity)
        origin = Origin(
            platform=PLATFORM,
            conversation=activity.conversation.id,
            reference=reference,
            channel_reference=None if personal else channel_reference_of(activity),
            personal=personal,
        )
        await self._remember(owner_key(sender.key, activity), reference)
        return sender, origin

    async def _remember(self, owner: str, reference: dict) -> None:
        """Store where to reach this person; only when it changed (a write per message would cost a commit)."""
        stored = {k: v for k, v in reference.items() if k != "activityId"}  # proactive posts start new messages
        if self._saved.get(owner) == stored:
            return
        await self.runtime.bookkeeping.save_conversation_reference(PLATFORM, owner, stored)
        self._saved[owner] = copy.deepcopy(stored)  # our own copy, made only when it changed

    def _button(self, data: object, verb: object = None, *, execute: bool = False) -> CardAction | None:
        """The pressed button or submitted form, or None when the data is not one our cards send: an unknown
        command, an Action.Execute verb that is not the one we rendered with that data, empty or garbled data."""
        action = CardAction.from_data(data)
        if action is None:
            return None
        if execute and verb != (
            AGAIN_VERB if action.refresh_only else action.form_id if action.form_id is not None else action.action_id
        ):
            return None
        if action.action_id is not None and not self.runtime.assistant.knows(action.action_id):
            return None
        return action

    async def _act(self, action: CardAction, sender: Sender, origin: Origin, activity, data: object) -> Outcome:
        # This press or submission of this card by this person: the card's message (replyToId) and what it sent.
        conversation = activity.conversation.id if activity.conversation else None
        submission = submission_key(PLATFORM, "card", conversation, activity.reply_to_id, sender.key, detail=data)
        if action.form_id is not None:
            return await self.runtime.submit_form(
                CHANNEL, action.form_id, action.values or {}, sender, origin, action.metadata, submission=submission
            )
        return await self.runtime.click(
            CHANNEL, action.action_id or "", action.value, sender, origin, submission=submission
        )

    # ------------------------------------------------------------ messages

    async def on_message_activity(self, turn_context: TurnContext):
        activity = turn_context.activity
        action = None
        if activity.value is not None:  # Action.Submit (older clients, the Emulator): never read as typed text
            action = self._button(activity.value)
            if action is None:
                await turn_context.send_activity(self.cards.message(Reply(tone=Tone.WARNING, text=NOT_MINE)))
                return
        sender, origin = await self._sender_and_origin(turn_context)
        if action is not None:
            outcome = await self._act(action, sender, origin, activity, activity.value)
            reply = form_errors_reply(outcome.form_errors, action.labels) if outcome.form_errors else outcome.reply
        else:
            text = TurnContext.remove_recipient_mention(activity) if activity.recipient else activity.text
            text = await self.members.people_as_keys(turn_context, text or "")
            files = await self.files.attachments(activity, personal=origin.personal)
            reply = (await self.runtime.handle(CHANNEL, text, sender, origin, files=files)).reply
        if reply is not None:
            await turn_context.send_activity(self.cards.message(await self._here(reply, sender, origin)))

    async def _here(self, reply: Reply, sender: Sender, origin: Origin) -> Reply:
        """What to show where the person asked: a reply about them alone (their requests, their details) asked
        for in a channel or group chat goes to their personal chat instead, and here they are told so."""
        if not reply.personal or origin.personal or self.personal_chat is None:
            return reply
        try:
            await self.personal_chat(sender.key, self.cards.message(reply))
        except DeliveryError as e:
            log.warning("could not send %s a personal reply in their chat: %s", sender.key, e)
            return Reply(tone=Tone.WARNING, text=NOT_REACHED)
        return Reply(text=SENT_PRIVATELY)

    # ------------------------------------------------------------ Action.Execute

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        if turn_context.activity.name == "adaptiveCard/action":
            return await self._on_execute(turn_context)
        return await super().on_invoke_activity(turn_context)

    async def _on_execute(self, turn_context: TurnContext) -> InvokeResponse:
        value = turn_context.activity.value if isinstance(turn_context.activity.value, dict) else {}
        pressed = value.get("action") if isinstance(value.get("action"), dict) else {}
        action = self._button(pressed.get("data"), pressed.get("verb"), execute=True)
        if action is None:  # a message, not a card: the card stays as it was
            return message_response(NOT_MINE)
        sender, origin = await self._sender_and_origin(turn_context)
        if action.refresh_only:  # the card's refresh: the card as it now is, for this person
            now = await self._card_now(action, sender, origin)
            return card_response(self.cards.content(now)) if now is not None else message_response(NOT_MINE)
        outcome = await self._act(action, sender, origin, turn_context.activity, pressed.get("data"))
        if outcome.form_errors:  # leave the card (and what was typed) in place; say what to fix
            return message_response(render_text(form_errors_reply(outcome.form_errors, action.labels)))
        if outcome.reply is None:
            return message_response("Done.")
        if outcome.status != "ok":  # a refusal or mistake must not replace a card others may share
            return message_response(render_text(outcome.reply))
        if outcome.reply.personal and not origin.personal:  # to their personal chat, and the card stays
            return message_response(render_text(await self._here(outcome.reply, sender, origin)))
        now = await self._card_now(action, sender, origin)
        if now is not None:  # the card stays itself, as it now is, with the result above it
            presser = turn_context.activity.from_property.id if turn_context.activity.from_property else None
            return card_response(CardJSON(result_over(outcome.reply, now, presser=presser)))
        return card_response(self.cards.content(outcome.reply))

    async def _card_now(self, action: CardAction, sender: Sender, origin: Origin) -> Reply | None:
        """The card the button sat on as it now is (its read-only command run again for the presser), or None
        when it has no such command, or it no longer shows the same (refused, gone, a personal reply)."""
        if not action.again:
            return None
        outcome = await self.runtime.again(CHANNEL, action.again, sender, origin)
        if outcome is None or outcome.status != "ok" or outcome.reply is None or not outcome.reply.again:
            return None
        if outcome.reply.personal and not origin.personal:
            return None
        return outcome.reply

    # ------------------------------------------------------------ installation

    async def on_conversation_update_activity(self, turn_context: TurnContext):
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if not any(m.id == bot_id for m in activity.members_added or []):
            return  # people joining or leaving a team: nothing to say
        if not await self.runtime.bookkeeping.first_time(f"teams:welcome:{activity.conversation.id}"):
            return  # already welcomed here (Teams repeats conversationUpdate)
        personal = is_personal(activity)
        if personal:
            sender, origin = await self._sender_and_origin(turn_context)
        else:
            sender = Sender(key="teams:installation", display_name="Teams")
            origin = Origin(platform=PLATFORM, conversation=activity.conversation.id)
        reply = (await self.runtime.welcome(CHANNEL, sender, origin, personal=personal)).reply
        await turn_context.send_activity(self.cards.message(reply))
