"""A plain HTML preview of a Block Kit message, for screenshots of what Slack shows.

Slack has no public renderer to run here, so this draws the block types our renderer emits (header, section
with text and fields, context, actions with buttons, divider) in Slack's light theme colours and reads
Slack's mrkdwn (bold, italic, code, links, the emoji we use). It fails on any other block type, so a new kind
of block cannot slip into the screenshots unseen."""

from __future__ import annotations

import html
import re

#: The emoji we use, drawn with CSS (a machine without an emoji font would show empty boxes).
EMOJI = {
    ":red_circle:": '<span class="dot" style="background:#dd2e44"></span>',
    ":large_orange_circle:": '<span class="dot" style="background:#f4900c"></span>',
    ":large_green_circle:": '<span class="dot" style="background:#78b159"></span>',
    ":white_check_mark:": '<span class="mark" style="background:#77b255">\u2713</span>',
    ":warning:": '<span class="mark" style="background:#ffcc4d;color:#000">!</span>',
    ":x:": '<span class="mark" style="background:#dd2e44">\u2715</span>',
}
ENTITY = re.compile(r"<([^<>]*)>")
STYLE = """
body { margin: 0; background: #fff; font: 15px/1.47 Lato, 'Segoe UI', Arial, sans-serif; color: #1d1c1d; }
.msg { display: flex; gap: 8px; padding: 12px 20px; width: 560px; }
.avatar { width: 36px; height: 36px; border-radius: 6px; background: #4a154b; color: #fff; font-weight: 700;
          display: flex; align-items: center; justify-content: center; flex: none; }
.name { font-weight: 900; } .app { font-size: 10px; background: #e8e8e8; color: #454245; padding: 1px 3px;
          border-radius: 2px; margin-left: 4px; vertical-align: 2px; }
.header { font-size: 18px; font-weight: 900; margin: 4px 0; }
.section { margin: 4px 0; } .fields { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 16px; margin-top: 4px; }
.context { font-size: 12px; color: #616061; margin: 4px 0; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.button { border: 1px solid #bbbabb; border-radius: 4px; padding: 3px 12px; font-weight: 700; font-size: 13px; }
.button.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.button.danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }
hr { border: 0; border-top: 1px solid #ddd; }
code { font: 12px monospace; color: #c01343; background: #f8f8f8; border: 1px solid #ddd; padding: 0 3px; }
a { color: #1264a3; text-decoration: none; }
.dot { display: inline-block; width: 14px; height: 14px; border-radius: 50%; vertical-align: -2px; }
.mark { display: inline-block; width: 16px; height: 16px; border-radius: 3px; color: #fff; font-size: 12px;
        line-height: 16px; text-align: center; font-weight: 700; vertical-align: -2px; }
"""


def mrkdwn_html(text: str) -> str:
    """Slack mrkdwn (already escaped by our renderer: &amp; &lt; &gt;) as HTML."""
    out: list[str] = []
    last = 0
    for m in ENTITY.finditer(text):
        out.append(_inline(text[last : m.start()]))
        target, _, label = m.group(1).partition("|")
        if target.startswith(("http://", "https://", "mailto:")):
            out.append(f'<a href="#">{_inline(label or target)}</a>')
        else:  # a mention or a special: Slack shows its label or a handle
            out.append(f"<b>@{_inline(label or target.lstrip('@!#'))}</b>")
        last = m.end()
    out.append(_inline(text[last:]))
    return "".join(out)


def _inline(text: str) -> str:
    text = html.escape(html.unescape(text), quote=False)
    for code, char in EMOJI.items():
        text = text.replace(code, char)
    text = re.sub(r"`([^`\n]+)`", r"<code>\1</code>", text)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"<b>\1</b>", text)
    text = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"<i>\1</i>", text)
    return text.replace("\n", "<br>")


def _text(obj: dict) -> str:
    if obj.get("type") == "mrkdwn":
        return mrkdwn_html(obj["text"])
    return html.escape(obj["text"], quote=False)


def _block(block: dict) -> str:
    kind = block["type"]
    if kind == "header":
        return f'<div class="header">{_text(block["text"])}</div>'
    if kind == "section":
        parts = [f"<div>{_text(block['text'])}</div>"] if block.get("text") else []
        if block.get("fields"):
            parts.append('<div class="fields">' + "".join(f"<div>{_text(f)}</div>" for f in block["fields"]) + "</div>")
        return '<div class="section">' + "".join(parts) + "</div>"
    if kind == "context":
        return '<div class="context">' + " ".join(_text(e) for e in block["elements"]) + "</div>"
    if kind == "actions":
        buttons = []
        for element in block["elements"]:
            assert element["type"] == "button", element["type"]
            style = element.get("style", "")
            buttons.append(f'<span class="button {style}">{_text(element["text"])}</span>')
        return '<div class="actions">' + "".join(buttons) + "</div>"
    if kind == "divider":
        return "<hr>"
    raise AssertionError(f"the preview does not draw {kind!r} blocks yet")


def message_html(blocks: list[dict]) -> str:
    body = "".join(_block(b) for b in blocks)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><style>{STYLE}</style></head><body>"
        "<div class='msg'><div class='avatar'>ICT</div><div><span class='name'>ICT Assistant</span>"
        f"<span class='app'>APP</span>{body}</div></div></body></html>"
    )
