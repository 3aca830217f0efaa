"""The neutral Reply as Block Kit: pure functions, built with slack_sdk.models, inside Slack's limits.

All Reply text is plain user text: it is escaped (& < > become &amp; &lt; &gt;) before it goes into mrkdwn,
so nothing anyone types becomes a mention, a channel ping or a link.
"""

from __future__ import annotations

import json

from cachetools import LRUCache, cached
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from handlers.formatting import RAG_WORD
from handlers.reply import Button, Choice, Field, Form, Input, InputKind, Item, Reply, Tone

# Slack's limits (https://docs.slack.dev/reference/block-kit/blocks)
MESSAGE_BLOCKS = 50
SURFACE_BLOCKS = 100  # modals and App Home
SECTION_TEXT = 3000
FIELD_TEXT = 2000
FIELDS_PER_SECTION = 10
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
BUTTONS_PER_BLOCK = 25
CONTEXT_TEXT = 2000
VIEW_TITLE = 24
INPUT_MAX_LENGTH = 3000
PLACEHOLDER = 150
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTIONS = 100
FALLBACK_TEXT = 3000
FALLBACK_ITEMS = 10  # item titles listed in the fallback of a reply with no text
FALLBACK_ITEM_TEXT = 100
TEXT_SECTIONS = 4  # a long text is spread over at most this many sections, then cut

ACTION_PREFIX = "ict"
RAG_EMOJI = {"red": ":red_circle:", "amber": ":large_orange_circle:", "green": ":large_green_circle:"}
TONE_EMOJI = {Tone.SUCCESS: ":white_check_mark: ", Tone.WARNING: ":warning: ", Tone.ERROR: ":x: ", Tone.INFO: ""}
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: str) -> str:
    """Plain text made safe for mrkdwn: & < > become entities (Slack's own rule for message text)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def escaped_chunks(text: str, limit: int) -> list[str]:
    """Escaped text in pieces of at most `limit` characters, never cutting through an entity."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return [escaped] if escaped else []
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for ch in text:
        piece = _ESCAPES.get(ch, ch)
        if size + len(piece) > limit:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(piece)
        size += len(piece)
    if current:
        chunks.append("".join(current))
    return chunks


def mrkdwn(text: str, limit: int = SECTION_TEXT) -> str:
    """Escaped text, cut to fit `limit` characters."""
    chunks = escaped_chunks(text, limit - 1)
    return chunks[0] + ("\u2026" if len(chunks) > 1 else "") if chunks else ""


def plain(text: str, limit: int) -> PlainTextObject:
    """A plain_text object: escaped too (Slack decodes the three entities in every text object), and cut."""
    return PlainTextObject(text=mrkdwn(text, limit), emoji=True)


def action_id(command: str, n: int) -> str:
    """Slack wants action ids unique within a message: the command plus a counter (`ict:assign:3`)."""
    return f"{ACTION_PREFIX}:{command}:{n}"


class _Buttons:
    """Numbers the buttons of one message so every action id is unique."""

    def __init__(self) -> None:
        self.count = 0

    def element(self, button: Button) -> ButtonElement:
        self.count += 1
        return ButtonElement(
            text=plain(button.label, BUTTON_TEXT),
            action_id=action_id(button.action_id, self.count),
            value=button.value[:BUTTON_VALUE] or None,
            style=button.style if button.style in ("primary", "danger") else None,
        )

    def blocks(self, buttons: tuple[Button, ...]) -> list[Block]:
        return [
            ActionsBlock(elements=[self.element(b) for b in buttons[i : i + BUTTONS_PER_BLOCK]])
            for i in range(0, len(buttons), BUTTONS_PER_BLOCK)
        ]


def _field_text(f: Field) -> MarkdownTextObject:
    label = mrkdwn(f.label, 200)
    return MarkdownTextObject(text=f"*{label}*\n" + mrkdwn(f.value, FIELD_TEXT - len(label) - 3))


def _field_sections(fields: tuple[Field, ...]) -> list[Block]:
    return [
        SectionBlock(fields=[_field_text(f) for f in fields[i : i + FIELDS_PER_SECTION]])
        for i in range(0, len(fields), FIELDS_PER_SECTION)
    ]


def _text_sections(text: str, prefix: str = "") -> list[Block]:
    chunks = escaped_chunks(text, SECTION_TEXT - 40)
    if not chunks:
        return []
    if len(chunks) > TEXT_SECTIONS:
        chunks = chunks[:TEXT_SECTIONS]
        chunks[-1] += "\u2026 _(shortened for Slack)_"
    chunks[0] = prefix + chunks[0]
    return [SectionBlock(text=MarkdownTextObject(text=c)) for c in chunks]


