"""Strategy commands: status, actions, update, history, and the action update form."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date

from handlers.context import Context, UsageError
from handlers.formatting import RAG_WORD, clip, day, long_day, plural, when
from handlers.parser import REF_ACTION
from handlers.people import person_named
from handlers.problems import problem_text
from handlers.registry import Command, Place, Who
from handlers.reply import Button, Choice, Field, Form, Input, InputKind, Item, Pick, Reply, Tone, Visibility
from handlers.vocabulary import council_of, date_of, theme_for_word
from storage import InvalidInput, NotFound, PermissionDenied
from storage.enums import ActionStatus
from storage.owners import refusal
from storage.plan_fields import STATUS_WORDS
from storage.records import ActionRecord, ActionUpdateRecord, PlanScope, ThemeSummary

LIST_LIMIT = 25
SAMPLE_NOTE = "SAMPLE DATA: this is the illustrative plan shipped with the bot, not the council's own."


def _overall_rag(s: ThemeSummary) -> str | None:
    """The worst RAG of a theme's open actions; overdue or flagged work is at least amber."""
    if not s.total:
        return None
    if s.red:
        return "red"
    if s.amber or s.overdue or s.flagged:
        return "amber"
    return "green"


def _months(start: date, end: date) -> str:
    days = (end - start).days
    if days < 60:
        return plural(max(days, 1), "day")
    months = round(days / 30.44)
    return plural(months, "month") if months < 24 else f"over {plural(months // 12, 'year')}"


def flag_words(a: ActionRecord, ctx: Context) -> tuple[str, ...]:
    """What the stated RAG may hide, in words: 'overdue 14 months', 'not started, due to start 3 Jan 2020'..."""
    words = []
    for code in a.flags(ctx.now, ctx.store.stale_days):
        if code == "overdue" and a.due:
            words.append(f"overdue {_months(a.due, ctx.today)}")
        elif code == "late_start" and a.start:
            words.append(f"not started, was to start {day(a.start)}")
        elif code == "stale":
            words.append(f"no update for {_months(a.last_report().date(), ctx.today)}")
    return tuple(words)


def rag_text(a: ActionRecord, ctx: Context) -> str:
    """The owner's RAG, with its flags beside it: 'stated Green, overdue 14 months'."""
    stated = RAG_WORD.get(a.rag, a.rag)
    flags = flag_words(a, ctx)
    return f"stated {stated}, " + ", ".join(flags) if flags else stated


def action_item(a: ActionRecord, ctx: Context, *, with_owner: bool = True, button: bool = False) -> Item:
    facts = [
        Field("RAG", rag_text(a, ctx)),
        Field("Progress", f"{a.progress}%"),
        Field("Due", day(a.due)),
        Field("Status", a.status),
    ]
    if with_owner:
        facts.insert(0, Field("Owner", a.owner))
    buttons = (Button("Update", "update", a.ref, style="primary"),) if button else ()
    return Item(title=f"{a.ref} {a.title}", rag=a.rag, fields=tuple(facts), buttons=buttons)


# ------------------------------------------------------------ reading what was asked for

_YEAR = re.compile(r"^(?:(?:fy|plan|year)\s*)?(20\d\d)\s*[/-]\s*(?:20)?(\d\d)$")


def plan_year_of(word: str) -> str | None:
    """'2020/21', '2020-21', '2020/2021', 'FY2020/21' -> '2020/21'."""
    found = _YEAR.match(word.strip().lower())
    if not found or (int(found[1]) + 1) % 100 != int(found[2]):
        return None
    return f"{found[1]}/{found[2]}"


@dataclass(frozen=True, slots=True)
class Asked:
    """What a status or actions command was asked for: a council, a plan year, a theme or action, flags."""

    scope: PlanScope = field(default_factory=PlanScope)
    theme: str | None = None
    ref: str | None = None
    words: tuple[str, ...] = ()  # what is left: 'mine', 'overdue'...


