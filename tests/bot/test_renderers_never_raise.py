"""Any neutral reply, however empty, huge or combined, renders through the console, Block Kit and Adaptive
Card renderers without raising, and each result is valid: the card against the Adaptive Cards 1.5 schema and
WCAG contrast in Teams' host configs, the Slack message, modal and App Home through slack_sdk's models and
within Slack's limits."""

from __future__ import annotations

import json

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.slack.render import home_view, render_block_kit, result_modal
from bot.teams.render import render_adaptive_card
from bot.text import fallback, preview, render_text
from handlers.reply import Button, Choice, Field, Form, Input, InputKind, Item, Pick, Reply, Tone, Visibility
from tests.slack.test_render import check_limits
from tests.teams.conftest import CARD_SCHEMA
from tests.teams.test_contrast import check_contrast

CARD = jsonschema.Draft6Validator(json.loads(CARD_SCHEMA.read_text()))

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=3000)
short = st.text(max_size=200)
maybe = st.none() | short
buttons = st.lists(
    st.builds(
        Button,
        label=st.text(min_size=1, max_size=90),
        action_id=st.sampled_from(["assign", "resolve", "status", "rate"]),
        value=st.text(max_size=300),
        style=st.sampled_from([None, "primary", "danger"]),
    ),
    max_size=8,
).map(tuple)
fields = st.lists(st.builds(Field, short, text), max_size=12).map(tuple)
items = st.lists(
    st.builds(
        Item,
        title=short,
        text=text,
        rag=st.sampled_from([None, "red", "amber", "green"]),
        fields=fields,
        buttons=buttons,
    ),
    max_size=60,
).map(tuple)
choices = st.lists(st.builds(Choice, short, st.text(min_size=1, max_size=60)), max_size=120).map(tuple)
inputs = st.lists(
    st.builds(
        Input,
        name=st.text("abcdefghij_", min_size=1, max_size=12),
        label=st.text(min_size=1, max_size=100),
        kind=st.sampled_from(list(InputKind)),
        required=st.booleans(),
        choices=choices,
        initial=maybe,
        placeholder=maybe,
        max_length=st.none() | st.integers(1, 5000),
        min_value=st.none() | st.integers(-10, 10),
        max_value=st.none() | st.integers(10, 1000),
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda i: i.name,
).map(tuple)
forms = st.builds(
    Form,
    form_id=st.sampled_from(["support", "update", "resolve"]),
    title=st.text(min_size=1, max_size=60),
    inputs=inputs,
    submit_label=st.text(min_size=1, max_size=40),
    private_metadata=st.text(max_size=100),
    typed_alternative=maybe,
)
picks = st.builds(Pick, label=st.text(min_size=1, max_size=100), command=st.just("update"), choices=choices)
replies = st.builds(
    Reply,
    text=st.just("") | text,
    title=maybe,
    tone=st.sampled_from(list(Tone)),
    fields=fields,
    items=items,
    buttons=buttons,
    form=st.none() | forms,
    pick=st.none() | picks,
    visibility=st.sampled_from(list(Visibility)),
    more=st.integers(0, 10_000),
    more_hint=maybe,
    footer=st.none() | text,
    error_id=maybe,
    summary=maybe,
)
SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@SETTINGS
@given(replies)
def test_the_console_renders_any_reply(reply):
    assert isinstance(render_text(reply), str)
    assert "\n" not in preview(reply) and len(preview(reply)) <= 200
    assert isinstance(fallback(reply), str)


@SETTINGS
@given(replies)
def test_block_kit_renders_any_reply_inside_slacks_limits(reply):
    blocks, message_text = render_block_kit(reply)  # slack_sdk's block models validate as they serialise
    check_limits(blocks)
    assert blocks and message_text and len(message_text) <= 3000
    for view in (home_view(reply), result_modal(reply)):
        shown = view.to_dict()  # the View model checks its blocks, title and size
        check_limits(shown["blocks"], 100)


@SETTINGS
@given(replies, st.dictionaries(st.text(max_size=10), st.text(max_size=200), max_size=3))
def test_the_adaptive_card_of_any_reply_is_valid_and_legible(reply, errors):
    card = render_adaptive_card(reply, form_errors=errors)
    problems = sorted(CARD.iter_errors(card), key=lambda e: list(e.path))
    assert not problems, "\n".join(f"{list(e.path)}: {e.message}" for e in problems[:5])
    assert card["fallbackText"] and card["body"]
    check_contrast(card)
