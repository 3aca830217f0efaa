"""Strategy commands: status, actions, update, history, and the action update form."""

from __future__ import annotations

import functools
import re

from handlers.context import Context, UsageError
from handlers.formatting import RAG_WORD, clip, day, plural, when
from handlers.parser import REF_ACTION
from handlers.problems import problem_text
from handlers.registry import Command, Place, Who
from handlers.reply import Choice, Field, Form, Input, InputKind, Item, Reply, Tone, Visibility
from handlers.vocabulary import theme_for_word
from storage import NotFound
from storage.records import ActionRecord, ThemeSummary

LIST_LIMIT = 25
SAMPLE_NOTE = "SAMPLE DATA: this is the illustrative plan shipped with the bot, not the council's own."


def _overall_rag(s: ThemeSummary) -> str | None:
    """The worst RAG of a theme's open actions; overdue work is at least amber."""
    if not s.total:
        return None
    if s.red:
        return "red"
    if s.amber or s.overdue:
        return "amber"
    return "green"


def action_item(a: ActionRecord, ctx: Context, *, with_owner: bool = True) -> Item:
    facts = [Field("Progress", f"{a.progress}%"), Field("Due", day(a.due)), Field("Status", a.status)]
    if with_owner:
        facts.insert(0, Field("Owner", a.owner))
    if a.is_overdue(ctx.today):
        facts.append(Field("Overdue", "yes"))
    return Item(title=f"{a.ref} {a.title}", rag=a.rag, fields=tuple(facts))


async def status(ctx: Context, rest: str) -> Reply:
    arg = rest.strip()
    if not arg:
        return await _status_all(ctx)
    if REF_ACTION.match(arg):
        return await _status_action(ctx, arg.upper())
    code = theme_for_word(arg)
    if code is None:
        raise UsageError(f"I don't know a theme or action called '{clip(arg, 40)}'.", "status")
    return await _status_theme(ctx, code)


async def _status_all(ctx: Context) -> Reply:
    return status_reply(tuple(await ctx.store.theme_summaries(ctx.today)))


@functools.lru_cache(maxsize=8)
def status_reply(summaries: tuple[ThemeSummary, ...]) -> Reply:
    """The strategy overview: a pure function of the summaries, so the same figures build one reply."""
    if not summaries:
        return Reply(text="No action plan has been loaded yet. An admin can import one with `ictbot plan import`.")
    total = sum(s.total for s in summaries)
    done = sum(s.complete for s in summaries)
    late = sum(s.overdue for s in summaries)
    items = tuple(
        Item(
            title=f"{s.theme.code} {s.theme.name}",
            rag=_overall_rag(s),
            text=(
                f"{s.red} red, {s.amber} amber, {s.green} green · {s.percent_complete}% of actions complete"
                f" · {plural(s.overdue, 'overdue action')}"
            ),
            fields=(
                Field("Actions", str(s.total)),
                Field("Complete", f"{s.percent_complete}%"),
                Field("Average progress", f"{s.average_progress}%"),
                Field("Overdue", str(s.overdue)),
            ),
        )
        for s in summaries
    )
    return Reply(
        title="ICT Strategy 2019-2024: action plan status",
        text=(f"{plural(total, 'action')} across {plural(len(summaries), 'theme')}: {done} complete, {late} overdue."),
        items=items,
        footer=(SAMPLE_NOTE + " " if any(s.theme.is_sample for s in summaries) else "")
        + "Type 'status WF' for a theme's actions or 'status RS-03' for one action.",
    )


async def _status_theme(ctx: Context, code: str) -> Reply:
    try:
        theme = await ctx.store.get_theme(code)
    except NotFound as e:
        raise UsageError(problem_text(e, "status"), "status") from None
    actions = await ctx.store.list_actions(theme=code)
    late = sum(1 for a in actions if a.is_overdue(ctx.today))
    return Reply(
        title=f"{theme.code} {theme.name}",
        text=theme.summary or "",
        fields=(
            Field("Actions", str(len(actions))),
            Field("Complete", str(sum(1 for a in actions if a.status == "complete"))),
            Field("Overdue", str(late)),
        ),
        items=tuple(action_item(a, ctx) for a in actions[:LIST_LIMIT]),
        more=max(0, len(actions) - LIST_LIMIT),
        more_hint=f"actions {code}",
    )


