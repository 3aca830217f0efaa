"""The Adaptive Card renderer: every kind of card validates against the 1.5 schema, user text is escaped."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.teams.render import CardAction, md_escape, render_adaptive_card, render_notice_card
from handlers import Button, Choice, Field, Form, Input, InputKind, Item, Reply, Tone

EVIL = "[click me](https://evil.example/login) **urgent** _now_ <at>Chief Executive</at> # 1. - x"


def all_texts(card: dict) -> list[str]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("text", "title", "value") and isinstance(value, str) and node.get("type") != "Input.Text":
                    found.append(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card.get("body", []))
    return found


@pytest.mark.parametrize(
    "command",
    [
        "status",
        "status RS",
        "actions overdue",
        "help",
        "whoami",
        "history RS-03",
        "support",
        "update",
        "queue",
        "tickets",
        "my VPN keeps dropping",
        "kb",
        "kb vpn-keeps-dropping",
        "support my vpn keeps dropping",
        "frobnicate",
    ],
)
async def test_every_reply_the_assistant_gives_renders_a_valid_card(person, admin, command, validate_card):
    await admin.say("support printer jammed on floor 2")
    outcome = await admin.send(command)
    card = validate_card(render_adaptive_card(outcome.reply))
    assert card["version"] == "1.5"


async def test_ticket_and_resolve_form_cards_are_valid(admin, validate_card):
    await admin.say("support printer jammed on floor 2")
    for command in ("ticket ICT-1", "resolve ICT-1", "priority ICT-1"):
        validate_card(render_adaptive_card((await admin.send(command)).reply))


def test_status_items_carry_rag_colour_and_word(validate_card):
    reply = Reply(
        title="Status",
        text="x",
        items=(Item("WF", rag="red"), Item("DS", rag="amber"), Item("RS", rag="green"), Item("No rag")),
    )
    card = validate_card(render_adaptive_card(reply))
    cues = [
        (col["items"][0]["text"], col["style"], col["items"][0].get("color", "default"))
        for c in card["body"]
        if c["type"] == "Container"
        for cs in c["items"]
        if cs["type"] == "ColumnSet"
        for col in cs["columns"]
        if col["width"] == "auto"
    ]
    assert cues == [("Red", "attention", "default"), ("Amber", "warning", "default"), ("Green", "good", "default")]


def test_fields_become_a_factset(validate_card):
    card = validate_card(
        render_adaptive_card(Reply(text="t", fields=(Field("Status", "new"), Field("SLA", "on track"))))
    )
    [facts] = [b for b in card["body"] if b["type"] == "FactSet"]
    assert facts["facts"] == [{"title": "Status", "value": "new"}, {"title": "SLA", "value": "on track"}]


def test_a_tone_is_a_word_on_a_tinted_label_beside_the_title_not_a_coloured_title(validate_card):
    heads = {
        tone: validate_card(render_adaptive_card(Reply(title="T", text="x", tone=tone)))["body"][0] for tone in Tone
    }
    assert heads[Tone.INFO] == {"type": "TextBlock", "text": "T", "wrap": True, "size": "medium", "weight": "bolder"}
    labels = {}
    for tone in (Tone.SUCCESS, Tone.WARNING, Tone.ERROR):
        label, title = heads[tone]["columns"]
        assert "color" not in title["items"][0] and title["items"][0]["text"] == "T"
        labels[tone] = (label["items"][0]["text"], label["style"])
    assert labels == {
        Tone.SUCCESS: ("Done", "good"),
        Tone.WARNING: ("Warning", "warning"),
        Tone.ERROR: ("Error", "attention"),
    }


FORM = Form(
    form_id="update",
    title="Update an action",
    submit_label="Post update",
    private_metadata="RS-03",
    inputs=(
        Input("ref", "Action", InputKind.CHOICE, choices=(Choice("RS-03 Firewalls", "RS-03"),), initial="RS-03"),
        Input("progress", "Progress (%)", InputKind.NUMBER, min_value=0, max_value=100, initial="40"),
        Input("note", "What changed?", InputKind.MULTILINE, max_length=2000, placeholder="A line"),
        Input("contact", "Contact", InputKind.TEXT, required=False),
    ),
)


def test_form_inputs_and_action_execute_with_submit_fallback(validate_card):
    card = validate_card(render_adaptive_card(Reply(text="Choose", form=FORM)))
    kinds = {b.get("id"): b["type"] for b in card["body"] if "id" in b}
    assert kinds == {
        "ref": "Input.ChoiceSet",
        "progress": "Input.Number",
        "note": "Input.Text",
        "contact": "Input.Text",
    }
    submit = card["actions"][0]
    assert (submit["type"], submit["verb"], submit["title"]) == ("Action.Execute", "update", "Post update")
    assert submit["fallback"]["type"] == "Action.Submit"
    assert submit["fallback"]["data"] == submit["data"]
    sent = submit["data"] | {"ref": "RS-03", "progress": "55", "note": "done"}
    action = CardAction.from_data(sent)
    assert (action.form_id, action.metadata) == ("update", "RS-03")
    assert action.values == {"ref": "RS-03", "progress": "55", "note": "done"}


def test_a_form_shown_again_keeps_values_and_marks_errors(validate_card):
    card = validate_card(
        render_adaptive_card(
            Reply(text="x", form=FORM), form_values={"note": "typed"}, form_errors={"note": "Say what"}
        )
    )
    note = next(b for b in card["body"] if b.get("id") == "note")
    assert note["value"] == "typed"
    assert any(b.get("style") == "attention" and b["items"][0]["text"] == "Say what" for b in card["body"])


def test_buttons_round_trip_through_card_action(validate_card):
    card = validate_card(
        render_adaptive_card(Reply(text="x", buttons=(Button("Assign to me", "assign", "ICT-4", "primary"),)))
    )
    [button] = card["actions"]
    assert (button["verb"], button["style"]) == ("assign", "positive")
    action = CardAction.from_data(button["data"])
    assert (action.action_id, action.value, action.form_id) == ("assign", "ICT-4", None)
    assert CardAction.from_data({"something": "else"}) is None
    assert CardAction.from_data("not a dict") is None


def test_more_than_six_actions_keep_the_rest_in_the_body(validate_card):
    buttons = tuple(Button(f"B{i}", "ticket", f"ICT-{i}") for i in range(9))
    card = validate_card(render_adaptive_card(Reply(text="x", buttons=buttons)))
    assert len(card["actions"]) == 6
    assert len(card["body"][-1]["actions"]) == 3


def test_user_text_cannot_inject_links_emphasis_or_mentions(validate_card):
    reply = Reply(
        title=EVIL,
        text=EVIL,
        fields=(Field(EVIL, EVIL),),
        items=(Item(EVIL, text=EVIL, fields=(Field("x", EVIL),)),),
    )
    card = validate_card(render_adaptive_card(reply))
    for text in all_texts(card):
        assert not re.search(r"(?<!\\)\]\(", text), text
        assert not re.search(r"(?<!\\)\*\*", text), text
        assert not re.search(r"(?<!\\)<at", text), text
    assert card["fallbackText"].count("[click me](https://evil.example/login)") >= 1  # fallback is plain text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_escaped_text_has_no_live_markdown(text):
    escaped = md_escape(text)
    unescaped = re.sub(r"\\.", "", escaped, flags=re.S)
    assert not re.search(r"[\[\]()*_<>`#~|]", unescaped)


def _validator():
    import json

    import jsonschema

    from tests.teams.conftest import CARD_SCHEMA

    return jsonschema.Draft6Validator(json.loads(CARD_SCHEMA.read_text()))


VALIDATOR = _validator()


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=80), st.text(max_size=200))
def test_any_text_renders_a_valid_card(title, text):
    VALIDATOR.validate(render_adaptive_card(Reply(title=title, text=text)))


def test_notice_card_is_valid(validate_card):
    validate_card(render_notice_card("ICT-1 is resolved", "Resolved", Tone.SUCCESS))