def _item_blocks(item: Item, buttons: _Buttons) -> list[Block]:
    # The circle with its word: red and orange circles look alike on a phone and to many colour-blind readers.
    mark = f"{RAG_EMOJI[item.rag]} {RAG_WORD[item.rag]} \u00b7" if item.rag in RAG_EMOJI else ""
    title = f"{mark} *{mrkdwn(item.title, 300)}*".strip()
    body = f"{title}\n{mrkdwn(item.text, SECTION_TEXT - len(title) - 1)}" if item.text else title
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=body),
            fields=[_field_text(f) for f in item.fields[:FIELDS_PER_SECTION]] or None,
        )
    ]
    if item.buttons:
        blocks += buttons.blocks(item.buttons[:BUTTONS_PER_BLOCK])
    return blocks


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text[:CONTEXT_TEXT])])


def form_opener(form: Form) -> Button:
    """Where no modal can be opened (a message reply), a button that asks again and gets the modal.

    By convention a form's id is the command that opens it and its private metadata that command's argument
    (`support`, `update`, `resolve ICT-3`), so the click re-runs that command with a trigger id in hand.
    """
    return Button(form.title, form.form_id, form.private_metadata, style="primary")


def fallback_text(reply: Reply) -> str:
    """The plain `text` every message carries: what push notifications, screen readers and old clients show.

    Compact, unlike the console rendering: the title, then the text; a reply with no text lists its items'
    titles, one short line each. Escaped like everything else, and within Slack's limit.
    """
    lines = [reply.title] if reply.title else []
    if reply.text:
        lines.append(reply.text)
    elif reply.items:
        shown = reply.items[:FALLBACK_ITEMS]
        lines += [clip(item.title, FALLBACK_ITEM_TEXT) for item in shown]
        hidden = len(reply.items) - len(shown) + reply.more
        if hidden:
            lines.append(f"\u2026and {hidden} more.")
    return mrkdwn("\n".join(lines), FALLBACK_TEXT) or "ICT Assistant"


#: Rendered replies, by value: the same reply (replies are frozen values, so the key is its content) renders
#: once. Slack's block models make rendering the larger part of answering `/ict status`, so this cache roughly
#: doubles the throughput of POST /slack/events (benchmarks/slack_bench.py; docs/slack.md has the figures).
#: Blocks are kept as JSON text and every caller gets freshly parsed dicts of its own.
RENDER_CACHE_SIZE = 512
_rendered: LRUCache[tuple[Reply, int], tuple[str, str]] = LRUCache(maxsize=RENDER_CACHE_SIZE)


def render_block_kit(reply: Reply, *, max_blocks: int = MESSAGE_BLOCKS) -> tuple[list[dict], str]:
    """Blocks (as Slack JSON) and the plain-text fallback for one reply, never over `max_blocks`.

    Pure, so memoised (see RENDER_CACHE_SIZE); the blocks returned belong to the caller.
    """
    try:
        blocks_json, text = _cached_render(reply, max_blocks)
    except TypeError:  # an unhashable value somewhere in the reply: render it afresh
        return _render(reply, max_blocks)
    return json.loads(blocks_json), text


@cached(_rendered)  # one event loop calls this: no lock needed
def _cached_render(reply: Reply, max_blocks: int) -> tuple[str, str]:
    blocks, text = _render(reply, max_blocks)
    return json.dumps(blocks, ensure_ascii=False), text