async def _status_action(ctx: Context, ref: str) -> Reply:
    try:
        a = await ctx.store.get_action(ref)
    except NotFound as e:
        raise UsageError(problem_text(e, "status"), "status") from None
    history = tuple(
        Item(
            title=f"{u.progress}% {RAG_WORD.get(u.rag, u.rag)}, {u.author_name}, {when(u.at, ctx.now)}",
            text=u.note,
            rag=u.rag,
        )
        for u in a.updates
    )
    fields = (
        Field("Theme", a.theme_code),
        Field("Owner", a.owner),
        Field("Partners", ", ".join(a.partners)),
        Field("Plan year", a.plan_year),
        Field("Due", day(a.due) + (" (overdue)" if a.is_overdue(ctx.today) else "")),
        Field("Status", a.status),
        Field("RAG", RAG_WORD.get(a.rag, a.rag)),
        Field("Progress", f"{a.progress}%"),
    )
    return Reply(
        title=f"{a.ref} {a.title}",
        text=a.description or "",
        fields=fields,
        items=history,
        footer="No updates yet." if not history else f"Last {len(history)} updates. 'history {a.ref}' for all.",
    )


async def actions(ctx: Context, rest: str) -> Reply:
    arg = rest.strip().lower()
    if arg in ("", "all"):
        found, title = await ctx.store.list_actions(), "All actions"
    elif arg in ("mine", "my", "me"):
        if not ctx.user.email:
            return Reply(
                tone=Tone.WARNING,
                text=(
                    "I don't know your email address, so I can't match you to action owners. "
                    "Ask an admin to run: ictbot users email " + ctx.user.key + " you@example.gov.uk"
                ),
            )
        found, title = await ctx.store.list_actions(owner_email=ctx.user.email), "Your actions"
    elif arg in ("overdue", "late"):
        found, title = await ctx.store.list_actions(overdue_on=ctx.today), "Overdue actions"
    else:
        code = theme_for_word(arg)
        if code is None:
            raise UsageError(f"'{clip(rest, 40)}' is not mine, overdue or a theme.", "actions")
        found, title = await ctx.store.list_actions(theme=code), f"Actions in {code}"
    if not found:
        return Reply(title=title, text="Nothing to show.")
    return Reply(
        title=title,
        text=plural(len(found), "action"),
        items=tuple(action_item(a, ctx) for a in found[:LIST_LIMIT]),
        more=max(0, len(found) - LIST_LIMIT),
        more_hint="actions WF (a theme), actions mine or actions overdue",
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
        Item(
            title=f"{u.at:%d %b %Y} · {u.progress}% {RAG_WORD.get(u.rag, u.rag)} · {u.author_name}",
            text=u.note,
            rag=u.rag,
        )
        for u in reversed(updates)
    )
    return Reply(
        title=f"History of {ref}",
        text=plural(len(updates), "update"),
        items=items[:LIST_LIMIT],
        more=max(0, len(items) - LIST_LIMIT),
    )


_UPDATE = re.compile(
    r"^(?P<ref>[A-Za-z]{2,4}-\d{1,3})\s+(?P<pct>-?\d+(?:\.\d+)?)(?:\s*%)?(?:\s+(?P<rag>red|amber|green)\b)?\s*(?P<note>.*)$",
    re.IGNORECASE | re.DOTALL,
)


async def update(ctx: Context, rest: str) -> Reply:
    if not rest.strip():
        return await update_form(ctx)
    m = _UPDATE.match(rest.strip())
    if not m:
        ref = rest.split()[0]
        if not REF_ACTION.match(ref):
            raise UsageError(f"'{clip(ref, 20)}' is not an action reference like RS-03.", "update")
        raise UsageError("Give the progress as a whole number from 0 to 100 after the reference.", "update")
    pct_text = m["pct"]
    if "." in pct_text or not 0 <= int(pct_text) <= 100:
        raise UsageError(f"Progress must be a whole number from 0 to 100, not {pct_text}.", "update")
    return await apply_update(ctx, m["ref"], int(pct_text), (m["rag"] or "").lower() or None, m["note"])


