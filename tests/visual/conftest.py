"""Browser tests: our cards rendered by Microsoft's Adaptive Cards renderer (npm `adaptivecards`) in headless
Chromium through Playwright, with the Teams host configs, and our Block Kit shown as a plain preview.

They run when ICTBOT_TEST_BROWSER is set (CI sets it; `.ci/run` installs Debian's chromium and runs `npm ci`
here). Set but unusable (no Chromium, no renderer, no Playwright) is a failure with the fix in its message,
never a skip. Unset, the header of the test run says they were left out.

Screenshots go to ICTBOT_TEST_ARTIFACTS (default `artifacts/` at the top of the checkout, not kept in git).
The ones the README and docs show are written to `docs/screenshots/` only when ICTBOT_WRITE_DOC_SCREENSHOTS
is set (`make screenshots`)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

BROWSER_ENV = "ICTBOT_TEST_BROWSER"
ENABLED = os.environ.get(BROWSER_ENV, "").strip() not in ("", "0")
HERE = Path(__file__).parent
REPO = HERE.parent.parent
NODE_MODULES = HERE / "node_modules"
HOST_CONFIGS = {  # the same copies the contrast tests of the Teams renderer use (see their README)
    theme: REPO / "tests" / "teams" / "hostconfigs" / f"microsoft-teams-{theme}.json"
    for theme in ("light", "dark", "high-contrast")
}
SCRIPTS = [
    NODE_MODULES / "markdown-it" / "dist" / "markdown-it.min.js",
    NODE_MODULES / "adaptivecards" / "dist" / "adaptivecards.min.js",
]
STYLES = [NODE_MODULES / "adaptivecards" / "dist" / "adaptivecards.css"]
DOC_SCREENSHOTS = REPO / "docs" / "screenshots"

if not ENABLED:
    collect_ignore_glob = ["test_*.py"]


def artifacts_dir() -> Path:
    path = Path(os.environ.get("ICTBOT_TEST_ARTIFACTS", "").strip() or REPO / "artifacts") / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_doc_screenshots() -> bool:
    return os.environ.get("ICTBOT_WRITE_DOC_SCREENSHOTS", "").strip() not in ("", "0")


def chromium_path() -> str:
    configured = os.environ.get("ICTBOT_CHROMIUM", "").strip()
    found = configured or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found or not Path(found).exists():
        pytest.fail(
            f"{BROWSER_ENV} is set but Chromium was not found (looked for ICTBOT_CHROMIUM, then `chromium` on PATH). "
            "Install Debian's package: sudo apt-get install chromium  (.ci/run does this when it is missing).",
            pytrace=False,
        )
    return found


def host_config(theme: str) -> dict:
    return json.loads(HOST_CONFIGS[theme].read_text(encoding="utf-8"))


@pytest.fixture
async def browser():
    try:
        from playwright.async_api import async_playwright
    except ImportError:  # pragma: no cover - the dev extra has it
        pytest.fail(f"{BROWSER_ENV} is set but Playwright is not installed: make install", pytrace=False)
    missing = [str(p.relative_to(REPO)) for p in SCRIPTS + STYLES if not p.exists()]
    if missing:
        pytest.fail(
            f"{BROWSER_ENV} is set but the card renderer is not installed ({', '.join(missing)} missing): "
            "run `npm ci --prefix tests/visual` (.ci/run does this).",
            pytrace=False,
        )
    executable = chromium_path()
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            await launched.close()


async def blank_page(browser, width: int, colour_scheme: str = "light"):
    """A page at `width` CSS pixels with the renderer loaded and nothing from the network."""
    page = await browser.new_page(viewport={"width": width, "height": 800}, color_scheme=colour_scheme)
    await page.route("**/*", lambda route: route.abort())  # everything is local: a fetch is a bug
    await page.set_content("<!doctype html><html lang='en'><head><meta charset='utf-8'></head><body></body></html>")
    for style in STYLES:
        await page.add_style_tag(path=str(style))
    for script in SCRIPTS:
        await page.add_script_tag(path=str(script))
    return page
