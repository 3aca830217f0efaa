"""The Board report: how the ICT Strategy stands, for the MKS Shared Services Board. A summary per theme in the
strategy's order, the exceptions (red, blocked or overdue, with the owner's latest narrative and for how
long), the movement since the last Board, the split by partner council, and two charts with their numbers.

Made from storage.snapshots.BoardData as a neutral Document (written out by bot.reports) and, in chat, as a
summary Reply."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from handlers.formatting import RAG_WORD, day, long_day, plural
from handlers.report_doc import BarChart, Document, Figure, Section, Series, Table
from storage.enums import ALL_COUNCILS, CLOSED_ACTION_STATUSES, ActionStatus
from storage.records import BoardAction, BoardData, ThemeRecord

#: RAG colours for the charts, each with 3:1 or more against white (the words are in the table beside).
RAG_COLOUR = {"red": "#b3261e", "amber": "#b25e00", "green": "#2e7d32"}
RAG_ORDER = ("red", "amber", "green")
_RAG_RANK = {"red": 0, "amber": 1, "green": 2}


@dataclass(frozen=True, slots=True)
class BoardScope:
    """Which part of the plan the report covers."""

    council: str | None = None
    theme: str | None = None
    plan_year: str | None = None

    def keeps(self, a: BoardAction) -> bool:
        return (
            (self.council is None or self.council in a.partners)
            and (self.theme is None or a.theme_code == self.theme)
            and (self.plan_year is None or a.plan_year == self.plan_year)
        )

    def words(self) -> str:
        parts = [self.council or "", f"theme {self.theme}" if self.theme else "", self.plan_year or ""]
        return ", ".join(p for p in parts if p)


# ------------------------------------------------------------ the figures


def is_open(a: BoardAction) -> bool:
    return a.status not in CLOSED_ACTION_STATUSES


def is_overdue(a: BoardAction, on: date) -> bool:
    return is_open(a) and a.due is not None and a.due < on


def exception_reasons(a: BoardAction, on: date) -> list[str]:
    reasons = []
    if a.rag == "red" and is_open(a):
        reasons.append("red")
    if a.status == ActionStatus.BLOCKED.value:
        reasons.append("blocked")
    if is_overdue(a, on):
        reasons.append("overdue")
    return reasons


@dataclass(frozen=True, slots=True)
class Counts:
    total: int
    red: int
    amber: int
    green: int
    complete: int
    overdue: int
    blocked: int
    flagged: int
    average_progress: int

    @property
    def percent_complete(self) -> int:
        return round(100 * self.complete / self.total) if self.total else 0


def counts(rows: Iterable[BoardAction], on: date) -> Counts:
    rows = list(rows)
    return Counts(
        total=len(rows),
        red=sum(a.rag == "red" for a in rows),
        amber=sum(a.rag == "amber" for a in rows),
        green=sum(a.rag == "green" for a in rows),
        complete=sum(a.status == ActionStatus.COMPLETE.value for a in rows),
        overdue=sum(is_overdue(a, on) for a in rows),
        blocked=sum(a.status == ActionStatus.BLOCKED.value for a in rows),
        flagged=sum(a.flagged for a in rows),
        average_progress=round(sum(a.progress for a in rows) / len(rows)) if rows else 0,
    )


def span_words(start: date, end: date) -> str:
    """'3 days', '5 weeks', '4 months'."""
    days = max(0, (end - start).days)
    if days < 14:
        return plural(days, "day")
    if days < 91:
        return plural(days // 7, "week")
    return plural(round(days / 30.44), "month")


def how_long(a: BoardAction, on: date) -> str:
    """For how long it has been red, blocked or overdue, in words."""
    parts = []
    if a.rag == "red" and is_open(a):
        parts.append(f"red for {span_words(a.red_since.date(), on)}" if a.red_since else "red since the plan was set")
    if a.status == ActionStatus.BLOCKED.value:
        parts.append(f"blocked for {span_words(a.blocked_since.date(), on)}" if a.blocked_since else "blocked")
    if is_overdue(a, on) and a.due is not None:
        parts.append(f"overdue by {span_words(a.due, on)} (due {day(a.due)})")
    return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Movement:
    completed: tuple[BoardAction, ...]
    better: tuple[tuple[BoardAction, str], ...]  # (action now, RAG at the last Board)
    worse: tuple[tuple[BoardAction, str], ...]
    new: tuple[BoardAction, ...]
    retired: tuple[BoardAction, ...]


def movement(now: Iterable[BoardAction], before: Iterable[BoardAction]) -> Movement:
    was = {(a.ref, a.plan_year): a for a in before}
    is_ = {(a.ref, a.plan_year): a for a in now}
    completed, better, worse, new = [], [], [], []
    for key, a in is_.items():
        old = was.get(key)
        if old is None:
            new.append(a)
            continue
        if a.status == ActionStatus.COMPLETE.value and old.status != ActionStatus.COMPLETE.value:
            completed.append(a)
        if a.rag in _RAG_RANK and old.rag in _RAG_RANK and a.rag != old.rag:
            (better if _RAG_RANK[a.rag] > _RAG_RANK[old.rag] else worse).append((a, old.rag))
    retired = [a for key, a in was.items() if key not in is_]
    return Movement(tuple(completed), tuple(better), tuple(worse), tuple(new), tuple(retired))


# ------------------------------------------------------------ the document


def title_of(scope: BoardScope) -> str:
    where = f": {scope.words()}" if scope.words() else ""
    return f"ICT Strategy: report to the MKS Shared Services Board{where}"


def subtitle_of(data: BoardData) -> str:
    source = (
        f"from the snapshot of {long_day(data.snapshot_on, weekday=False)}"
        if data.snapshot_on
        else "the plan as it stands"
    )
    nxt = f" Next Board: {long_day(data.next_board)}." if data.next_board else ""
    return f"As at {long_day(data.as_at, weekday=False)} ({source}).{nxt}"


def summary_figures(c: Counts, data: BoardData) -> tuple[Figure, ...]:
    return (
        Figure("Actions", str(c.total), str(c.total), "count"),
        Figure("Complete", f"{c.complete} ({c.percent_complete}%)", str(c.complete), "count"),
        Figure("Red / Amber / Green", f"{c.red} / {c.amber} / {c.green}", f"{c.red}/{c.amber}/{c.green}", "count"),
        Figure("Overdue", str(c.overdue), str(c.overdue), "count"),
        Figure("Blocked", str(c.blocked), str(c.blocked), "count"),
        Figure("Average progress", f"{c.average_progress}%", str(c.average_progress), "percent"),
        Figure("Next Board", long_day(data.next_board) if data.next_board else "none set"),
    )


def _count_row(label: str, c: Counts) -> tuple[str, ...]:
    return (
        label,
        str(c.total),
        str(c.red),
        str(c.amber),
        str(c.green),
        str(c.complete),
        f"{c.percent_complete}%",
        str(c.overdue),
    )


COUNT_COLUMNS = ("Actions", "Red", "Amber", "Green", "Complete", "% complete", "Overdue")


def theme_table(themes: Iterable[ThemeRecord], rows: list[BoardAction], on: date) -> Table:
    body = [_count_row(f"{t.code} {t.name}", counts((a for a in rows if a.theme_code == t.code), on)) for t in themes]
    body.append(_count_row("All themes", counts(rows, on)))
    return Table("By theme", ("Theme", *COUNT_COLUMNS), tuple(body))


def council_table(rows: list[BoardAction], on: date) -> Table:
    body = [_count_row(str(c), counts((a for a in rows if c.value in a.partners), on)) for c in ALL_COUNCILS]
    body.append(_count_row("Shared total (every action once)", counts(rows, on)))
    return Table("By partner council", ("Council", *COUNT_COLUMNS), tuple(body))


def exceptions_table(rows: list[BoardAction], on: date) -> Table:
    body = []
    for a in rows:
        if not exception_reasons(a, on):
            continue
        narrative = (
            f"{a.narrative} ({day(a.narrative_at.date())})" if a.narrative and a.narrative_at else "no update yet"
        )
        body.append((f"{a.ref} {a.title}", a.owner, RAG_WORD.get(a.rag, a.rag), a.status, how_long(a, on), narrative))
    return Table(
        "Red, blocked or overdue", ("Action", "Owner", "RAG", "Status", "For how long", "Latest narrative"), tuple(body)
    )


def movement_section(data: BoardData, scope: BoardScope, rows: list[BoardAction]) -> Section:
    heading = "Movement since the last Board"
    if data.previous_board is None:
        return Section(heading, text="There is no snapshot of an earlier Board meeting to compare with yet.")
    moved = movement(rows, [a for a in data.previous_rows if scope.keeps(a)])

    def named(a: BoardAction) -> str:
        return f"{a.ref} {a.title}"

    body = [("Completed", named(a), "") for a in moved.completed]
    body += [
        ("RAG better", named(a), f"{RAG_WORD.get(old, old)} to {RAG_WORD.get(a.rag, a.rag)}") for a, old in moved.better
    ]
    body += [
        ("RAG worse", named(a), f"{RAG_WORD.get(old, old)} to {RAG_WORD.get(a.rag, a.rag)}") for a, old in moved.worse
    ]
    body += [("New", named(a), "") for a in moved.new]
    body += [("Retired", named(a), "") for a in moved.retired]
    text = (
        f"Since the Board of {long_day(data.previous_board, weekday=False)}: {plural(len(moved.completed), 'action')} "
        f"completed, {len(moved.better)} better and {len(moved.worse)} worse on RAG, {len(moved.new)} new, "
        f"{len(moved.retired)} retired."
    )
    table = Table("What moved", ("Change", "Action", "RAG"), tuple(body)) if body else None
    return Section(heading, text=text, tables=(table,) if table else ())


def rag_chart(themes: tuple[ThemeRecord, ...], rows: list[BoardAction], on: date) -> BarChart:
    per = [counts((a for a in rows if a.theme_code == t.code), on) for t in themes]
    reddest = max(zip(themes, per, strict=True), key=lambda tc: tc[1].red, default=None)
    summary = f"{sum(c.red for c in per)} red, {sum(c.amber for c in per)} amber and {sum(c.green for c in per)} green actions across {len(themes)} themes"
    if reddest and reddest[1].red:
        summary += f"; most red in {reddest[0].code} ({reddest[1].red})"
    return BarChart(
        title="RAG by theme",
        summary=summary + ".",
        labels=tuple(t.code for t in themes),
        series=tuple(Series(RAG_WORD[r], tuple(getattr(c, r) for c in per), RAG_COLOUR[r]) for r in RAG_ORDER),
        label_heading="Theme",
        stacked=True,
    )


def trend_chart(data: BoardData, scope: BoardScope, rows: list[BoardAction]) -> BarChart:
    points = [(p.on, counts((a for a in p.rows if scope.keeps(a)), p.on)) for p in data.trend]
    if data.snapshot_on is None:  # today's figures close the series
        points.append((data.as_at, counts(rows, data.as_at)))
    labels = tuple(f"{d:%d %b %Y}" for d, _ in points)
    values = tuple(c.percent_complete for _, c in points)
    if len(points) > 1:
        summary = f"{values[0]}% of actions complete on {labels[0]}, {values[-1]}% on {labels[-1]}."
    else:
        summary = f"{values[-1]}% of actions complete on {labels[-1]}; earlier figures come from snapshots."
    return BarChart("% complete over time", summary, labels, (Series("% complete", values, "#1d4f91"),), "Date")


CSV_COLUMNS = (
    "Ref",
    "Plan year",
    "Theme",
    "Action",
    "Owner",
    "Councils",
    "Due",
    "Status",
    "RAG",
    "Progress %",
    "Overdue",
    "Flagged",
    "Exception",
    "For how long",
    "Latest narrative",
    "Narrative date",
)


def action_rows(rows: list[BoardAction], on: date) -> Table:
    body = tuple(
        (
            a.ref,
            a.plan_year,
            a.theme_code,
            a.title,
            a.owner,
            "; ".join(a.partners),
            a.due.isoformat() if a.due else "",
            a.status,
            RAG_WORD.get(a.rag, a.rag),
            str(a.progress),
            "yes" if is_overdue(a, on) else "no",
            "yes" if a.flagged else "no",
            ", ".join(exception_reasons(a, on)),
            how_long(a, on),
            a.narrative,
            a.narrative_at.date().isoformat() if a.narrative_at else "",
        )
        for a in rows
    )
    return Table("Actions", CSV_COLUMNS, body)


NOTES = (
    "RAG is as the action's owner last stated it. % complete: the share of actions whose status is complete.",
    "Overdue: open (not complete, not carried forward) and past its due date on the report's date.",
    "Red for: since the owner's unbroken run of red updates began. The latest narrative is the owner's last "
    "progress note.",
    "Councils: an action shared by several partner councils counts under each of them; the shared total counts "
    "it once.",
    "Figures as at an earlier date, the movement since the last Board and the trend come from snapshots kept at "
    "each Board meeting and at the end of each month.",
)


def board_document(data: BoardData, scope: BoardScope) -> Document:
    rows = [a for a in data.rows if scope.keeps(a)]
    themes = tuple(t for t in data.themes if scope.theme is None or t.code == scope.theme)
    on = data.as_at
    exceptions = exceptions_table(rows, on)
    return Document(
        title=title_of(scope),
        subtitle=subtitle_of(data),
        figures=summary_figures(counts(rows, on), data),
        sections=(
            Section("Summary by theme", tables=(theme_table(themes, rows, on),), chart=rag_chart(themes, rows, on)),
            Section(
                "Exceptions",
                text=f"{plural(len(exceptions.rows), 'action')} red, blocked or overdue."
                if exceptions.rows
                else "No action is red, blocked or overdue.",
                tables=(exceptions,) if exceptions.rows else (),
            ),
            movement_section(data, scope, rows),
            Section("By partner council", tables=(council_table(rows, on),)),
            Section("Progress over time", chart=trend_chart(data, scope, rows)),
        ),
        notes=NOTES,
        rows=action_rows(rows, on),
    )


def exception_lines(data: BoardData, scope: BoardScope) -> list[tuple[BoardAction, str]]:
    """The red, blocked or overdue actions in `scope`, each with for how long, in the strategy's order."""
    on = data.as_at
    return [(a, how_long(a, on)) for a in data.rows if scope.keeps(a) and exception_reasons(a, on)]
