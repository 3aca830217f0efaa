"""The neutral Reply as an Adaptive Card 1.5 (the highest version Teams renders). Pure functions, no I/O.

Buttons and forms become `Action.Execute` (universal actions: Teams sends an `adaptiveCard/action` invoke
and shows the card we answer with), each with an `Action.Submit` fallback carrying the same data, so older
clients and the Emulator send a message with `value` instead; both come back through `CardAction`.

All Reply text is plain: everything shown in a TextBlock or a Fact goes through `md_escape`, so a user's
words cannot become links, emphasis or mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import fallback
from handlers.formatting import RAG_WORD
from handlers.reply import Button, Field, Form, Input, InputKind, Item, Reply, Tone

CARD_VERSION = "1.5"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
ACTION_KEY = "ict_action"  # button: the action id
VALUE_KEY = "ict_value"  # button: its value
FORM_KEY = "ict_form"  # form: the form id
METADATA_KEY = "ict_metadata"  # form: its private metadata
LABELS_KEY = "ict_labels"  # form: its inputs' labels by name, to name them in "Please correct" messages
AGAIN_KEY = "ict_again"  # any button or form: the read-only command that shows its card as it now is
AGAIN_VERB = "ict_again"  # the verb of a card's refresh action (data: AGAIN_KEY only)
RESERVED_KEYS = (ACTION_KEY, VALUE_KEY, FORM_KEY, METADATA_KEY, LABELS_KEY, AGAIN_KEY)
CHOOSE = "Choose one"  # the placeholder of a choice with none of its own

#: Colour is carried by a short label's background (a container style), never by the colour of text: of the
#: text colours Teams' host configs define, only "default" and "accent" reach 4.5:1 in both light and dark
#: themes ("good" and "warning" are pale on white, "attention" dim on dark), while default text on the good,
#: warning and attention container styles does, in every theme (tests/teams/test_contrast.py measures it).
#: So titles and bodies are default text, and a tone or RAG status is a word on a tinted label.
TONE_LABEL = {Tone.SUCCESS: ("Done", "good"), Tone.WARNING: ("Warning", "warning"), Tone.ERROR: ("Error", "attention")}
RAG_STYLE = {"red": "attention", "amber": "warning", "green": "good"}
BUTTON_STYLE = {"primary": "positive", "danger": "destructive"}
MAX_TOP_ACTIONS = 6  # Teams shows at most six actions in a card's action bar

# Characters the Adaptive Card markdown subset (CommonMark based) can give meaning to.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]()<>#~|!{}])")
_LIST_START = re.compile(r"^(\s*)([-+]|\d+[.)])(\s)", re.MULTILINE)


def md_escape(text: str) -> str:
    """Plain text safe for a TextBlock or Fact: no links, emphasis, lists, headings or <at> mentions."""
    text = _MD_SPECIAL.sub(r"\\\1", text or "")
    text = _LIST_START.sub(
        lambda m: f"{m[1]}{m[2][:-1]}\\{m[2][-1]}{m[3]}" if len(m[2]) > 1 else f"{m[1]}\\{m[2]}{m[3]}", text
    )
    # A single newline is not a line break in markdown: make every line its own paragraph.
    return "\n\n".join(line for line in text.splitlines())


@dataclass(frozen=True, slots=True)
class CardAction:
    """What a pressed button or submitted form sent back, from Action.Execute or Action.Submit data."""

    action_id: str | None = None
    value: str = ""
    form_id: str | None = None
    metadata: str = ""
    values: dict[str, str] | None = None
    labels: dict[str, str] | None = None  # a form's input labels by name, as its card sent them
    again: str = ""  # the read-only command of the card it sat on (Reply.again), "" when it has none

    @property
    def refresh_only(self) -> bool:
        """A card's refresh: nothing pressed, the card's command run again."""
        return self.action_id is None and self.form_id is None

    @classmethod
    def from_data(cls, data: object) -> CardAction | None:
        if not isinstance(data, dict):
            return None
        again = data.get(AGAIN_KEY) if isinstance(data.get(AGAIN_KEY), str) else ""
        if isinstance(data.get(FORM_KEY), str):
            values = {
                str(k): "" if v is None else str(v)
                for k, v in data.items()
                if k not in RESERVED_KEYS and k != "msteams"
            }
            labels = data.get(LABELS_KEY) if isinstance(data.get(LABELS_KEY), dict) else {}
            return cls(
                form_id=data[FORM_KEY],
                metadata=str(data.get(METADATA_KEY) or ""),
                values=values,
                labels={str(k): str(v) for k, v in labels.items()},
                again=again,
            )
        if isinstance(data.get(ACTION_KEY), str):
            return cls(action_id=data[ACTION_KEY], value=str(data.get(VALUE_KEY) or ""), again=again)
        if again:
            return cls(again=again)
        return None


def carry_again(node: object, again: str) -> None:
    """Every button and form of a card (and their Action.Submit fallbacks) also sends the card's command."""
    if isinstance(node, dict):
        data = node.get("data")
        button = node.get("type") in ("Action.Execute", "Action.Submit") and isinstance(data, dict)
        if button and (ACTION_KEY in data or FORM_KEY in data):
            data[AGAIN_KEY] = again
        for value in node.values():
            carry_again(value, again)
    elif isinstance(node, list):
        for value in node:
            carry_again(value, again)


