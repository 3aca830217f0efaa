"""The desk report: `report desk [--council NAME] [--month YYYY-MM]` in chat (the desk, leads and admins),
and the document `ictbot report desk` writes out as HTML, Markdown, CSV or PDF. The figures and what they mean
are storage.desk_report's; here they are put into words."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.board_chat import BOARD_USAGE, board, board_scope
from handlers.board_report import BoardScope
from handlers.context import Context, UsageError
from handlers.formatting import clip, plural
from handlers.registry import Command
from handlers.reply import Field, Item, Reply
from handlers.report_doc import BarChart, Document, Figure, Section, Series, Table
from handlers.support import SETTING_CHOICES, support
from handlers.ticket_cards import SCORE_WORDS
from handlers.vocabulary import council_of
from storage.desk_report import NOT_RECORDED, DeskReport, Split
from storage.enums import ALL_COUNCILS
from storage.ratings import SCORES
from storage.schedule import DEFAULT_TIMEZONE

USAGE = f"{BOARD_USAGE} | report desk [--council NAME] [--month YYYY-MM]"
MONTH_HELP = "a month like 2026-11, 'November 2026', 'last month' or 'this month'"
COUNCIL_HELP = ", ".join(c.value for c in ALL_COUNCILS)
_MONTH_NAMES = {name.lower(): n for n, name in enumerate(calendar.month_name) if name} | {
    name.lower(): n for n, name in enumerate(calendar.month_abbr) if name
}
_ISO_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})")
_FILLER = {"for", "in", "of", "the", "report", "council"}


@dataclass(frozen=True, slots=True)
class DeskPeriod:
    """A calendar month in the councils' time, cut at `now` when it is the current month."""

    year: int
    month: int
    start: datetime
    end: datetime
    to_date: bool

    @property
    def label(self) -> str:
        return f"{calendar.month_name[self.month]} {self.year}" + (" (to date)" if self.to_date else "")

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def month_period(year: int, month: int, now: datetime, timezone: str = DEFAULT_TIMEZONE) -> DeskPeriod:
    """The month as a period; ValueError for one that has not started yet."""
    zone = ZoneInfo(timezone)
    start = datetime(year, month, 1, tzinfo=zone)
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    if start > now:
        raise ValueError(f"{calendar.month_name[month]} {year} has not started yet")
    end = min(following, now)
    return DeskPeriod(year, month, start.astimezone(UTC), end.astimezone(UTC), to_date=following > now)


def month_of(text: str, now: datetime) -> tuple[int, int] | None:
    """'2026-11', 'November 2026', 'nov', 'last month', 'this month' -> (year, month); None otherwise. A month
    named without a year is the latest one that has started."""
    words = text.lower().split()
    local = now.astimezone(ZoneInfo(DEFAULT_TIMEZONE))
    if words == ["this", "month"]:
        return local.year, local.month
    if words == ["last", "month"]:
        return (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    if len(words) == 1 and (iso := _ISO_MONTH.fullmatch(words[0])):
        year, month = int(iso["year"]), int(iso["month"])
        return (year, month) if 1 <= month <= 12 else None
    if words and words[0] in _MONTH_NAMES and len(words) <= 2:
        month = _MONTH_NAMES[words[0]]
        if len(words) == 2:
            return (int(words[1]), month) if words[1].isdigit() and len(words[1]) == 4 else None
        return (local.year, month) if month <= local.month else (local.year - 1, month)
    return None


#: Any moment: whether words name a month does not depend on when they are read (only which year does).
_ANY_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)


def month_in(text: str) -> str | None:
    """The words of `text` that name a month ('last month', 'November 2026', '2026-11'), for
    `report desk`; None when none do."""
    words = [w.strip(",.?!;:") for w in text.split()]
    found = _take(words, 2, lambda phrase: month_of(phrase, _ANY_MOMENT) is not None)
    return " ".join(found) or None


