"""Plain-text renderer of the neutral reply model (the console, logs and plain-text messages)."""

from __future__ import annotations

import textwrap

from handlers.formatting import RAG_WORD
from handlers.reply import Form, InputKind, Reply, Tone

RAG_MARK = {rag: f"[{word}]" for rag, word in RAG_WORD.items()}
TONE_MARK = {Tone.SUCCESS: "OK: ", Tone.WARNING: "", Tone.ERROR: "Error: ", Tone.INFO: ""}


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
