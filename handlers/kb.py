"""Knowledge articles in chat: `kb WORDS` finds them, `kb` lists them, `kb SLUG` shows one; and the buttons that
go with an offered article ("That fixed it", "Still need help", "That fixed it, withdraw ICT-n"), answered by the
hidden `selfhelp` command."""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers.context import Context, UsageError
from handlers.formatting import clip
from handlers.kb_search import Match, search
from handlers.nlu import guess
from handlers.registry import Command
from handlers.reply import Button, Item, Reply, Tone
from storage import TicketRecord, TicketRef
from storage.enums import Category
from storage.kb_file import KbProblem, KbProblemCode
from storage.records import ArticleRecord, KbImportResult

#: Articles listed by `kb WORDS`, and offered with a problem told in conversation or raised with `support`.
SHOWN = 3
OFFERED = 2
#: Characters of an article's text in a list, and when it is shown alone.
EXCERPT = 600
FULL = 2800
#: Characters of what was typed carried in a button's value (the rest of the value is the command's).
BUTTON_TEXT = 1500

_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_EMPHASIS = re.compile(r"(\*\*|__|`)(.+?)\1")
_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_BULLET = re.compile(r"^(\s*)[-*+]\s+", re.MULTILINE)
_ITEM = re.compile(r"(?:\u2022|\d+[.)])\s")


def plain_text(markdown: str) -> str:
    """An article's Markdown as the plain text every channel shows (renderers escape it): no emphasis marks,
    links as 'text (address)', bullets as •, numbered steps as they are."""
    text = _LINK.sub(lambda m: m[1] if m[1] == m[2] else f"{m[1]} ({m[2]})", markdown)
    text = _EMPHASIS.sub(r"\2", text)
    text = _HEADING.sub("", text)
    text = _BULLET.sub(r"\1• ", text)
    lines: list[str] = []
    for line in text.split("\n"):  # a paragraph or a step wrapped over several lines is one line
        stripped = line.strip()
        if lines and stripped and lines[-1] and not _ITEM.match(stripped):
            lines[-1] = f"{lines[-1]} {stripped}"
        else:
            lines.append(stripped)
    return "\n".join(lines).strip()


def excerpt(article: ArticleRecord, limit: int = EXCERPT) -> str:
    """The summary and as many whole lines of the text as fit in `limit` characters."""
    shown = [article.summary] if article.summary else []
    size = len(article.summary)
    lines = [line for line in plain_text(article.body).split("\n") if line.strip()]
    for i, line in enumerate(lines):
        if size + len(line) + 1 > limit:
            shown.append(clip(line, max(limit - size, 40)) if i == 0 else "\u2026")
            break
        shown.append(line)
        size += len(line) + 1
    return "\n".join(shown)


async def find(ctx: Context, text: str, limit: int = SHOWN) -> list[Match]:
    """The articles that fit what was typed, for this person (their council, if known)."""
    articles = await ctx.store.list_articles()
    if not articles:
        return []
    return search(articles, text, category=guess(text)[0], council=ctx.user.council, limit=limit)


def is_security(article: ArticleRecord) -> bool:
    return Category.SECURITY.value in article.categories


def self_help_items(matches: Sequence[Match], text: str) -> tuple[Item, ...]:
    """Offered articles, each with "That fixed it" and "Still need help" (an article about a security incident:
    only "Report it now", which raises it at P1)."""
    typed = clip(text, BUTTON_TEXT)
    items = []
    for match in matches:
        a = match.article
        still = Button("Still need help", "selfhelp", f"still {a.slug} {typed}", style="primary")
        if is_security(a):
            buttons = (Button("Report it now", "selfhelp", f"still {a.slug} {typed}", style="danger"),)
        else:
            buttons = (Button("That fixed it", "selfhelp", f"fixed {a.slug} {typed}"), still)
        items.append(Item(title=a.title, text=excerpt(a), buttons=buttons))
    return tuple(items)


def withdraw_items(matches: Sequence[Match], ticket: TicketRecord) -> tuple[Item, ...]:
    """Articles shown with a request just raised, each with a button that withdraws it because the article
    fixed the problem."""
    return tuple(
        Item(
            title=m.article.title,
            text=excerpt(m.article),
            buttons=(
                Button(f"That fixed it, withdraw {ticket.ref}", "selfhelp", f"withdraw {ticket.ref} {m.article.slug}"),
            ),
        )
        for m in matches
    )


_PROBLEM_WORDS = {
    KbProblemCode.BAD_NAME: "the file name is not a slug (lower-case letters, digits and hyphens, ending .md; "
    "not {allowed})",
    KbProblemCode.TOO_BIG: "the file is larger than {limit:,} bytes",
    KbProblemCode.NOT_TEXT: "the file is not UTF-8 text",
    KbProblemCode.NO_FRONT_MATTER: "no front matter: the file must start with a line '---', the fields, and '---'",
    KbProblemCode.BAD_YAML: "the front matter is not valid YAML ({detail})",
    KbProblemCode.NOT_A_MAPPING: "the front matter must be fields such as 'title: ...'",
    KbProblemCode.UNKNOWN_FIELD: "unknown field '{field}' in the front matter (the fields are {allowed})",
    KbProblemCode.MISSING: "missing {field}",
    KbProblemCode.NOT_TEXT_FIELD: "{field} must be one line of text",
    KbProblemCode.NOT_A_LIST: "{field} must be a list, such as [one, two]",
    KbProblemCode.TOO_LONG: "{field} is longer than {limit:,}",
    KbProblemCode.UNKNOWN_CATEGORY: "unknown category '{value}' (the categories are {allowed})",
    KbProblemCode.UNKNOWN_COUNCIL: "unknown council '{value}' (give {allowed})",
    KbProblemCode.NO_ARTICLES: "no articles: the directory has no .md files",
    KbProblemCode.NOT_A_DIRECTORY: "not a directory",
}