def _text(text: str, **props) -> dict:
    return {"type": "TextBlock", "text": md_escape(text), "wrap": True, **props}


def _label(word: str, style: str) -> dict:
    """A short word on a tinted background, as the first column of a heading line."""
    return {
        "type": "Column",
        "width": "auto",
        "style": style,
        "verticalContentAlignment": "center",
        "items": [_text(word, weight="bolder", size="small")],
    }


def _labelled(label: dict | None, block: dict) -> dict:
    """`block` with `label` before it on the same line, or `block` alone."""
    if label is None:
        return block
    return {
        "type": "ColumnSet",
        "columns": [
            label,
            {"type": "Column", "width": "stretch", "verticalContentAlignment": "center", "items": [block]},
        ],
    }


def _alert(text: str) -> dict:
    """A line that must stand out (a form's mistakes): default text on the attention style."""
    return {"type": "Container", "style": "attention", "spacing": "none", "items": [_text(text, size="small")]}


def _facts(fields: tuple[Field, ...]) -> dict:
    return {"type": "FactSet", "facts": [{"title": md_escape(f.label), "value": md_escape(f.value)} for f in fields]}


def _execute(title: str, verb: str, data: dict, style: str | None = None) -> dict:
    action = {
        "type": "Action.Execute",
        "title": title,
        "verb": verb,
        "data": data,
        "fallback": {"type": "Action.Submit", "title": title, "data": data},
    }
    if style:
        action["style"] = style
        action["fallback"]["style"] = style
    return action


def button_action(button: Button) -> dict:
    return _execute(
        button.label,
        button.action_id,
        {ACTION_KEY: button.action_id, VALUE_KEY: button.value},
        BUTTON_STYLE.get(button.style or ""),
    )


def _item(item: Item) -> dict:
    label = _label(RAG_WORD[item.rag], RAG_STYLE[item.rag]) if item.rag in RAG_STYLE else None
    parts: list[dict] = [_labelled(label, _text(item.title, weight="bolder"))]
    if item.text:
        parts.append(_text(item.text, isSubtle=True, spacing="none"))
    if item.fields:
        parts.append(_facts(item.fields))
    if item.buttons:
        parts.append({"type": "ActionSet", "actions": [button_action(b) for b in item.buttons]})
    return {"type": "Container", "separator": True, "items": parts}


def input_error_message(field: Input) -> str | None:
    """What Teams says when its own check of the input fails, naming the rule that failed: the range of a
    number (Teams checks min and max as well as required), else that it is required."""
    low, high = field.min_value, field.max_value
    if field.kind is InputKind.NUMBER and (low is not None or high is not None):
        if low is not None and high is not None:
            rule = f"a whole number from {low} to {high}"
        elif low is not None:
            rule = f"a whole number of at least {low}"
        else:
            rule = f"a whole number no more than {high}"
        return f"{field.label}: enter {rule}."
    if field.required:
        return f"{field.label} is required."
    return None


