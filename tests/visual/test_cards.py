"""Our Teams cards as Teams would draw them: Microsoft's Adaptive Cards renderer in headless Chromium with the
Teams light and dark host configs. Every card parses and validates with no warning, and every piece of text
it shows meets WCAG AA contrast (4.5:1) against what is behind it. Screenshots of each theme and width are
kept as artefacts of the run."""

from __future__ import annotations

import shutil

import pytest

from bot.teams.render import render_adaptive_card
from tests.visual.conftest import (
    DOC_SCREENSHOTS,
    HERE,
    artifacts_dir,
    blank_page,
    host_config,
    write_doc_screenshots,
)
from tests.visual.replies import representative_replies

AA = 4.5
WIDTHS = {"desktop": 540, "phone": 320}  # a Teams chat column; a phone's card width


async def render(browser, cards: list[tuple[str, dict]], theme: str, width: int):
    config = host_config(theme)
    page = await blank_page(browser, width + 40, "light" if theme == "light" else "dark")
    background = config["containerStyles"]["default"]["backgroundColor"]
    await page.evaluate(
        "bg => { document.body.style.background = bg; document.body.style.margin = '0'; }", _css_colour(background)
    )
    await page.add_script_tag(path=str(HERE / "render_cards.js"))
    results = await page.evaluate(
        "([cards, config, width]) => renderCards(cards, config, width)", [cards, config, width]
    )
    return page, results


def _css_colour(value: str) -> str:
    """Host configs write #AARRGGBB; CSS reads #RRGGBBAA."""
    value = value.strip()
    if len(value) == 9:
        return "#" + value[3:] + value[1:3]
    return value


@pytest.fixture
async def cards(person, agent, admin, seeded_store, clock) -> list[tuple[str, dict]]:
    replies = await representative_replies(person, agent, admin, seeded_store, clock)
    return [(name, render_adaptive_card(reply)) for name, reply in replies]


@pytest.mark.parametrize("theme", ["light", "dark", "high-contrast"])
async def test_cards_render_without_warnings_and_every_text_meets_contrast(browser, cards, theme):
    assert len(cards) >= 12
    shots = artifacts_dir()
    for label, width in WIDTHS.items():
        page, results = await render(browser, cards, theme, width)
        await page.screenshot(path=str(shots / f"teams-{theme}-{label}.png"), full_page=True)
        for section in await page.query_selector_all("section[data-card]"):
            name = await section.get_attribute("data-card")
            await section.screenshot(path=str(shots / f"teams-{theme}-{label}-{name}.png"))
        await page.close()
        assert [r["name"] for r in results if not r["rendered"]] == []
        warnings = {
            r["name"]: r["parseWarnings"] + r["failures"] for r in results if r["parseWarnings"] or r["failures"]
        }
        assert warnings == {}
        low = [
            f"{r['name']}: {t['text']!r} {t['colour']} on {t['background']} = {t['ratio']:.2f}:1"
            for r in results
            for t in r["texts"]
            if t["ratio"] < AA
        ]
        assert low == [], "text below 4.5:1 contrast:\n" + "\n".join(low)
        assert sum(len(r["texts"]) for r in results) > 50  # the check saw the cards' text


async def test_the_contrast_check_catches_pale_text(browser):
    """The check itself: Teams' own 'warning' and 'good' text colours on white are what issue 11 found."""
    card = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": "pale", "color": "warning"},
            {"type": "TextBlock", "text": "fine"},
        ],
    }
    page, results = await render(browser, [("probe", card)], "light", 400)
    await page.close()
    ratios = {t["text"]: t["ratio"] for t in results[0]["texts"]}
    assert ratios["pale"] < 2 and ratios["fine"] > AA


async def test_doc_screenshots(browser, person, agent, admin, seeded_store, clock):
    """The status card and a triage post, light theme, as the README and docs/teams.md show them."""
    replies = dict(await representative_replies(person, agent, admin, seeded_store, clock))
    shots = artifacts_dir()
    for name in ("status", "triage-post"):
        page, _results = await render(browser, [(name, render_adaptive_card(replies[name]))], "light", 460)
        target = shots / f"teams-{name}.png"
        await (await page.query_selector("section[data-card]")).screenshot(path=str(target))
        await page.close()
        assert target.stat().st_size > 5_000
        if write_doc_screenshots():
            DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(target, DOC_SCREENSHOTS / target.name)
