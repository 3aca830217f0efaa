"""Plain-text renderer of the neutral reply model (the console, logs and plain-text messages)."""

from __future__ import annotations

import textwrap

from handlers.formatting import RAG_WORD, clip
from handlers.reply import Form, InputKind, Reply, Tone

RAG_MARK = {rag: f"[{word}]" for rag, word in RAG_WORD.items()}
TONE_MARK = {Tone.SUCCESS: "OK: ", Tone.WARNING: "", Tone.ERROR: "Error: ", Tone.INFO: ""}
PREVIEW_LENGTH = 200  # the one line of a notification, a chat list or a toast
FALLBACK_ITEMS = 10  # item lines in a fallback, then "...and N more."
FALLBACK_LENGTH = 6000  # Teams takes about 28 KB an activity, the card included


def preview(reply: Reply) -> str:
    """The reply in one line: its summary, or its title, or the first line of its text (or of its first item)."""
    lines = [reply.summary, reply.title, *(reply.text or "").splitlines(), *(i.title for i in reply.items)]
    first = next((line for line in lines if line and line.strip()), "")
    return clip(first, PREVIEW_LENGTH)


def fallback(reply: Reply) -> str:
    """What a client that cannot show the card shows: the preview sentence, then the key facts (the text, the
    fields, the items with their RAG in words), without the console's decoration, buttons or forms."""
    lines = [preview(reply)]
    lines += [line for line in (reply.text or "").splitlines() if line.strip() and line.strip() != lines[0]]
    lines += [f"{f.label}: {f.value}" for f in reply.fields]
    for item in reply.items[:FALLBACK_ITEMS]:
        rag = f"{RAG_WORD[item.rag]}: " if item.rag in RAG_WORD else ""
        lines.append(f"{rag}{item.title}")
        lines += [f"  {line}" for line in item.text.splitlines() if line.strip()]
        if item.fields:
            lines.append("  " + "; ".join(f"{f.label}: {f.value}" for f in item.fields))
    hidden = max(len(reply.items) - FALLBACK_ITEMS, 0) + reply.more
    if hidden:
        lines.append(f"...and {hidden} more.")
    text = "\n".join(line for line in lines if line)
    return text if len(text) <= FALLBACK_LENGTH else text[: FALLBACK_LENGTH - 1] + "\u2026"


def render_text(reply: Reply, *, width: int = 100) -> str:
    lines: list[str] = []
    if reply.title:
        lines += [reply.title, "=" * min(len(reply.title), width)]
    if reply.text:
        lines.append(TONE_MARK[reply.tone] + reply.text)
    for f in reply.fields:
        lines.append(f"  {f.label}: {f.value}")
    for item in reply.items:
        mark = RAG_MARK.get(item.rag or "", "-")
        lines.append(f"{mark} {item.title}")
        if item.text:
            for paragraph in item.text.splitlines():
                lines += textwrap.wrap(paragraph, width - 4, initial_indent="    ", subsequent_indent="      ")
        if item.fields:
            lines.append("    " + " | ".join(f"{f.label}: {f.value}" for f in item.fields))
        for b in item.buttons:
            lines.append(f"    [{b.label}] -> {b.command}")
    if reply.more:
        hint = f" Try '{reply.more_hint}'." if reply.more_hint else ""
        lines.append(f"...and {reply.more} more.{hint}")
    for b in reply.buttons:
        lines.append(f"[{b.label}] -> type: {b.command}")
    if reply.form:
        lines += form_text(reply.form)
    if reply.footer:
        lines.append(reply.footer)
    return "\n".join(lines).strip()


def form_text(form: Form) -> list[str]:
    lines = [f"Form: {form.title}"]
    for i in form.inputs:
        extra = ""
        if i.kind is InputKind.CHOICE and i.choices:
            extra = " (" + ", ".join(c.value for c in i.choices[:10]) + ("..." if len(i.choices) > 10 else "") + ")"
        optional = "" if i.required else " [optional]"
        lines.append(f"  - {i.label}{optional}{extra}")
    if form.typed_alternative:
        lines.append(f"Or in one line: {form.typed_alternative}")
    return lines
