"""Knowledge articles in the store: reading the files (every bad file named), importing them again and again,
and counting what came of offering them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import Conflict, NotFound, Origin, PermissionDenied
from storage.enums import SelfHelpResult
from storage.kb_file import KbFileError, KbProblemCode, read_articles, sample_articles

NOW = datetime(2020, 3, 2, 9, 0, tzinfo=UTC)
VPN = b"""---
title: VPN drops
keywords: [vpn, dropping]
categories: [network]
councils: [Swale, TWBC]
---
Reconnect it.
"""


def test_the_sample_set_reads_as_twelve_articles_for_every_council():
    articles = sample_articles()
    assert len(articles) == 12
    assert "vpn-keeps-dropping" in {a.slug for a in articles}
    assert all(a.councils == ("Maidstone", "Swale", "Tunbridge Wells") for a in articles)


def test_a_file_is_read_with_its_slug_lists_and_councils():
    [article] = read_articles([("vpn.md", VPN)])
    assert (article.slug, article.title, article.keywords) == ("vpn", "VPN drops", ("vpn", "dropping"))
    assert (article.categories, article.councils, article.body) == (
        ("network",),
        ("Swale", "Tunbridge Wells"),
        "Reconnect it.",
    )


def test_bad_files_are_refused_together_each_problem_with_its_file_name():
    with pytest.raises(KbFileError) as raised:
        read_articles(
            [
                ("good.md", VPN),
                ("no-title.md", b"---\nsummary: x\n---\nbody\n"),
                ("bad-yaml.md", b"---\ntitle: [unclosed\n---\nbody\n"),
                ("bad-category.md", b"---\ntitle: T\ncategories: [networking]\n---\nbody\n"),
                ("bad-council.md", b"---\ntitle: T\ncouncils: [Kent]\n---\nbody\n"),
                ("Not A Slug.md", b"no front matter at all"),
            ]
        )
    found = {(p.file, p.code) for p in raised.value.problems}
    assert found == {
        ("no-title.md", KbProblemCode.MISSING),
        ("bad-yaml.md", KbProblemCode.BAD_YAML),
        ("bad-category.md", KbProblemCode.UNKNOWN_CATEGORY),
        ("bad-council.md", KbProblemCode.UNKNOWN_COUNCIL),
        ("Not A Slug.md", KbProblemCode.BAD_NAME),
        ("Not A Slug.md", KbProblemCode.NO_FRONT_MATTER),
    }
    [category] = [p for p in raised.value.problems if p.code == KbProblemCode.UNKNOWN_CATEGORY]
    assert category.value == "networking" and "network" in category.allowed


async def test_importing_again_is_idempotent_and_absent_articles_are_kept_unless_pruned(store):
    first = await store.import_articles(sample_articles(), now=NOW)
    assert len(first.added) == 12 and first.updated == first.unchanged == ()
    again = await store.import_articles(sample_articles(), now=NOW + timedelta(days=1))
    assert (again.added, again.updated, len(again.unchanged)) == ((), (), 12)
    assert {a.updated_at for a in await store.list_articles()} == {NOW}  # nothing was touched

    [vpn] = read_articles([("vpn-keeps-dropping.md", VPN)])
    dry = await store.import_articles([vpn], dry_run=True, prune=True, now=NOW)
    assert dry.dry_run and dry.updated == ("vpn-keeps-dropping",) and len(dry.removed) == 11
    assert len(await store.list_articles()) == 12  # a dry run writes nothing
    kept = await store.import_articles([vpn], now=NOW + timedelta(days=2))
    assert kept.updated == ("vpn-keeps-dropping",) and len(kept.kept) == 11 and kept.removed == ()
    assert (await store.get_article("vpn-keeps-dropping")).title == "VPN drops"
    pruned = await store.import_articles([vpn], prune=True, now=NOW)
    assert pruned.unchanged == ("vpn-keeps-dropping",) and len(pruned.removed) == 11
    assert [a.slug for a in await store.list_articles()] == ["vpn-keeps-dropping"]


async def test_only_an_admin_imports_from_chat(store):
    await store.ensure_user("local:rob", "Rob")
    with pytest.raises(PermissionDenied):
        await store.import_articles(sample_articles(), actor_key="local:rob", now=NOW)
    assert not await store.has_articles()


async def test_deflections_are_counted_between_two_times_and_a_press_counts_once(store):
    await store.import_articles(sample_articles(), now=NOW)
    await store.ensure_user("local:rob", "Rob")
    await store.ensure_user("local:eve", "Eve")
    for minutes, key in ((0, "press-1"), (1, "press-1"), (2, "press-2")):
        await store.record_self_help_fixed(
            "local:rob",
            "vpn-keeps-dropping",
            platform="local",
            text="my vpn  keeps dropping",
            submission_key=key,
            now=NOW + timedelta(minutes=minutes),
        )
    origin = Origin(platform="local", conversation="local:eve")
    vpn = await store.get_article("vpn-keeps-dropping")
    raised = await store.create_ticket(
        "local:eve", summary="vpn drops", origin=origin, tried=vpn, tried_text="vpn drops", now=NOW
    )
    assert raised.description == "vpn drops\n\nTried self-help: " + vpn.title
    await store.record_self_help_fixed("local:eve", "printing-follow-me", platform="local", now=NOW - timedelta(days=1))

    counts = await store.self_help_counts(NOW, NOW + timedelta(hours=1))
    assert [(c.article_slug, c.fixed, c.still_need_help) for c in counts] == [("vpn-keeps-dropping", 2, 1)]
    outcomes = await store.self_help_outcomes(NOW, NOW + timedelta(hours=1))
    assert [o.outcome for o in outcomes] == [SelfHelpResult.FIXED, SelfHelpResult.STILL_NEED_HELP, SelfHelpResult.FIXED]
    assert outcomes[0].text == "my vpn keeps dropping" and str(outcomes[1].request_ref) == raised.ref
    assert len(await store.self_help_counts(NOW - timedelta(days=2), NOW + timedelta(hours=1))) == 2


async def test_a_withdraw_after_self_help_is_the_requesters_only_and_happens_once(store):
    await store.import_articles(sample_articles(), now=NOW)
    await store.ensure_user("local:rob", "Rob")
    await store.ensure_user("local:eve", "Eve")
    origin = Origin(platform="local", conversation="local:rob")
    t = await store.create_ticket("local:rob", summary="vpn drops", origin=origin, now=NOW)
    with pytest.raises(NotFound):  # to anyone else the request does not exist
        await store.withdraw_fixed_by_self_help(t.ref, "local:eve", "vpn-keeps-dropping", platform="local", now=NOW)
    with pytest.raises(NotFound):
        await store.withdraw_fixed_by_self_help(t.ref, "local:rob", "no-such-article", platform="local", now=NOW)
    assert (await store.get_ticket(t.ref, "local:rob")).is_open
    for _ in range(2):
        closed, outcome = await store.withdraw_fixed_by_self_help(
            t.ref, "local:rob", "vpn-keeps-dropping", platform="local", submission_key="press", now=NOW
        )
        assert not closed.is_open and str(outcome.request_ref) == t.ref
    with pytest.raises(Conflict):  # another press, on a closed request
        await store.withdraw_fixed_by_self_help(t.ref, "local:rob", "vpn-keeps-dropping", platform="local", now=NOW)
    [count] = await store.self_help_counts(NOW, NOW + timedelta(hours=1))
    assert (count.fixed, count.still_need_help) == (1, 0)


async def test_a_deflection_needs_a_known_person_and_article(store):
    await store.import_articles(sample_articles(), now=NOW)
    with pytest.raises(NotFound):
        await store.record_self_help_fixed("local:ghost", "vpn-keeps-dropping", platform="local", now=NOW)
    await store.ensure_user("local:rob", "Rob")
    with pytest.raises(NotFound):
        await store.record_self_help_fixed("local:rob", "nope", platform="local", now=NOW)
