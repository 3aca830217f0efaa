"""Knowledge articles and self-help outcomes: importing articles (upsert by slug), reading them, and recording
what came of offering one (a deflection when it fixed the problem), with counts for the desk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models as m
from storage import tickets, users
from storage.convert import article_record, self_help_record, ticket_record
from storage.enums import SelfHelpResult
from storage.errors import InvalidInput, NotFound, PermissionDenied
from storage.kb_file import ArticleInput
from storage.outbox import Outbox
from storage.records import ArticleRecord, KbImportResult, SelfHelpCount, SelfHelpRecord, TicketRecord
from storage.refs import TicketRef

#: What someone typed about their problem is kept to this many characters with an outcome.
TEXT_MAX = 300


def tried_note(title: str) -> str:
    """The line a request raised after self-help carries, in its description and its history."""
    return f"Tried self-help: {title}"


async def import_articles(
    s: AsyncSession, articles: Sequence[ArticleInput], now: datetime, *, prune: bool, actor_key: str | None
) -> KbImportResult:
    """Upsert by slug, all in the caller's transaction. An article whose content is unchanged is not touched;
    articles the files do not have are kept unless `prune`. actor_key: an admin (None: the command line)."""
    if actor_key is not None:
        actor = await users.by_key(s, actor_key)
        if actor is None or not actor.is_admin:
            raise PermissionDenied("import_articles", "admin", user_key=actor_key)
    stored = {a.slug: a for a in (await s.scalars(select(m.KbArticle))).all()}
    added: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    for article in articles:
        values = dict(
            title=article.title,
            summary=article.summary,
            keywords=list(article.keywords),
            categories=list(article.categories),
            councils=list(article.councils),
            body=article.body,
            content_hash=article.content_hash,
        )
        row = stored.get(article.slug)
        if row is None:
            s.add(m.KbArticle(slug=article.slug, updated_at=now, **values))
            added.append(article.slug)
        elif row.content_hash != article.content_hash:
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = now
            updated.append(article.slug)
        else:
            unchanged.append(article.slug)
    given = {a.slug for a in articles}
    absent = tuple(sorted(slug for slug in stored if slug not in given))
    if prune and absent:
        await s.execute(delete(m.KbArticle).where(m.KbArticle.slug.in_(absent)))
    await s.flush()
    return KbImportResult(
        added=tuple(added),
        updated=tuple(updated),
        unchanged=tuple(unchanged),
        removed=absent if prune else (),
        kept=() if prune else absent,
    )


async def has_articles(s: AsyncSession) -> bool:
    return bool(await s.scalar(select(exists().where(m.KbArticle.id.is_not(None)))))


async def list_articles(s: AsyncSession) -> list[ArticleRecord]:
    return [article_record(a) for a in (await s.scalars(select(m.KbArticle).order_by(m.KbArticle.slug))).all()]


async def _article(s: AsyncSession, slug: str) -> m.KbArticle:
    row = await s.scalar(select(m.KbArticle).where(m.KbArticle.slug == slug))
    if row is None:
        raise NotFound("article", slug)
    return row


async def get_article(s: AsyncSession, slug: str) -> ArticleRecord:
    return article_record(await _article(s, slug))


def outcome_row(
    article: ArticleRecord,
    person_key: str,
    platform: str,
    text: str,
    outcome: str,
    request_number: int | None,
    now: datetime,
    submission_key: str | None = None,
) -> dict:
    if outcome not in tuple(SelfHelpResult):
        raise InvalidInput("outcome", "unknown", value=outcome, allowed=tuple(SelfHelpResult))
    return dict(
        article_slug=article.slug,
        article_title=article.title,
        person_key=person_key,
        platform=platform[:20],
        text=" ".join(text.split())[:TEXT_MAX],
        outcome=outcome,
        request_id=request_number,
        at=now,
        submission_key=submission_key,
    )


def still_need_help_rows(
    number: int, requester: m.User, article: ArticleRecord, platform: str, text: str, now: datetime
) -> list[tuple[type[m.Base], dict]]:
    """What is written with a request raised after `article` did not fix it: its 'self_help' event (shown in
    the request's history) and the still_need_help outcome."""
    note = f"{tried_note(article.title)} ({article.slug})"
    event = tickets.event_row(number, requester, "self_help", now, note=note)
    outcome = outcome_row(article, requester.key, platform, text, SelfHelpResult.STILL_NEED_HELP, number, now)
    return [(m.TicketEvent, event), (m.SelfHelpOutcome, outcome)]


async def _recorded(s: AsyncSession, submission_key: str | None) -> m.SelfHelpOutcome | None:
    if submission_key is None:
        return None
    return await s.scalar(select(m.SelfHelpOutcome).where(m.SelfHelpOutcome.submission_key == submission_key))


async def record_fixed(
    s: AsyncSession, person_key: str, slug: str, platform: str, text: str, now: datetime, submission_key: str | None
) -> SelfHelpRecord:
    """The article fixed it: a deflection, nothing raised. The same press again records nothing more."""
    earlier = await _recorded(s, submission_key)
    if earlier is not None:
        return self_help_record(earlier)
    if await users.by_key(s, person_key) is None:
        raise NotFound("user", person_key, reason="never_seen")
    article = article_record(await _article(s, slug))
    row = m.SelfHelpOutcome(
        **outcome_row(article, person_key, platform, text, SelfHelpResult.FIXED, None, now, submission_key)
    )
    s.add(row)
    await s.flush()
    return self_help_record(row)


async def withdraw_fixed(
    s: AsyncSession,
    outbox: Outbox,
    ref: TicketRef,
    actor_key: str,
    slug: str,
    platform: str,
    now: datetime,
    submission_key: str | None,
) -> tuple[TicketRecord, SelfHelpRecord]:
    """The article fixed the problem of a request just raised: the requester withdraws it (only they may: see
    tickets.withdraw) and it counts as a deflection, in one transaction. The same press again changes nothing."""
    earlier = await _recorded(s, submission_key)
    if earlier is not None and earlier.request_id is not None:
        ticket, _user, _keys = await tickets.load_visible(s, TicketRef(earlier.request_id), actor_key)
        return ticket_record(ticket), self_help_record(earlier)
    article = article_record(await _article(s, slug))
    withdrawn = await tickets.withdraw(s, outbox, ref, actor_key, tried_note(article.title), now)
    row = m.SelfHelpOutcome(
        **outcome_row(
            article, actor_key, platform, withdrawn.summary, SelfHelpResult.FIXED, ref.number, now, submission_key
        )
    )
    s.add(row)
    await s.flush()
    return withdrawn, self_help_record(row)


async def outcomes_between(s: AsyncSession, start: datetime, end: datetime) -> list[SelfHelpRecord]:
    """Every outcome at or after `start` and before `end`, oldest first."""
    stmt = (
        select(m.SelfHelpOutcome)
        .where(m.SelfHelpOutcome.at >= start, m.SelfHelpOutcome.at < end)
        .order_by(m.SelfHelpOutcome.at, m.SelfHelpOutcome.id)
    )
    return [self_help_record(o) for o in (await s.scalars(stmt)).all()]


async def counts_between(s: AsyncSession, start: datetime, end: datetime) -> list[SelfHelpCount]:
    """Per article, in [start, end): how often it fixed the problem and how often help was still needed; the
    articles that fixed most first, then by slug."""
    o = m.SelfHelpOutcome
    stmt = (
        select(o.article_slug, func.max(o.article_title), o.outcome, func.count())
        .where(o.at >= start, o.at < end)
        .group_by(o.article_slug, o.outcome)
    )
    found: dict[str, list] = {}
    for slug, title, outcome, n in (await s.execute(stmt)).all():
        entry = found.setdefault(slug, [title, 0, 0])
        entry[1 if outcome == SelfHelpResult.FIXED else 2] += n
    counts = [SelfHelpCount(slug, title, fixed, still) for slug, (title, fixed, still) in found.items()]
    return sorted(counts, key=lambda c: (-c.fixed, c.article_slug))