def read_asked(text: str, keywords: frozenset[str] = frozenset()) -> Asked:
    """Council names (as staff write them: 'Swale', 'TWBC', 'Tunbridge Wells BC'), a plan year, a theme word
    or code, an action ref, and the command's own `keywords`, in any order. Raises UsageError naming the word
    it cannot place."""
    words = text.replace(",", " ").split()
    council = year = theme = ref = None
    left: list[str] = []
    i = 0
    while i < len(words):
        for size in (3, 2, 1):
            if i + size > len(words):
                continue
            phrase = " ".join(words[i : i + size])
            found = council_of(phrase)
            if found:
                council, i = found, i + size
                break
        else:
            word = words[i]
            i += 1
            if word.lower() in keywords:
                left.append(word.lower())
            elif (y := plan_year_of(word)) is not None:
                year = y
            elif REF_ACTION.match(word):
                ref = word.upper()
            elif theme is None and (code := theme_for_word(word)) is not None:
                theme = code
            else:
                raise UsageError(f"I don't know a theme, action, council or plan year called '{clip(word, 40)}'.")
    return Asked(PlanScope(council=council, plan_year=year), theme, ref, tuple(left))


def scope_words(scope: PlanScope) -> str:
    parts = []
    if scope.council:
        parts.append(scope.council)
    if scope.plan_year:
        parts.append(scope.plan_year)
    return ", ".join(parts)


async def status(ctx: Context, rest: str) -> Reply:
    try:
        asked = read_asked(rest)
    except UsageError as e:
        raise UsageError(e.message, "status") from None
    if asked.ref:
        return await _status_action(ctx, asked.ref, asked.scope.plan_year)
    if asked.theme:
        return await _status_theme(ctx, asked.theme, asked.scope)
    return await _status_all(ctx, asked.scope)


async def _status_all(ctx: Context, scope: PlanScope) -> Reply:
    summaries = tuple(await ctx.store.theme_summaries(ctx.now, scope if scope != PlanScope() else None))
    years = tuple(await ctx.store.plan_years(scope if scope != PlanScope() else None)) if summaries else ()
    board = await ctx.store.next_board_meeting(ctx.today) if summaries else None
    return status_reply(summaries, scope, years, board.on if board else None)


@functools.lru_cache(maxsize=32)
def status_reply(
    summaries: tuple[ThemeSummary, ...],
    scope: PlanScope = PlanScope(),
    years: tuple[str, ...] = (),
    next_board: date | None = None,
) -> Reply:
    """The strategy overview: a pure function of the figures, so the same figures build one reply."""
    if not summaries:
        return Reply(text="No action plan has been loaded yet. An admin can import one with `ictbot plan import`.")
    total = sum(s.total for s in summaries)
    done = sum(s.complete for s in summaries)
    late = sum(s.overdue for s in summaries)
    flagged = sum(s.flagged for s in summaries)
    shown = tuple(s for s in summaries if s.total) if scope != PlanScope() else summaries
    items = tuple(
        Item(
            title=f"{s.theme.code} {s.theme.name}",
            rag=_overall_rag(s),
            text=(
                f"{s.red} red, {s.amber} amber, {s.green} green · {s.percent_complete}% of actions complete"
                f" · {plural(s.overdue, 'overdue action')}" + (f" · {s.flagged} flagged" if s.flagged else "")
            ),
            fields=(
                Field("Actions", str(s.total)),
                Field("Complete", f"{s.percent_complete}%"),
                Field("Average progress", f"{s.average_progress}%"),
                Field("Overdue", str(s.overdue)),
                Field("Flagged", str(s.flagged)),
            ),
        )
        for s in shown
    )
    seen = scope_words(scope)
    covers = f" Plan years: {', '.join(years)}." if years else ""
    board = f" The next Board meets on {long_day(next_board)}." if next_board else ""
    if not total:
        return Reply(title=f"Action plan status: {seen}", text=f"No live actions for {seen}.")
    return Reply(
        title="ICT Strategy 2019-2024: action plan status" + (f" for {seen}" if seen else ""),
        text=(
            f"{plural(total, 'action')} across {plural(len(shown), 'theme')}: {done} complete, {late} overdue"
            + (f", {flagged} flagged (overdue, late to start or without a recent update)" if flagged else "")
            + "."
            + covers
            + board
        ),
        items=items,
        footer=(SAMPLE_NOTE + " " if any(s.theme.is_sample for s in summaries) else "")
        + "Type 'status WF' for a theme, 'status RS-03' for one action, 'status Swale' for one council"
        " or 'status 2020/21' for one plan year.",
    )