def desk_arguments(rest: str, now: datetime) -> tuple[str | None, DeskPeriod]:
    """`[--council NAME] [--month YYYY-MM]`, or the same words without the dashes in any order: the council
    (or None for all) and the month (this month when not given). UsageError naming what was not understood."""
    council_words: list[str] = []
    month_words: list[str] = []
    loose: list[str] = []
    target = loose
    flags: list[str] = []
    for word in rest.split():
        if word.lower() in ("--council", "--month"):
            target = council_words if word.lower() == "--council" else month_words
            flags.append(word.lower())
            continue
        target.append(word)
    if "--council" in flags and not council_words:
        raise UsageError(f"Which council? {COUNCIL_HELP}.", "report")
    if "--month" in flags and not month_words:
        raise UsageError(f"Which month? Give {MONTH_HELP}.", "report")
    loose = [w for w in loose if w.lower() not in _FILLER]
    if loose and not month_words:  # the month in plain words among the rest: the words that read as one
        month_words = _take(loose, 2, lambda words: month_of(words, now) is not None)
    if loose and not council_words:
        council_words = _take(loose, 3, lambda words: council_of(words) is not None) or loose[:]
        loose = [] if council_words == loose else loose
    if loose:
        raise UsageError(f"I didn't understand '{clip(' '.join(loose), 40)}'.", "report")
    council = None
    if council_words:
        council = council_of(" ".join(council_words))
        if council is None:
            named = clip(" ".join(council_words), 40)
            raise UsageError(f"'{named}' is not one of the councils ({COUNCIL_HELP}).", "report")
    month = month_of(" ".join(month_words), now) if month_words else month_of("this month", now)
    if month is None:
        raise UsageError(f"'{clip(' '.join(month_words), 30)}' is not {MONTH_HELP}.", "report")
    try:
        return council, month_period(*month, now)
    except ValueError as e:
        raise UsageError(f"{e}: give {MONTH_HELP}.", "report") from None


def _take(words: list[str], longest: int, fits) -> list[str]:
    """The first run of `words` (the longest first) that `fits`, taken out of `words`; [] when none does."""
    for size in range(longest, 0, -1):
        for i in range(len(words) - size + 1):
            if fits(" ".join(words[i : i + size])):
                run = words[i : i + size]
                del words[i : i + size]
                return run
    return []


async def report(ctx: Context, rest: str) -> Reply:
    """`report desk ...`: the desk report. `report [board] [COUNCIL] [THEME] [PLAN YEAR]`: the Board report's
    summary. Anything else is a problem being reported, raised as `support` raises it ("report my printer is
    jammed")."""
    kind, _, more = rest.strip().partition(" ")
    if kind.lower() == "board":
        return await board(ctx, board_scope(more, await ctx.store.list_themes(), strict=True) or BoardScope())
    if kind.lower() != "desk":
        scope = board_scope(rest, await ctx.store.list_themes(), strict=False)
        return await (board(ctx, scope) if scope is not None else support(ctx, rest))
    council, period = desk_arguments(more, ctx.now)
    figures = await ctx.store.desk_report(period.start, period.end, council=council, viewer_key=ctx.user.key)
    return desk_reply(figures, period)


# ------------------------------------------------------------ words for the figures


def duration(seconds: float | None) -> str:
    """Business time: '45 min', '3 h 20 min', or 'none measured'."""
    if seconds is None:
        return "none measured"
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    return " ".join(part for part in (hours and f"{hours} h", minutes and f"{minutes} min") if part)


def share(part: int, whole: int) -> str:
    """'35 of 38 (92%)', or '0 of 0' with no share when there is nothing to share."""
    return f"{part} of {whole}" + (f" ({part / whole:.0%})" if whole else "")


def satisfaction_text(r: DeskReport) -> str:
    if r.average_rating is None:
        return "no ratings"
    return f"{r.average_rating:.1f} out of 5 from {plural(r.rated, 'rating')}"


def deflection_text(r: DeskReport) -> str:
    offered = r.deflected + r.still_needed_help
    said = f"{r.deflected} fixed by an article"
    return said + (f" ({r.deflected} of the {offered} who answered, {r.deflected / offered:.0%})" if offered else "")


def _split_label(split: Split) -> str:
    return "Not recorded" if split.key == NOT_RECORDED else split.key[:1].upper() + split.key[1:]


def _setting_label(split: Split) -> str:
    return SETTING_CHOICES.get(split.key) or _split_label(split)