def _input(field: Input, value: str | None, error: str | None) -> list[dict]:
    base: dict = {"id": field.name, "label": field.label, "isRequired": field.required}
    message = input_error_message(field)
    if message:
        base["errorMessage"] = message
    initial = value if value is not None else field.initial
    if field.kind is InputKind.CHOICE:
        element = {
            "type": "Input.ChoiceSet",
            **base,
            "style": "compact",
            "choices": [{"title": c.label, "value": c.value} for c in field.choices],
            "placeholder": field.placeholder or CHOOSE,
        }
        if initial:
            element["value"] = initial
    elif field.kind is InputKind.NUMBER:
        element = {"type": "Input.Number", **base}
        if field.min_value is not None:
            element["min"] = field.min_value
        if field.max_value is not None:
            element["max"] = field.max_value
        if field.placeholder:
            element["placeholder"] = field.placeholder
        if initial and initial.strip().lstrip("-").isdigit():
            element["value"] = int(initial)
    else:
        element = {"type": "Input.Text", **base, "isMultiline": field.kind is InputKind.MULTILINE}
        if field.max_length:
            element["maxLength"] = field.max_length
        if field.placeholder:
            element["placeholder"] = field.placeholder
        if initial:
            element["value"] = initial
    elements = [element]
    if error:
        elements.append(_alert(error))
    return elements


def form_action(form: Form) -> dict:
    labels = {i.name: i.label for i in form.inputs}
    data = {FORM_KEY: form.form_id, METADATA_KEY: form.private_metadata, LABELS_KEY: labels}
    return _execute(form.submit_label, form.form_id, data)


def _form(form: Form, values: dict[str, str], errors: dict[str, str], *, titled: bool) -> list[dict]:
    """The form's inputs, under its title unless the card already shows that title (`titled`)."""
    body = [] if titled else [_text(form.title, weight="bolder", separator=True)]
    if errors:
        body.append(_alert("Please correct the highlighted answers."))
    for field in form.inputs:
        body += _input(field, values.get(field.name), errors.get(field.name))
    return body


def render_adaptive_card(
    reply: Reply, *, form_values: dict[str, str] | None = None, form_errors: dict[str, str] | None = None
) -> dict:
    """Adaptive Card 1.5 JSON for a reply; a form is shown with `form_values` kept and `form_errors` marked."""
    label = _label(*TONE_LABEL[reply.tone]) if reply.tone in TONE_LABEL else None
    body: list[dict] = []
    if reply.title:
        body.append(_labelled(label, _text(reply.title, size="medium", weight="bolder")))
    if reply.text:
        body.append(_labelled(None if reply.title else label, _text(reply.text)))
    elif label is not None and not reply.title:
        body.append(_labelled(label, _text(" ")))
    if reply.fields:
        body.append(_facts(reply.fields))
    body += [_item(item) for item in reply.items]
    if reply.more:
        hint = f" Try '{reply.more_hint}'." if reply.more_hint else ""
        body.append(_text(f"...and {reply.more} more.{hint}", isSubtle=True))
    actions = [button_action(b) for b in reply.buttons]
    if reply.form:
        body += _form(reply.form, form_values or {}, form_errors or {}, titled=bool(reply.title))
        actions.insert(0, form_action(reply.form))
    if reply.footer:
        body.append(_text(reply.footer, isSubtle=True, size="small"))
    if not body:
        body.append(_text(" "))
    card: dict = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "fallbackText": fallback(reply) or " ",
        "body": body,
    }
    if len(actions) > MAX_TOP_ACTIONS:  # the rest stay reachable in the body
        body.append({"type": "ActionSet", "actions": actions[MAX_TOP_ACTIONS:]})
        actions = actions[:MAX_TOP_ACTIONS]
    if actions:
        card["actions"] = actions
    if reply.again:
        carry_again(card, reply.again)
    return card


def render_notice_card(text: str, title: str | None = None, tone: Tone = Tone.INFO) -> dict:
    """A proactive notification (the words come from handlers.notices) as a small card."""
    return render_adaptive_card(Reply(text=text, title=title, tone=tone))
