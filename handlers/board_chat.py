"""`report [board] [COUNCIL] [THEME] [PLAN YEAR]` in chat: the Board report's summary and exceptions; and how
its words are read (also by `ictbot report board`)."""

from __future__ import annotations

from collections.abc import Iterable

from handlers.board_report import BoardScope, counts, exception_lines, subtitle_of
from handlers.context import Context, UsageError
from handlers.formatting import RAG_WORD, clip, day
from handlers.reply import Field, Item, Reply
from handlers.strategy import read_asked
from storage.records import ThemeRecord

BOARD_USAGE = "report [COUNCIL] [THEME] [PLAN YEAR]"
SHOWN = 6
_KEYWORDS = frozenset({"board", "for", "the", "on", "of", "strategy", "plan"})


def board_scope(words: str, themes: Iterable[ThemeRecord], *, strict: bool) -> BoardScope | None:
    """The part of the plan `words` asks for ('Swale RS 2019/20', 'board for swale'). Words that are not a
    council, a theme of this plan or a plan year: UsageError when `strict`, else None (they are something
    else, a problem being reported)."""
    codes = {t.code for t in themes}
    try:
        asked = read_asked(words, _KEYWORDS)
    except UsageError:
        if strict:
            raise
        return None
    theme = asked.theme or (asked.ref.split("-")[0] if asked.ref else None)
    if theme is not None and theme not in codes:
        if strict:
            raise UsageError(f"There is no theme {clip(theme, 8)}; the themes are {', '.join(sorted(codes))}.")
        return None
    return BoardScope(council=asked.scope.council, theme=theme, plan_year=asked.scope.plan_year)


async def board(ctx: Context, scope: BoardScope) -> Reply:
    data = await ctx.store.board_data(ctx.now)
    rows = [a for a in data.rows if scope.keeps(a)]
    c = counts(rows, data.as_at)
    every = exception_lines(data, scope)
    lines, total = every[:SHOWN], len(every)
    items = tuple(
        Item(
            title=f"{a.ref} {a.title}",
            text=f"{a.owner}: {why}."
            + (
                f" Latest: \u201c{clip(a.narrative, 160)}\u201d ({day(a.narrative_at.date())})"
                if a.narrative_at
                else ""
            ),
            rag=a.rag,
        )
        for a, why in lines
    )
    where = f" ({scope.words()})" if scope.words() else ""
    return Reply(
        title=f"Board report{where}",
        text=f"{subtitle_of(data)} {c.total} actions: {c.complete} complete ({c.percent_complete}%); "
        f"{total} red, blocked or overdue" + (", the first below." if items else "."),
        fields=(
            Field(
                "Red / Amber / Green",
                f"{c.red} {RAG_WORD['red']}, {c.amber} {RAG_WORD['amber']}, {c.green} {RAG_WORD['green']}",
            ),
            Field("Overdue", str(c.overdue)),
            Field("Blocked", str(c.blocked)),
            Field("Average progress", f"{c.average_progress}%"),
        ),
        items=items,
        more=max(0, total - len(items)),
        more_hint="actions overdue" if total > len(items) else None,
        footer="The full report (summary by theme, exceptions, movement since the last Board, councils, charts): "
        "ictbot report board --format html|md|csv|pdf",
    )