def headline_figures(r: DeskReport) -> tuple[Figure, ...]:
    def fraction(part: int, whole: int) -> str:
        return f"{part / whole:.4f}" if whole else ""

    def hours(seconds: float | None) -> str:
        return "" if seconds is None else f"{seconds / 3600:.2f}"

    average = "" if r.average_rating is None else f"{r.average_rating:.2f}"
    return (
        Figure("Raised", str(r.raised)),
        Figure("Resolved", str(r.resolved)),
        Figure(
            "Resolved within target", share(r.within_target, r.resolved), fraction(r.within_target, r.resolved), "share"
        ),
        Figure(
            "Median first response (business hours)",
            duration(r.median_first_response),
            hours(r.median_first_response),
            "hours",
        ),
        Figure("Median time to resolve (business hours)", duration(r.median_resolve), hours(r.median_resolve), "hours"),
        Figure(
            "First-contact resolution",
            share(r.first_contact, r.resolved),
            fraction(r.first_contact, r.resolved),
            "share",
        ),
        Figure("Reopened", share(r.reopened, r.resolved), fraction(r.reopened, r.resolved), "share"),
        Figure("Satisfaction", satisfaction_text(r), average, "average score"),
        Figure("Self-help", deflection_text(r), str(r.deflected), "deflections"),
    )


def title_of(r: DeskReport, period: DeskPeriod) -> str:
    return f"Service desk report: {period.label}" + (f", {r.council}" if r.council else "")


def desk_reply(r: DeskReport, period: DeskPeriod) -> Reply:
    sla_lines = "\n".join(
        f"{row.priority} (target {row.target}): {share(row.within, row.resolved)}" for row in r.sla if row.resolved
    )
    raised = "\n".join(f"{_split_label(s)}: {s.count}" for s in r.by_category if s.count)
    councils = "\n".join(f"{_split_label(s)}: {s.count}" for s in r.by_council if s.count)
    settings = "\n".join(f"{_setting_label(s)}: {s.count}" for s in r.by_setting if s.count)
    items = tuple(
        Item(title, text)
        for title, text in (
            ("Within target, by priority", sla_lines),
            ("Raised, by category", raised),
            ("Raised, by council", councils),
            ("Raised, by where people were working", settings),
            ("Raised and resolved each week", _weekly_bars(r)),
        )
        if text
    )
    said = f"{plural(r.raised, 'request')} raised, {r.resolved} resolved"
    if r.resolved:
        said += f", {share(r.within_target, r.resolved)} within target"
    said += f"; {r.still_open} still open." if r.raised else "."
    footer = (
        f"Business hours are the desk's. For the full report with charts: "
        f"ictbot report desk --month {period.iso}{f' --council {_quoted(r.council)}' if r.council else ''}"
        " --format html -o desk.html"
    )
    fields = tuple(Field(f.label, f.value) for f in headline_figures(r)[2:])
    return Reply(title=title_of(r, period), text=said, fields=fields, items=items, footer=footer)


def _quoted(council: str) -> str:
    return f'"{council}"' if " " in council else council


def _weekly_bars(r: DeskReport) -> str:
    """One line a week (weeks from Monday, cut at the month's ends): a bar of the requests raised, with the
    numbers raised and resolved in words."""
    weeks: list[tuple[str, int, int]] = []
    for d in r.days:
        if not weeks or d.day.weekday() == 0:
            weeks.append((f"{d.day.day} {d.day:%b}", 0, 0))
        label, raised, resolved = weeks[-1]
        weeks[-1] = (label, raised + d.raised, resolved + d.resolved)
    if not any(raised or resolved for _, raised, resolved in weeks):
        return ""
    widest = max(raised for _, raised, _ in weeks) or 1
    return "\n".join(
        f"From {label}: {'▇' * round(12 * raised / widest) or '·'} {raised} raised, {resolved} resolved"
        for label, raised, resolved in weeks
    )


# ------------------------------------------------------------ the document


NOTES = (
    "Business hours are the desk's: Monday to Friday within its opening hours, England and Wales bank holidays "
    "excluded, except for priorities set to run around the clock.",
    "Raised: requests created in the period. Resolved: requests first resolved in the period (a request "
    "reopened and resolved again counts once, when first resolved).",
    "Within target: resolved by the SLA due time as the clock stood then, with the time spent waiting on the "
    "requester added; by the priority it had when resolved.",
    "First response: the desk's first action the requester hears of (assigned, priority changed, a question, "
    "a comment or resolved), for the requests raised in the period.",
    "Time to resolve: from raised to first resolved, less the time waiting on the requester.",
    "First-contact resolution: resolved without being passed on to someone else, without a question to the "
    "requester, and not reopened.",
    "Satisfaction: the ratings given or changed in the period. Self-help: the knowledge articles people said "
    "fixed their problem (nothing raised, or their request withdrawn) against those who still needed help.",
)