def _render(reply: Reply, max_blocks: int) -> tuple[list[dict], str]:
    buttons = _Buttons()
    head: list[Block] = []
    if reply.title:
        head.append(HeaderBlock(text=plain(reply.title, HEADER_TEXT)))
    head += _text_sections(reply.text, TONE_EMOJI[reply.tone])
    head += _field_sections(reply.fields)

    all_buttons = reply.buttons + ((form_opener(reply.form),) if reply.form else ())
    footer = [_context(mrkdwn(reply.footer, CONTEXT_TEXT))] if reply.footer else []
    budget = max_blocks - len(footer) - -(-len(all_buttons) // BUTTONS_PER_BLOCK)
    head = head[: max(1, budget - 1)]
    budget -= len(head)

    per_item = [_item_blocks(item, buttons) for item in reply.items]
    more_line = 1 if reply.more else 0
    fits = sum(len(b) for b in per_item) + more_line <= budget
    room = budget - more_line if fits else budget - 1  # keep a line for "...and N more"
    body: list[Block] = []
    shown = 0
    for blocks in per_item:
        if len(body) + len(blocks) > room:
            break
        body += blocks
        shown += 1
    hidden = len(reply.items) - shown + reply.more
    if hidden:
        hint = f" Try `{mrkdwn(reply.more_hint, 300)}`." if reply.more_hint else ""
        body.append(_context(f"\u2026and {hidden} more.{hint}"))

    tail = buttons.blocks(all_buttons) + footer
    text = fallback_text(reply)
    if not (head or body or tail):  # modals and App Home refuse zero blocks: say what the fallback says
        head = [SectionBlock(text=MarkdownTextObject(text=text))]
    blocks = [b.to_dict() for b in (*head, *body, *tail)]
    return blocks, text


# ------------------------------------------------------------ surfaces: modals and App Home


def _options(choices: tuple[Choice, ...]) -> list[Option]:
    return [Option(text=plain(c.label, OPTION_TEXT), value=c.value[:OPTION_VALUE]) for c in choices[:OPTIONS]]


def _input_element(i: Input):
    placeholder = plain(i.placeholder, PLACEHOLDER) if i.placeholder else None
    if i.kind is InputKind.CHOICE:
        options = _options(i.choices)
        initial = next((o for o, c in zip(options, i.choices, strict=False) if c.value == i.initial), None)
        return StaticSelectElement(
            action_id=i.name,
            options=options,
            initial_option=initial,
            placeholder=placeholder or plain("Choose\u2026", PLACEHOLDER),
        )
    if i.kind is InputKind.NUMBER:
        return NumberInputElement(
            action_id=i.name,
            is_decimal_allowed=False,
            min_value=None if i.min_value is None else str(i.min_value),
            max_value=None if i.max_value is None else str(i.max_value),
            initial_value=i.initial or None,
            placeholder=placeholder,
        )
    max_length = min(i.max_length or INPUT_MAX_LENGTH, INPUT_MAX_LENGTH)
    return PlainTextInputElement(
        action_id=i.name,
        multiline=i.kind is InputKind.MULTILINE,
        max_length=max_length,
        initial_value=i.initial[:max_length] if i.initial else None,
        placeholder=placeholder,
    )


def form_modal(form: Form, *, intro: str = "", private_metadata: str = "") -> View:
    """A form as a modal: one input block per input, block id and action id = the input's name."""
    blocks: list[Block] = _text_sections(intro)[:1]
    blocks += [
        InputBlock(
            block_id=i.name,
            label=plain(i.label, 2000),
            element=_input_element(i),
            optional=not i.required,
        )
        for i in form.inputs
    ]
    return View(
        type="modal",
        callback_id=form.form_id,
        title=plain(form.title, VIEW_TITLE),
        submit=plain(form.submit_label, VIEW_TITLE),
        close=plain("Cancel", VIEW_TITLE),
        private_metadata=private_metadata,
        blocks=blocks[:SURFACE_BLOCKS],
    )


def picker_modal(reply: Reply, *, private_metadata: str = "") -> View:
    """A reply's Pick as a modal: its text and one select. Choosing fires block_actions at once (the select
    dispatches), and the listener turns this modal into the chosen action's form with views.update."""
    assert reply.pick is not None
    pick = reply.pick
    select = StaticSelectElement(
        action_id=action_id(pick.command, 1),
        options=_options(pick.choices),
        placeholder=plain(pick.placeholder, PLACEHOLDER),
    )
    blocks: list[Block] = _text_sections(reply.text)[:1]
    blocks.append(SectionBlock(block_id="pick", text=MarkdownTextObject(text=mrkdwn(pick.label)), accessory=select))
    if len(pick.choices) > OPTIONS:
        shown = (
            f"Showing the first {OPTIONS} of {len(pick.choices)}. Or type: {reply.more_hint}" if reply.more_hint else ""
        )
        blocks.append(_context(mrkdwn(shown or f"Showing the first {OPTIONS} of {len(pick.choices)}.")))
    return View(
        type="modal",
        callback_id=f"pick_{pick.command}",
        title=plain(reply.title or "ICT Assistant", VIEW_TITLE),
        close=plain("Cancel", VIEW_TITLE),
        private_metadata=private_metadata,
        blocks=blocks,
    )


def result_modal(reply: Reply, *, title: str = "ICT Assistant") -> View:
    """What a submission or a click from App Home led to, shown in a modal with a Done button."""
    blocks, _ = render_block_kit(reply, max_blocks=SURFACE_BLOCKS)
    return View(type="modal", title=plain(title, VIEW_TITLE), close=plain("Done", VIEW_TITLE), blocks=blocks)


def home_view(reply: Reply) -> View:
    blocks, _ = render_block_kit(reply, max_blocks=SURFACE_BLOCKS)
    return View(type="home", blocks=blocks)
