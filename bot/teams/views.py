"""What a button press on a card shows the person who pressed it, when the card can be shown again.

Teams shows the card an `adaptiveCard/action` invoke answers with to the presser alone (a user-specific
view); the card everyone sees changes only when its message is updated (the outbox updates triage posts).
So a press never turns a shared card into something else: the presser sees the result (a line, a choice,
a form) above the card as it now is, re-run from its read-only command (Reply.again). A choice or a form
carries a `refresh` for the presser only, so a form left unfinished turns back into the card when they
come back to it.
"""

from __future__ import annotations

from bot.teams.render import AGAIN_KEY, AGAIN_VERB, carry_again, render_adaptive_card
from handlers.reply import Reply


def refresh_action(again: str) -> dict:
    return {"type": "Action.Execute", "title": "Refresh", "verb": AGAIN_VERB, "data": {AGAIN_KEY: again}}


def result_over(result: Reply, card_now: Reply, *, presser: str | None) -> dict:
    """The result of a press above the card it was pressed on, as that card now is. `presser` (their Teams
    id): when the result asks for more (buttons, a form), the card refreshes back to itself for them."""
    assert card_now.again
    top = render_adaptive_card(result)
    card = render_adaptive_card(card_now)
    below = card["body"]
    if below:
        below[0] = {**below[0], "separator": True}
    body = list(top["body"])
    if top.get("actions"):
        body.append({"type": "ActionSet", "actions": top["actions"]})
    card["body"] = body + below
    card["fallbackText"] = f"{top['fallbackText']}\n\n{card['fallbackText']}"
    carry_again(card, card_now.again)
    if presser and (result.form is not None or result.buttons or any(i.buttons for i in result.items)):
        card["refresh"] = {"action": refresh_action(card_now.again), "userIds": [presser]}
    return card