def desk_document(r: DeskReport, period: DeskPeriod) -> Document:
    """The report in full: key figures, the volumes with a chart, service levels, satisfaction, self-help."""
    days = r.days
    chart = BarChart(
        title="Requests raised and resolved each day",
        summary=(
            f"Bar chart of the requests raised and resolved on each day of {period.label}: "
            f"{r.raised} raised and {r.resolved} resolved in all"
            + (f"; the most raised on one day was {max(d.raised for d in days)}" if days and r.raised else "")
            + ". The numbers are in the table beside it."
        ),
        labels=tuple(f"{d.day.day} {d.day:%b}" for d in days),
        label_heading="Day",
        series=(
            Series("Raised", tuple(d.raised for d in days)),
            Series("Resolved", tuple(d.resolved for d in days)),
        ),
    )
    volumes = Section(
        "Requests raised",
        text=f"{plural(r.raised, 'request')} raised; {r.still_open} still open, {r.withdrawn} withdrawn by their "
        "requesters in the period.",
        tables=(
            _split_table("By category", "Category", r.by_category, _split_label),
            _split_table("By priority (as raised)", "Priority", r.by_priority, _split_label),
            _split_table("By council", "Council", r.by_council, _split_label),
            _split_table("By where people were working", "Working", r.by_setting, _setting_label),
        ),
        chart=chart,
    )
    sla = Table(
        "Resolved within target, by priority",
        ("Priority", "Target", "Resolved", "Within target", "Attainment"),
        tuple(
            (row.priority, row.target, str(row.resolved), str(row.within), _percent(row.attainment)) for row in r.sla
        ),
    )
    times = Table(
        "Response and resolution",
        ("Measure", "Value"),
        (
            ("Median time to first response (business hours)", duration(r.median_first_response)),
            ("Requests raised that the desk has answered", share(r.responded, r.raised)),
            ("Median time to resolve (business hours)", duration(r.median_resolve)),
            ("First-contact resolution", share(r.first_contact, r.resolved)),
            ("Reopened since", share(r.reopened, r.resolved)),
        ),
    )
    ratings = Table(
        "Ratings given",
        ("Score", "Ratings"),
        tuple((f"{score} - {SCORE_WORDS[score]}", str(n)) for score, n in zip(SCORES, r.ratings, strict=True)),
    )
    offered = r.deflected + r.still_needed_help
    self_help = Table(
        "Knowledge articles offered",
        ("Outcome", "Count"),
        (
            ("That fixed it (deflected)", str(r.deflected)),
            ("Still needed help", str(r.still_needed_help)),
            ("Deflection rate", _percent(r.deflected / offered if offered else None)),
        ),
    )
    return Document(
        title=title_of(r, period),
        subtitle=f"Mid Kent Services ICT service desk, {_dates(period)}"
        + (f", requests from {r.council}" if r.council else ", all three councils"),
        figures=headline_figures(r),
        sections=(
            volumes,
            Section("Service levels", tables=(sla, times)),
            Section("Satisfaction", text=f"How did we do? {satisfaction_text(r)}.", tables=(ratings,)),
            Section("Self-help", text=deflection_text(r) + ".", tables=(self_help,)),
        ),
        notes=NOTES,
    )


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _split_table(caption: str, heading: str, rows: tuple[Split, ...], label) -> Table:
    return Table(caption, (heading, "Requests"), tuple((label(s), str(s.count)) for s in rows))


def _dates(period: DeskPeriod) -> str:
    zone = ZoneInfo(DEFAULT_TIMEZONE)
    first = period.start.astimezone(zone).date()
    last = (period.end - timedelta(microseconds=1)).astimezone(zone).date()
    return f"{first.day} to {last.day} {last:%B %Y}"


COMMANDS = (
    Command(
        "report",
        report,
        USAGE,
        "report swale",
        "The strategy for the Board (summary and exceptions); report desk: the service desk's month (the desk, "
        "leads and admins); report PROBLEM raises a request",
    ),
)
