"""Our Block Kit messages drawn as Slack shows them (a plain preview, see blockkit_preview.py), for the
screenshots in the README and docs/slack.md, and checks of what a person reads in them."""

from __future__ import annotations

import shutil

from bot.slack.render import render_block_kit
from tests.visual.blockkit_preview import message_html, mrkdwn_html
from tests.visual.conftest import DOC_SCREENSHOTS, artifacts_dir, write_doc_screenshots
from tests.visual.replies import representative_replies


def test_the_preview_reads_mrkdwn_and_keeps_user_text_as_text():
    shown = mrkdwn_html("*ICT-1* &lt;script&gt; <https://x.example|the guide> _soon_ :red_circle:")
    assert shown.startswith("<b>ICT-1</b> &lt;script&gt; <a href")
    assert "<i>soon</i>" in shown and 'class="dot" style="background:#dd2e44"' in shown and "<script>" not in shown


async def test_every_message_draws_and_doc_screenshots(browser, person, agent, admin, seeded_store, clock):
    replies = await representative_replies(person, agent, admin, seeded_store, clock)
    shots = artifacts_dir()
    page = await browser.new_page(viewport={"width": 620, "height": 600})
    await page.route("**/*", lambda route: route.abort())
    try:
        for name, reply in replies:
            blocks, _text = render_block_kit(reply)
            await page.set_content(message_html(blocks))
            target = shots / f"slack-{name}.png"
            await (await page.query_selector(".msg")).screenshot(path=str(target))
            words = await page.inner_text(".msg")
            assert "ICT Assistant" in words and len(words) > 20, name
            if name in ("status", "triage-post"):
                assert target.stat().st_size > 5_000
                if write_doc_screenshots():
                    DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(target, DOC_SCREENSHOTS / target.name)
    finally:
        await page.close()