async def _status_theme(ctx: Context, code: str, scope: PlanScope) -> Reply:
    try:
        theme = await ctx.store.get_theme(code)
    except NotFound as e:
        raise UsageError(problem_text(e, "status"), "status") from None
    actions = await ctx.store.list_actions(theme=code, scope=scope)
    late = sum(1 for a in actions if a.is_overdue(ctx.today))
    seen = scope_words(scope)
    return Reply(
        title=f"{theme.code} {theme.name}" + (f" ({seen})" if seen else ""),
        text=theme.summary or "",
        fields=(
            Field("Actions", str(len(actions))),
            Field("Complete", str(sum(1 for a in actions if a.status == "complete"))),
            Field("Overdue", str(late)),
            Field("Flagged", str(sum(1 for a in actions if a.flags(ctx.now, ctx.store.stale_days)))),
        ),
        items=tuple(action_item(a, ctx) for a in actions[:LIST_LIMIT]),
        more=max(0, len(actions) - LIST_LIMIT),
        more_hint=f"actions {code}",
    )


def _change_words(u: ActionUpdateRecord) -> str:
    """An update's changes: 'status blocked -> in progress; due 31 Mar 2021 -> 30 Jun 2021'."""
    parts = []
    for name, (old, new) in u.changes.items():
        if name in ("progress", "rag") and u.kind == "update":
            continue  # shown in the title
        parts.append(f"{name.replace('_', ' ')} {_value(old)} \u2192 {_value(new)}")
    return "; ".join(parts)