def kb_problem_text(problem: KbProblem) -> str:
    """One line for one problem of an article file, starting with the file's name."""
    wording = _PROBLEM_WORDS.get(problem.code, "cannot be read ({code})")
    said = wording.format(
        field=problem.field or "",
        value=problem.value or "",
        allowed=", ".join(problem.allowed),
        limit=problem.limit or 0,
        detail=problem.detail or "",
        code=problem.code,
    )
    if problem.code == KbProblemCode.TOO_LONG and problem.field == "keywords" and problem.value:
        said = f"keyword '{problem.value}' is longer than {problem.limit} characters"
    return f"{problem.file}: {said}"


def import_summary_text(result: KbImportResult, source: str) -> str:
    """What an import of articles did (or would do, for a dry run)."""
    lines = [f"{source}: " + ("dry run, nothing changed. It would import:" if result.dry_run else "imported:")]
    for label, slugs in (
        ("added", result.added),
        ("updated", result.updated),
        ("unchanged", result.unchanged),
        ("removed", result.removed),
        ("kept (not in the directory; --prune removes them)", result.kept),
    ):
        if slugs or label in ("added", "updated", "unchanged"):
            lines.append(
                f"  {len(slugs)} {label}" + (f": {', '.join(slugs)}" if slugs and label != "unchanged" else "")
            )
    return "\n".join(lines)


def _shown(article: ArticleRecord) -> Reply:
    return Reply(
        title=article.title,
        text="\n\n".join(p for p in (article.summary, plain_text(article.body)) if p)[:FULL],
        buttons=(Button("Ask ICT for help", "support"),),
    )


async def kb(ctx: Context, rest: str) -> Reply:
    text = " ".join(rest.split())
    if not text or text.lower() == "list":
        articles = await ctx.store.list_articles()
        if not articles:
            return Reply(text="There are no help articles yet. Tell me what's wrong and I'll raise a request.")
        return Reply(
            title="Help articles",
            text="Type 'kb' and a few words about the problem to find the right one, or choose one.",
            items=tuple(Item(title=a.title, text=a.summary, buttons=(Button("Show", "kb", a.slug),)) for a in articles),
        )
    articles = {a.slug: a for a in await ctx.store.list_articles()}
    if text.lower() in articles:
        return _shown(articles[text.lower()])
    matches = search(tuple(articles.values()), text, category=guess(text)[0], council=ctx.user.council, limit=SHOWN)
    if not matches:
        return Reply(
            tone=Tone.WARNING,
            text=f"I found no help article about \u201c{clip(text, 80)}\u201d. Shall I raise a request with the "
            "service desk instead? Or type 'kb' to see every article.",
            buttons=(Button("Create request", "support", clip(text, BUTTON_TEXT), style="primary"),),
        ).offering()
    return Reply(
        title=f"Help articles for \u201c{clip(text, 60)}\u201d",
        text="The best matches first. If none of them fixes it, press Still need help and I'll raise a request.",
        items=self_help_items(matches, text),
    )


async def selfhelp(ctx: Context, rest: str) -> Reply:
    """What a person said about an offered article, from its buttons."""
    verb, _, more = rest.strip().partition(" ")
    if verb == "fixed":
        slug, _, text = more.strip().partition(" ")
        if not slug:
            raise UsageError("Which article fixed it?", "selfhelp")
        await ctx.store.record_self_help_fixed(
            ctx.user.key, slug, platform=ctx.origin.platform, text=text, submission_key=ctx.submission, now=ctx.clock()
        )
        return Reply(
            tone=Tone.SUCCESS,
            text=f"Glad that sorted it, {ctx.user.display_name.split(' ')[0]}. I haven't raised a request. If the "
            "problem comes back, tell me here and I'll raise one.",
        )
    if verb == "still":
        from handlers.support import raise_request, security_incident  # support imports this module

        slug, _, text = more.strip().partition(" ")
        if not slug:
            raise UsageError("Which article did you try?", "selfhelp")
        article = await ctx.store.get_article(slug)
        text = text.strip() or article.title
        if is_security(article):
            return await security_incident(ctx, text, tried=article)
        return await raise_request(ctx, text, tried=article)
    if verb == "withdraw":
        ref_text, _, slug = more.strip().partition(" ")
        if not ref_text or not slug.strip():
            raise UsageError("Which request, and which article fixed it?", "selfhelp")
        ticket, _outcome = await ctx.store.withdraw_fixed_by_self_help(
            TicketRef.parse(ref_text),
            ctx.user.key,
            slug.strip(),
            platform=ctx.origin.platform,
            submission_key=ctx.submission,
            now=ctx.clock(),
        )
        return Reply(
            tone=Tone.SUCCESS,
            text=f"Glad that sorted it. {ticket.ref} is withdrawn and closed; the service desk needn't look at it. "
            "If the problem comes back, tell me here.",
        )
    raise UsageError("Those are the words of an article's buttons: press one of them.", "selfhelp")


COMMANDS = (
    Command(
        "kb",
        kb,
        "kb [WORDS|ARTICLE]",
        "kb vpn keeps dropping",
        "Find help articles to fix a problem yourself",
        aliases=("articles", "guides"),
        reads_only=True,
    ),
    Command(
        "selfhelp",
        selfhelp,
        "selfhelp fixed|still ARTICLE TEXT, selfhelp withdraw REF ARTICLE",
        "selfhelp fixed vpn-keeps-dropping my vpn keeps dropping",
        "Say whether a help article fixed the problem (its buttons)",
        hidden=True,
    ),
)
