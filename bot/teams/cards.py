"""Replies as Adaptive Card messages, each distinct reply rendered once.

`status` and the menus repeat, and rendering is pure (an equal reply renders to an equal card), so the card of
each recent reply is kept as JSON text in a bounded LRU cache keyed by the reply itself: a reply that differs
in anything is a different key, so a kept card can never be out of date. Every call hands out a new card
object, because botbuilder may change what it is given and no two replies may share one.
"""

from __future__ import annotations

import json

from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import Activity
from cachetools import LRUCache

from bot.teams.render import md_escape, render_adaptive_card
from bot.teams.sdk_patches import CardJSON
from bot.text import preview
from handlers import Reply

RENDERED_CARDS = 256  # distinct replies whose cards are kept


class RenderedCards:
    def __init__(self, maxsize: int = RENDERED_CARDS):
        self._json: LRUCache[Reply, str] = LRUCache(maxsize=maxsize)

    def __contains__(self, reply: Reply) -> bool:
        try:
            return reply in self._json
        except TypeError:
            return False

    def content(self, reply: Reply) -> CardJSON:
        """The reply's card, ready to send: a new object every call."""
        try:
            text = self._json.get(reply)
        except TypeError:  # a reply holding something unhashable: rendered, not kept
            return CardJSON(render_adaptive_card(reply))
        if text is None:
            card = render_adaptive_card(reply)
            self._json[reply] = json.dumps(card)
            return CardJSON(card)
        return CardJSON(json.loads(text))

    def message(self, reply: Reply) -> Activity:
        message = MessageFactory.attachment(CardFactory.adaptive_card(self.content(reply)))
        message.summary = preview(reply)
        return message


def notice_message(reply: Reply) -> Activity:
    """A proactive message: the card, with its one-sentence preview as the activity's summary and text, which
    Teams shows in the notification, the activity feed and the chat list (without them: "Sent a card")."""
    message = MessageFactory.attachment(
        CardFactory.adaptive_card(CardJSON(render_adaptive_card(reply))), text=md_escape(preview(reply))
    )
    message.summary = preview(reply)
    return message