def _value(v: object) -> str:
    if v is None or v == "":
        return "none"
    if isinstance(v, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", v):
        return day(date.fromisoformat(v))
    return RAG_WORD.get(v, str(v)) if isinstance(v, str) else str(v)


_KIND = {"import": "imported", "change": "changed", "carried": "carried forward"}


def _update_title(u: ActionUpdateRecord, stamp: str) -> str:
    if u.kind == "update":
        return f"{u.progress}% {RAG_WORD.get(u.rag, u.rag)}, {u.author_name}, {stamp}"
    return f"{_KIND.get(u.kind, u.kind).capitalize()} by {u.author_name}, {stamp}"


def _update_text(u: ActionUpdateRecord) -> str:
    changes = _change_words(u)
    return "\n".join(p for p in (u.note, changes) if p)


async def _status_action(ctx: Context, ref: str, plan_year: str | None = None) -> Reply:
    try:
        a = await ctx.store.get_action(ref, plan_year=plan_year)
    except NotFound as e:
        raise UsageError(problem_text(e, "status"), "status") from None
    history = tuple(
        Item(title=_update_title(u, when(u.at, ctx.now)), text=_update_text(u), rag=u.rag) for u in a.updates
    )
    fields = [
        Field("Theme", a.theme_code),
        Field("Owner", a.owner + ("" if a.owner_key or a.owner_email else " (not linked to a chat account)")),
        Field("Partners", ", ".join(a.partners)),
        Field("Plan year", a.plan_year + (f" (carried forward from {a.carried_from})" if a.carried_from else "")),
        Field("Due", day(a.due) + (" (overdue)" if a.is_overdue(ctx.today) else "")),
        Field("Status", a.status + (" (retired from the plan)" if a.retired_at else "")),
        Field("RAG", rag_text(a, ctx)),
        Field("Progress", f"{a.progress}%"),
    ]
    if a.deputies:
        fields.insert(2, Field("Deputies", ", ".join(a.deputies)))
    if a.start:
        fields.insert(-4, Field("Start", day(a.start)))
    if a.proposed_due:
        fields.insert(-3, Field("Proposed due date", day(a.proposed_due) + " (waiting for an admin)"))
    shown = len(history)
    linked = await ctx.store.requests_linked_to(a.ref)
    if linked:
        fields.append(Field("Open support requests", str(len(linked))))
    if linked and ctx.user.can_work_tickets:  # who raised what is for the desk to see
        history = (
            Item(
                title=f"Linked requests ({len(linked)} open)",
                text="\n".join(f"• {t.ref} {clip(t.summary, 80)} ({t.priority}, {t.status})" for t in linked[:10]),
            ),
            *history,
        )
    return Reply(
        title=f"{a.ref} {a.title}",
        text=a.description or "",
        fields=tuple(fields),
        items=history,
        footer="No updates yet." if not shown else f"Last {shown} updates. 'history {a.ref}' for all.",
    )


ACTION_WORDS = frozenset({"mine", "my", "me", "overdue", "late", "all", "flagged"})


async def actions(ctx: Context, rest: str) -> Reply:
    try:
        asked = read_asked(rest, ACTION_WORDS)
    except UsageError as e:
        raise UsageError(e.message, "actions") from None
    if asked.ref:
        return await _status_action(ctx, asked.ref, asked.scope.plan_year)
    mine = bool({"mine", "my", "me"} & set(asked.words))
    overdue = bool({"overdue", "late"} & set(asked.words))
    flagged = "flagged" in asked.words
    scope = asked.scope if asked.scope != PlanScope() else None
    found = await ctx.store.list_actions(
        theme=asked.theme, owner=ctx.user if mine else None, overdue_on=ctx.today if overdue else None, scope=scope
    )
    if flagged:
        found = [a for a in found if a.flags(ctx.now, ctx.store.stale_days)]
    title = (
        ("Your " if mine else "")
        + ("overdue " if overdue else "flagged " if flagged else "")
        + ("actions" if mine or overdue or flagged else "Actions")
    )
    title = title[0].upper() + title[1:]
    where = [w for w in (asked.theme, scope_words(asked.scope)) if w]
    if where:
        title += " in " + ", ".join(where)
    elif not (mine or overdue or flagged):
        title = "All actions"
    if not found:
        if mine and not ctx.user.email:
            return Reply(title=title, tone=Tone.WARNING, text=NO_EMAIL.format(key=ctx.user.key))
        return Reply(title=title, text="Nothing to show.")
    return Reply(
        title=title,
        text=plural(len(found), "action"),
        items=tuple(action_item(a, ctx, with_owner=not mine, button=mine) for a in found[:LIST_LIMIT]),
        more=max(0, len(found) - LIST_LIMIT),
        more_hint="actions WF (a theme), actions Swale (a council), actions mine or actions overdue",
    )


NO_EMAIL = (
    "I don't know your email address, so I can only match you to actions that name your chat account. "
    "Ask an admin to link you to your actions with: set-email {key} you@example.gov.uk, or: owner ACTION @you"
)


async def history(ctx: Context, rest: str) -> Reply:
    ref = rest.strip().upper()
    if not REF_ACTION.match(ref):
        raise UsageError("Which action? Give its reference.", "history")
    try:
        updates = await ctx.store.action_history(ref)
    except NotFound as e:
        raise UsageError(problem_text(e, "history"), "history") from None
    items = tuple(
        Item(title=_update_title(u, f"{u.at:%d %b %Y}"), text=_update_text(u), rag=u.rag) for u in reversed(updates)
    )
    return Reply(
        title=f"History of {ref}",
        text=plural(len(updates), "entry", "entries"),
        items=items[:LIST_LIMIT],
        more=max(0, len(items) - LIST_LIMIT),
    )


# ------------------------------------------------------------ updates

UPDATE_USAGE = "update ACTION [PERCENT] [red|amber|green] [STATUS] [due DATE] NOTE"
_PERCENT = re.compile(r"^(-?\d+(?:\.\d+)?)%?$")
_STATUS_PHRASES = {**STATUS_WORDS, "unblocked": "in progress", "not blocked": "in progress", "blocked": "blocked"}
_LONGEST_STATUS = max(len(w.split()) for w in _STATUS_PHRASES)


def read_update(text: str) -> tuple[str, ActionChangeWords]:
    """'RS-05 40% amber unblocked due 30/06/2021 Supplier back on site' -> the ref and what it sets. The
    figures, RAG, status and due date come first, in any order; the rest is the note."""
    words = text.split()
    ref = words[0]
    if not REF_ACTION.match(ref):
        raise UsageError(f"'{clip(ref, 20)}' is not an action reference like RS-03.", "update")
    change = ActionChangeWords()
    said: list[str] = []  # the status words as typed
    i = 1
    while i < len(words):
        word = words[i].lower().strip(",;")
        if (found := _PERCENT.match(word)) and change.progress is None:
            if "." in found[1] or not 0 <= int(found[1]) <= 100:
                raise UsageError(f"Progress must be a whole number from 0 to 100, not {found[1]}.", "update")
            change.progress = int(found[1])
            i += 1
            continue
        if word in RAG_WORD and change.rag is None:
            change.rag = word
            i += 1
            continue
        if word == "due" and i + 1 < len(words) and change.due is None:
            change.due = _date(words[i + 1])
            i += 2
            continue
        for size in range(_LONGEST_STATUS, 0, -1):
            phrase = " ".join(w.lower().strip(",;") for w in words[i : i + size])
            if len(words[i : i + size]) == size and phrase in _STATUS_PHRASES and change.status is None:
                change.status = _STATUS_PHRASES[phrase]
                said.extend(words[i : i + size])
                i += size
                break
        else:
            break
    # 'update RS-03 100 green done': the status words were the note too
    change.note = " ".join(words[i:]) or " ".join(said)
    return ref.upper(), change


@dataclass
class ActionChangeWords:
    progress: int | None = None
    rag: str | None = None
    status: str | None = None
    due: date | None = None
    note: str = ""

    @property
    def empty(self) -> bool:
        return self.progress is None and self.rag is None and self.status is None and self.due is None


def _date(word: str) -> date:
    found = date_of(word)
    if found is None:
        raise UsageError(f"'{clip(word, 20)}' is not a date; write it as 31/03/2021 or 2021-03-31.", "update")
    return found


async def update(ctx: Context, rest: str) -> Reply:
    text = rest.strip()
    if not text:
        return await choose_action(ctx)
    ref, change = read_update(text)
    if change.empty and not change.note:
        return await update_form(ctx, ref)
    if change.empty:
        raise UsageError(
            "Give the progress (a whole number from 0 to 100), a RAG, a status or a due date before the note.",
            "update",
        )
    return await apply_update(ctx, ref, change)


async def apply_update(ctx: Context, ref: str, change: ActionChangeWords) -> Reply:
    try:
        a = await ctx.store.record_action_update(
            ref,
            ctx.user.key,
            progress=change.progress,
            rag=change.rag,
            status=change.status,
            due=change.due,
            note=change.note.strip(),
            now=ctx.clock(),
        )
    except InvalidInput as e:
        if e.field == "note":
            raise UsageError("Add a note saying what changed.", "update") from None
        if e.field == "progress" and e.code == "reopen":
            raise UsageError(
                f"{ref.upper()} is at 100%: give the progress too, for example: update {ref.upper()} 90 {e.value} NOTE",
                "update",
            ) from None
        raise
    facts = [Field("Note", change.note.strip())] if change.note.strip() else []
    if change.due is not None:
        if a.proposed_due == change.due:
            facts.append(Field("Proposed due date", day(change.due) + " (an admin will confirm it)"))
        else:
            facts.append(Field("Due", day(a.due)))
    return Reply(
        tone=Tone.SUCCESS,
        title=f"{a.ref} updated",
        text=f"{a.title}: now {a.progress}%, {RAG_WORD.get(a.rag, a.rag)}, {a.status}.",
        fields=tuple(facts),
        visibility=Visibility.PUBLIC if ctx.origin.platform != "local" else Visibility.PRIVATE,
    )


async def choose_action(ctx: Context) -> Reply:
    """`update` alone: the form of the one action the person owns, or their actions to pick from, each with
    its own Update button (so no form is ever prefilled from another action)."""
    mine = await ctx.store.list_actions(owner=ctx.user)
    if not mine and ctx.user.is_admin:
        mine = await ctx.store.list_actions()
    if not mine:
        hint = NO_EMAIL.format(key=ctx.user.key) if not ctx.user.email else ""
        return Reply(
            tone=Tone.WARNING,
            text="You don't own any actions in the plan, so there is nothing for you to update. "
            + (hint + " " if hint else "")
            + ctx.commands.usage_line("update"),
        )
    if len(mine) == 1:
        return await update_form(ctx, mine[0].ref)
    return Reply(
        title="Which action?",
        text="Press Update on the action you want to report on, or type: " + UPDATE_USAGE,
        items=tuple(action_item(a, ctx, with_owner=False, button=True) for a in mine[:LIST_LIMIT]),
        more=max(0, len(mine) - LIST_LIMIT),
        more_hint="update ACTION (for example: update RS-03)",
        pick=Pick("Action", "update", tuple(Choice(f"{a.ref} {a.title}", a.ref) for a in mine), "Choose an action"),
    )


_STATUS_CHOICES = tuple(Choice(s.value.capitalize(), s.value) for s in ActionStatus)
_RAG_CHOICES = (Choice("Green", "green"), Choice("Amber", "amber"), Choice("Red", "red"))


async def update_form(ctx: Context, ref: str) -> Reply:
    """The update form of one action, prefilled from that action only."""
    try:
        a = await ctx.store.get_action(ref, recent_updates=1)
    except NotFound as e:
        raise UsageError(problem_text(e, "update"), "update") from None
    if not ctx.store.may_update_action(ctx.user, a):
        reason = refusal(ctx.user, a)[0]
        raise PermissionDenied(
            "update_action", "owner_or_admin", ref=a.ref, owner=a.owner, reason=reason, user_key=ctx.user.key
        )
    due_label = "Due date (dd/mm/yyyy)" if ctx.user.is_admin else "Ask for a new due date (dd/mm/yyyy)"
    form = Form(
        form_id="update",
        title=clip(f"Update {a.ref}", 24),
        submit_label="Post update",
        private_metadata=a.ref,
        typed_alternative=f"update {a.ref} PERCENT [red|amber|green] [STATUS] [due DATE] NOTE",
        inputs=(
            Input(
                "progress",
                "Progress (%)",
                InputKind.NUMBER,
                min_value=0,
                max_value=100,
                initial=str(a.progress),
                placeholder="0 to 100",
            ),
            Input("rag", "RAG", InputKind.CHOICE, choices=_RAG_CHOICES, initial=a.rag),
            Input("status", "Status", InputKind.CHOICE, choices=_STATUS_CHOICES, initial=a.status),
            Input("due", due_label, InputKind.TEXT, required=False, placeholder=day(a.due), max_length=20),
            Input("note", "What changed?", InputKind.MULTILINE, max_length=2000, placeholder="A line for the Board"),
        ),
    )
    return Reply(
        title=f"{a.ref} {a.title}",
        text=f"Now {a.progress}%, {rag_text(a, ctx)}, {a.status}, due {day(a.due)}. Say what changed.",
        form=form,
    )


async def submit_update_form(ctx: Context, values: dict[str, str], metadata: str = "") -> Reply | dict[str, str]:
    errors: dict[str, str] = {}
    ref = (metadata or values.get("ref") or "").strip().upper()
    rag = (values.get("rag") or "").strip().lower() or None
    status_value = (values.get("status") or "").strip().lower() or None
    note = (values.get("note") or "").strip()
    raw = (values.get("progress") or "").strip().rstrip("%").strip()
    due_text = (values.get("due") or "").strip()
    if not REF_ACTION.match(ref):
        errors["note"] = "This form has lost its action; type update ACTION to open it again."
    if not raw.isdigit() or not 0 <= int(raw) <= 100:
        errors["progress"] = "Progress is a whole number from 0 to 100."
    if rag is not None and rag not in RAG_WORD:
        errors["rag"] = "Choose red, amber or green."
    if status_value is not None and status_value not in tuple(ActionStatus):
        errors["status"] = "Choose a status from the list."
    due = None
    if due_text:
        due = date_of(due_text)
        if due is None:
            errors["due"] = "Write the date as 31/03/2021 or 2021-03-31."
    if not note:
        errors["note"] = "Say what changed."
    if errors:
        return errors
    progress = int(raw)
    if progress == 100 or status_value == "complete":  # either says done: the form shows both prefilled
        progress, status_value = 100, "complete"
    change = ActionChangeWords(progress=progress, rag=rag, status=status_value, due=due, note=note)
    try:
        return await apply_update(ctx, ref, change)
    except UsageError as e:
        if "100%" in e.message:
            return {"progress": "Below 100% unless the action is complete; or choose the status Complete."}
        raise


# ------------------------------------------------------------ owners


async def owner(ctx: Context, rest: str) -> Reply:
    """`owner REF PERSON [NAME]`: an admin names an action's owner by a mention, an email or a user key."""
    words = rest.split()
    if len(words) < 2 or not REF_ACTION.match(words[0]):
        raise UsageError("Give the action and the person.", "owner")
    ref, who, name = words[0].upper(), words[1], " ".join(words[2:]).strip()
    named = await person_named(ctx, who, "owner")
    key, email = named.key, named.email
    name = name or (named.user.display_name if named.user else "")
    try:
        a = await ctx.store.set_action_owner(
            ref, ctx.user.key, name=name or email or key or who, key=key, email=email, now=ctx.clock()
        )
    except InvalidInput as e:
        raise UsageError(problem_text(e, "owner"), "owner") from None
    reach = ", ".join(x for x in (a.owner_key, a.owner_email) if x)
    return Reply(tone=Tone.SUCCESS, text=f"{a.ref} is now owned by {a.owner} ({reach}).")


EVERYWHERE = frozenset(Place)
COMMANDS = (
    Command(
        "status",
        status,
        "status [THEME|ACTION] [COUNCIL] [PLAN YEAR]",
        "status Swale RS",
        "How the ICT Strategy is going, by theme",
        aliases=("strategy", "summary", "overview", "progress"),
        offered=EVERYWHERE,
        hint="status",
        reads_only=True,
    ),
    Command(
        "actions",
        actions,
        "actions [mine|THEME|COUNCIL|PLAN YEAR] [overdue|flagged]",
        "actions overdue",
        "List action plan items",
        aliases=("action", "plan"),
        offered=EVERYWHERE,
        reads_only=True,
    ),
    Command(
        "update",
        update,
        UPDATE_USAGE,
        "update RS-03 60 amber Firewall replacement slipped to May",
        "Post progress on an action you own",
        aliases=("progress-update",),
        who=Who.OWNERS,
        form_id="update",
        submit=submit_update_form,
        offered=frozenset({Place.PERSONAL_CHAT}),
        hint="update",
    ),
    Command(
        "owner",
        owner,
        "owner ACTION PERSON [NAME]",
        "owner RS-05 jane.smith@swale.gov.uk Jane Smith",
        "Set who owns an action (a mention, an email or a user key)",
        aliases=("set-owner",),
        who=Who.ADMINS,
        refusal="Only an ICT Assistant admin can change who owns an action.",
    ),
    Command(
        "history",
        history,
        "history ACTION",
        "history RS-03",
        "Every progress update on an action",
        offered=frozenset({Place.PERSONAL_CHAT}),
        reads_only=True,
    ),
)
