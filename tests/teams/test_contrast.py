"""Every text colour the Adaptive Card renderer produces reaches WCAG AA (4.5:1) against the background it
sits on, in Teams' light, dark and high-contrast host configs (tests/teams/hostconfigs/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.teams.render import render_adaptive_card
from handlers import Button, Choice, Field, Form, Input, InputKind, Item, Reply, Tone

HOST_CONFIGS = {
    theme: json.loads((Path(__file__).parent / "hostconfigs" / f"microsoft-teams-{theme}.json").read_text())
    for theme in ("light", "dark", "high-contrast")
}
AA = 4.5


def _rgb(colour: str, under: tuple[float, ...] = (255, 255, 255)) -> tuple[float, ...]:
    """#RRGGBB or #AARRGGBB, blended with `under` by its alpha."""
    h = colour.lstrip("#")
    alpha = int(h[:2], 16) / 255 if len(h) == 8 else 1.0
    rgb = [int(h[i : i + 2], 16) for i in (len(h) - 6, len(h) - 4, len(h) - 2)]
    return tuple(alpha * c + (1 - alpha) * u for c, u in zip(rgb, under, strict=True))


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = map(channel, rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: tuple[float, ...], background: tuple[float, ...]) -> float:
    """The WCAG 2 contrast ratio of two colours."""
    high, low = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colours(card: dict) -> list[tuple[str, str, bool, str]]:
    """(container style, colour name, subtle, text) of every piece of text in a card, the style being the
    nearest enclosing Container's or Column's (the card itself is "default")."""
    found: list[tuple[str, str, bool, str]] = []

    def walk(node, style: str) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child, style)
            return
        if not isinstance(node, dict):
            return
        if node.get("type") in ("Container", "Column") and node.get("style"):
            style = node["style"]
        if node.get("type") == "TextBlock":
            found.append((style, node.get("color", "default"), bool(node.get("isSubtle")), node["text"]))
        if node.get("type") == "FactSet":
            found.extend((style, "default", False, f["title"] + f["value"]) for f in node["facts"])
        for key, value in node.items():
            if key != "fallback":
                walk(value, style)

    walk(card["body"], "default")
    return found


def check_contrast(card: dict) -> int:
    """Asserts every text of `card` reaches AA in every host config; returns how many texts it measured."""
    measured = text_colours(card)
    for theme, config in HOST_CONFIGS.items():
        for style, colour, subtle, text in measured:
            styles = config["containerStyles"]
            assert style in styles, f"{style!r} is no container style of the {theme} host config"
            background = _rgb(styles[style]["backgroundColor"])
            foreground = _rgb(styles[style]["foregroundColors"][colour]["subtle" if subtle else "default"], background)
            ratio = contrast(foreground, background)
            assert ratio >= AA, (
                f"{theme}: {colour}{' subtle' if subtle else ''} text on {style} is {ratio:.2f}:1 ({text[:40]!r})"
            )
    return len(measured)


def test_the_measure_is_wcags():
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    light = HOST_CONFIGS["light"]["containerStyles"]["default"]
    white = _rgb(light["backgroundColor"])
    warning = _rgb(light["foregroundColors"]["warning"]["default"], white)
    assert contrast(warning, white) == pytest.approx(1.47, abs=0.01)  # why text is never coloured


FORM = Form(
    form_id="update",
    title="Update an action",
    inputs=(
        Input("ref", "Action", InputKind.CHOICE, choices=(Choice("RS-03", "RS-03"),)),
        Input("progress", "Progress (%)", InputKind.NUMBER, min_value=0, max_value=100),
        Input("note", "What changed?", InputKind.MULTILINE, required=False),
    ),
)
ITEMS = tuple(
    Item(
        f"RS-0{n} An action",
        text="Some detail",
        rag=rag,
        fields=(Field("Due", "1 May"),),
        buttons=(Button("Update", "update"),),
    )
    for n, rag in enumerate((None, "red", "amber", "green"))
)


@pytest.mark.parametrize("tone", list(Tone))
@pytest.mark.parametrize("title", [None, "Resolved"])
def test_every_tone_and_rag_reaches_aa_in_light_dark_and_high_contrast(tone, title):
    reply = Reply(
        title=title,
        text="ICT-42 is resolved.",
        tone=tone,
        fields=(Field("Status", "resolved"),),
        items=ITEMS,
        more=3,
        footer="A footer",
    )
    assert check_contrast(render_adaptive_card(reply)) >= 10
    assert check_contrast(render_adaptive_card(Reply(text="", title=title, tone=tone, items=ITEMS[:1]))) >= 1


def test_a_form_with_mistakes_reaches_aa():
    card = render_adaptive_card(Reply(text="", form=FORM), form_errors={"progress": "Progress must be 0 to 100."})
    assert check_contrast(card) >= 3


@pytest.mark.parametrize(
    "command",
    [
        "status",
        "status RS",
        "actions overdue",
        "actions mine",
        "help",
        "whoami",
        "queue",
        "tickets",
        "ticket ICT-1",
        "resolve ICT-1",
        "update",
        "history RS-03",
        "frobnicate",
        "assign ICT-99",
    ],
)
async def test_every_reply_the_assistant_gives_reaches_aa(admin, command):
    await admin.say("support printer jammed on floor 2")
    check_contrast(render_adaptive_card((await admin.send(command)).reply))


def test_tone_and_rag_are_words_on_tinted_labels_not_coloured_text():
    card = render_adaptive_card(
        Reply(title="We need something from you", text="Which building?", tone=Tone.WARNING, items=ITEMS)
    )
    measured = text_colours(card)
    assert all(colour == "default" for _, colour, _, _ in measured)
    labels = [(style, text) for style, _, _, text in measured if style != "default"]
    assert labels == [("warning", "Warning"), ("attention", "Red"), ("warning", "Amber"), ("good", "Green")]