async def apply_update(ctx: Context, ref: str, pct: int, rag: str | None, note: str) -> Reply:
    if not note.strip():
        raise UsageError("Add a note saying what changed.", "update")
    a = await ctx.store.record_action_update(
        ref, ctx.user.key, progress=pct, rag=rag, note=note.strip(), now=ctx.clock()
    )
    return Reply(
        tone=Tone.SUCCESS,
        title=f"{a.ref} updated",
        text=f"{a.title}: now {a.progress}%, {RAG_WORD.get(a.rag, a.rag)}, {a.status}.",
        fields=(Field("Note", note.strip()),),
        visibility=Visibility.PUBLIC if ctx.origin.platform != "local" else Visibility.PRIVATE,
    )


async def update_form(ctx: Context) -> Reply:
    mine = await ctx.store.list_actions(owner_email=ctx.user.email) if ctx.user.email else []
    if not mine and ctx.user.is_admin:
        mine = await ctx.store.list_actions()
    if not mine:
        return Reply(
            tone=Tone.WARNING,
            text="You don't own any actions in the plan, so there is nothing for you to update. "
            + ctx.commands.usage_line("update"),
        )
    choices = tuple(
        Choice(label=clip(f"{a.ref} {a.title} ({a.progress}%, {a.rag})", 75), value=a.ref) for a in mine[:100]
    )
    form = Form(
        form_id="update",
        title="Update an action",
        submit_label="Post update",
        typed_alternative="update ACTION PERCENT [red|amber|green] NOTE",
        inputs=(
            Input("ref", "Action", InputKind.CHOICE, choices=choices, initial=mine[0].ref),
            Input(
                "progress", "Progress (%)", InputKind.NUMBER, min_value=0, max_value=100, initial=str(mine[0].progress)
            ),
            Input(
                "rag",
                "RAG",
                InputKind.CHOICE,
                choices=(Choice("Green", "green"), Choice("Amber", "amber"), Choice("Red", "red")),
                initial=mine[0].rag,
            ),
            Input("note", "What changed?", InputKind.MULTILINE, max_length=2000, placeholder="A line for the Board"),
        ),
    )
    return Reply(title="Update an action", text="Choose the action and say what changed.", form=form)


async def submit_update_form(ctx: Context, values: dict[str, str], metadata: str = "") -> Reply | dict[str, str]:
    errors: dict[str, str] = {}
    ref = (values.get("ref") or "").strip().upper()
    rag = (values.get("rag") or "").strip().lower() or None
    note = (values.get("note") or "").strip()
    raw = (values.get("progress") or "").strip().rstrip("%")
    if not ref:
        errors["ref"] = "Choose an action."
    if not raw.isdigit() or not 0 <= int(raw) <= 100:
        errors["progress"] = "Progress is a whole number from 0 to 100."
    if rag is not None and rag not in ("red", "amber", "green"):
        errors["rag"] = "Choose red, amber or green."
    if not note:
        errors["note"] = "Say what changed."
    if errors:
        return errors
    return await apply_update(ctx, ref, int(raw), rag, note)


EVERYWHERE = frozenset(Place)
COMMANDS = (
    Command(
        "status",
        status,
        "status [THEME|ACTION]",
        "status RS",
        "How the ICT Strategy is going, by theme",
        aliases=("strategy", "summary", "overview", "progress"),
        offered=EVERYWHERE,
        hint="status",
        reads_only=True,
    ),
    Command(
        "actions",
        actions,
        "actions [mine|THEME|overdue]",
        "actions overdue",
        "List action plan items",
        aliases=("action", "plan"),
        offered=EVERYWHERE,
        reads_only=True,
    ),
    Command(
        "update",
        update,
        "update ACTION PERCENT [red|amber|green] NOTE",
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
        "history",
        history,
        "history ACTION",
        "history RS-03",
        "Every progress update on an action",
        offered=frozenset({Place.PERSONAL_CHAT}),
        reads_only=True,
    ),
)
