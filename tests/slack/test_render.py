"""render_block_kit is a pure function: the neutral Reply in, Block Kit inside Slack's limits out."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.slack.render import escape, form_modal, picker_modal, render_block_kit
from bot.slack.translate import command_of
from handlers.reply import Button, Choice, Field, Form, Input, InputKind, Item, Pick, Reply, Tone
from handlers.support import support_form
from tests.slack.conftest import buttons, texts


def check_limits(blocks: list[dict], max_blocks: int = 50) -> None:
    assert len(blocks) <= max_blocks
    ids = [b["action_id"] for b in buttons(blocks)]
    assert len(ids) == len(set(ids)), "action ids must be unique within a message"
    for block in blocks:
        if block["type"] == "section":
            if "text" in block:
                assert len(block["text"]["text"]) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
    for b in buttons(blocks):
        assert len(b["text"]["text"]) <= 75 and len(b.get("value", "")) <= 2000 and len(b["action_id"]) <= 255


def test_escape_only_the_three_characters_slack_reserves():
    assert escape("<!channel> <@U1> a & b 'q' \"d\"") == "&lt;!channel&gt; &lt;@U1&gt; a &amp; b 'q' \"d\""


def test_every_piece_of_user_text_is_escaped():
    reply = Reply(
        title="<!here> & title",
        text="<@U1> text",
        fields=(Field("<b>", "<!channel>"),),
        items=(
            Item(title="<#C1>", text="<https://x|y>", fields=(Field("a&b", "<x>"),), buttons=(Button("<!b>", "x"),)),
        ),
        buttons=(Button("<go>", "status"),),
        footer="<!everyone>",
    )
    blocks, text = render_block_kit(reply)
    dumped = json.dumps(blocks) + text
    for raw in ("<!here>", "<@U1>", "<b>", "<!channel>", "<#C1>", "<https://x", "<x>", "<!b>", "<go>", "<!everyone>"):
        assert raw not in dumped
    assert "&lt;!here&gt; &amp; title" in texts(blocks)


def test_a_long_list_is_cut_with_and_n_more_and_the_narrower_command():
    items = tuple(
        Item(title=f"ICT-{n} thing", text="x", buttons=(Button("Assign to me", "assign", f"ICT-{n}"),))
        for n in range(60)
    )
    reply = Reply(
        title="Queue", text="60 open", items=items, more=15, more_hint="queue P1", buttons=(Button("Help", "help"),)
    )
    blocks, _ = render_block_kit(reply)
    check_limits(blocks)
    shown = sum(1 for b in blocks if b["type"] == "section" and b["text"]["text"].startswith("*ICT-"))
    assert 0 < shown < 60
    more = next(b for b in blocks if b["type"] == "context")
    assert more["elements"][0]["text"] == f"\u2026and {60 - shown + 15} more. Try `queue P1`."
    assert buttons(blocks)[-1]["text"]["text"] == "Help"  # the reply's own buttons survive the cut


def test_more_beyond_the_items_is_shown_even_when_all_items_fit():
    blocks, _ = render_block_kit(Reply(text="t", items=(Item(title="a"),), more=3, more_hint="tickets"))
    assert "\u2026and 3 more. Try `tickets`." in texts(blocks)


def test_the_fallback_text_is_the_title_then_the_text_without_console_decoration():
    reply = Reply(
        title="ICT-1 raised",
        text="Thanks Rob, I've logged ICT-1 & will message you.",
        tone=Tone.SUCCESS,
        fields=(Field("Summary", "printer jammed"),),
        items=(Item(title="not in the fallback"),),
        buttons=(Button("View request", "ticket", "ICT-1"),),
        footer="a footer",
    )
    _, text = render_block_kit(reply)
    assert text == "ICT-1 raised\nThanks Rob, I've logged ICT-1 &amp; will message you."


def test_a_reply_with_no_text_falls_back_to_short_item_lines():
    items = tuple(Item(title=f"ICT-{n} <b>" + "x" * 300, text="details", rag="red") for n in range(12))
    _, text = render_block_kit(Reply(title="Queue", text="", items=items, more=5))
    lines = text.split("\n")
    assert lines[0] == "Queue"
    assert lines[1].startswith("ICT-0 &lt;b&gt;x") and len(lines[1]) <= 110 and lines[1].endswith("\u2026")
    assert len(lines) == 12 and lines[-1] == "\u2026and 7 more."  # 10 titles, then the 2 left and 5 more


def test_the_fallback_text_stays_within_slacks_limit():
    _, text = render_block_kit(Reply(title="T", text="&" * 5000))
    assert len(text) <= 3000 and text.startswith("T\n&amp;") and "&amp&" not in text


def test_many_fields_are_split_ten_to_a_section():
    blocks, _ = render_block_kit(Reply(text="t", fields=tuple(Field(f"F{n}", str(n)) for n in range(25))))
    check_limits(blocks)
    assert [len(b["fields"]) for b in blocks if "fields" in b] == [10, 10, 5]


def test_a_20000_character_text_is_spread_over_sections_and_shortened():
    blocks, text = render_block_kit(Reply(title="Big", text="&" * 20_000))
    check_limits(blocks)
    sections = [b for b in blocks if b["type"] == "section"]
    assert len(sections) == 4
    assert "shortened for Slack" in sections[-1]["text"]["text"]
    assert all("&amp;" in s["text"]["text"] and "&am\u2026" not in s["text"]["text"] for s in sections)
    assert len(text) <= 3000


def test_buttons_round_trip_to_their_command():
    blocks, _ = render_block_kit(
        Reply(text="t", buttons=(Button("Assign to me", "assign", "ICT-3"), Button("Queue", "queue")))
    )
    assert [(command_of(b["action_id"]), b.get("value")) for b in buttons(blocks)] == [
        ("assign", "ICT-3"),
        ("queue", None),
    ]


def test_a_form_in_a_message_becomes_a_button_that_asks_for_it_again():
    blocks, _ = render_block_kit(support_form())
    [opener] = buttons(blocks)
    assert command_of(opener["action_id"]) == "support"


def test_form_modal_inputs_are_named_by_block_id_and_within_limits():
    form = Form(
        form_id="f",
        title="A title that is far too long for a modal",
        inputs=(
            Input("summary", "Summary", max_length=120),
            Input("description", "Description", InputKind.MULTILINE, max_length=10_000, initial="x" * 5000),
            Input("n", "Number", InputKind.NUMBER, min_value=0, max_value=100, initial="5"),
        ),
        private_metadata="ICT-3",
    )
    view = form_modal(form, private_metadata='{"m":"ICT-3"}').to_dict()
    assert len(view["title"]["text"]) <= 24
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in inputs] == ["summary", "description", "n"]
    assert inputs[1]["element"]["max_length"] == 3000
    assert len(inputs[1]["element"]["initial_value"]) == 3000
    assert inputs[2]["element"]["type"] == "number_input"


def test_a_picker_modal_offers_each_choice_escaped_and_says_when_it_shows_only_some():
    choices = tuple(
        Choice(f"RS-{n:02d} <b>Firewalls</b> & a title longer than Slack lets an option be", f"RS-{n:02d}")
        for n in range(120)
    )
    reply = Reply(
        title="Which action?", text="Pick <one>", pick=Pick("Action", "update", choices), more_hint="update RS-03"
    )
    view = picker_modal(reply, private_metadata='{"m":"","c":"C1"}').to_dict()
    assert (view["type"], view["callback_id"], view["private_metadata"]) == (
        "modal",
        "pick_update",
        '{"m":"","c":"C1"}',
    )
    assert "submit" not in view  # choosing is the submission
    [select] = [b["accessory"] for b in view["blocks"] if "accessory" in b]
    assert command_of(select["action_id"]) == "update"
    assert len(select["options"]) == 100 and select["options"][3]["value"] == "RS-03"
    assert all(len(o["text"]["text"]) <= 75 and "<" not in o["text"]["text"] for o in select["options"])
    shown = texts(view["blocks"])
    assert "Pick &lt;one&gt;" in shown and "Showing the first 100 of 120. Or type: update RS-03" in shown


text_st = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=4000)
small = st.text(max_size=300)
button_st = st.builds(
    Button,
    label=st.text(min_size=1, max_size=100),
    action_id=st.sampled_from(["assign", "resolve", "status"]),
    value=st.text(max_size=2500),
)
item_st = st.builds(
    Item,
    title=small,
    text=text_st,
    rag=st.sampled_from([None, "red", "amber", "green"]),
    fields=st.lists(st.builds(Field, small, text_st), max_size=12).map(tuple),
    buttons=st.lists(button_st, max_size=4).map(tuple),
)
reply_st = st.builds(
    Reply,
    text=text_st,
    title=st.none() | st.text(min_size=1, max_size=400),
    tone=st.sampled_from(list(Tone)),
    fields=st.lists(st.builds(Field, small, text_st), max_size=30).map(tuple),
    items=st.lists(item_st, max_size=70).map(tuple),
    buttons=st.lists(button_st, max_size=30).map(tuple),
    more=st.integers(0, 1000),
    more_hint=st.none() | small,
    footer=st.none() | text_st,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(reply_st)
def test_any_reply_stays_inside_slacks_limits(reply):
    blocks, text = render_block_kit(reply)  # slack_sdk validates each block as it serialises it
    check_limits(blocks)
    assert text and len(text) <= 3000
    blocks, _ = render_block_kit(reply, max_blocks=100)
    check_limits(blocks, 100)


@pytest.mark.parametrize(
    ("wire", "typed"),
    [
        ("printers &amp; scanners &lt;are&gt; down", "printers & scanners <are> down"),
        ("see <https://intranet/x>", "see https://intranet/x"),
        ("see <https://intranet/x|the intranet>", "see the intranet (https://intranet/x)"),
        ("ask <@U123> or <@U456|sam>", "ask @slack:U123 or @slack:U456"),
        ("in <#C123|ict-desk>", "in #ict-desk"),
        ("<!here> and <!subteam^S1|@desk>", "@here and @desk"),
        ("mail <mailto:a@b.gov.uk|a@b.gov.uk>", "mail a@b.gov.uk"),
        ("&amp;lt; stays literal", "&lt; stays literal"),
    ],
)
def test_typed_text_undoes_slack_wire_format(wire, typed):
    from bot.slack.translate import typed_text

    assert typed_text(wire) == typed


def test_rendered_blocks_belong_to_the_caller():
    reply = Reply(title="Status", text="All fine", buttons=(Button("Refresh", "status"),))
    first, _ = render_block_kit(reply)
    first[0]["text"]["text"] = "tampered"
    first.append({"type": "divider"})
    again, _ = render_block_kit(reply)
    assert again[0]["text"]["text"] == "Status" and again[-1]["type"] == "actions"
    assert again is not first and again[0] is not first[0]


def test_a_changed_reply_is_rendered_anew_not_taken_from_the_cache():
    before, _ = render_block_kit(Reply(title="RS-03", text="60% amber"))
    after, text = render_block_kit(Reply(title="RS-03", text="80% green"))
    assert "80% green" in texts(after) and "60% amber" in texts(before) and "80% green" in text


def test_the_cache_is_bounded():
    from bot.slack import render

    for n in range(render.RENDER_CACHE_SIZE + 50):
        render_block_kit(Reply(text=f"reply {n}"))
    assert len(render._rendered) <= render.RENDER_CACHE_SIZE


def test_every_rag_circle_has_its_word_beside_it():
    items = tuple(Item(f"RS-0{n} An action", rag=rag) for n, rag in enumerate(("red", "amber", "green", None)))
    blocks, _ = render_block_kit(Reply(title="Status", text="", items=items))
    lines = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert lines == [
        ":red_circle: Red \u00b7 *RS-00 An action*",
        ":large_orange_circle: Amber \u00b7 *RS-01 An action*",
        ":large_green_circle: Green \u00b7 *RS-02 An action*",
        "*RS-03 An action*",
    ]


@pytest.mark.parametrize("reply", [Reply(text=""), Reply(text="", tone=Tone.ERROR), Reply(text="", more=0)])
def test_an_empty_reply_still_makes_a_home_tab_and_a_result_modal(reply):
    from bot.slack.render import home_view, result_modal

    for view in (home_view(reply), result_modal(reply)):
        shown = view.to_dict()  # slack_sdk refuses a view with no blocks
        assert shown["blocks"] and texts(shown["blocks"]) == "ICT Assistant"
