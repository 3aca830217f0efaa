"""Support request commands: raise, track, triage, assign, resolve; and their forms."""

from __future__ import annotations

from handlers.context import Context, UsageError
from handlers.formatting import clip, local_time, plural, until, when
from handlers.problems import DESK_ONLY
from handlers.reply import Button, Choice, Field, Form, Input, InputKind, Item, Reply, Tone, Visibility
from handlers.usage import EXAMPLE_TICKET
from handlers.vocabulary import guess_category
from storage import SLA_TARGETS, InvalidInput, TicketRef
from storage.enums import Category, Priority
from storage.records import TicketRecord

LIST_LIMIT = 20
MAX_DESCRIPTION = 10_000
PRIORITY_WORDS = {"P1": "critical", "P2": "high", "P3": "normal", "P4": "low"}
SLA_RAG = {"breached": "red", "at risk": "amber", "on track": "green", "met": "green"}


def sla_target(priority: str) -> str:
    hours = SLA_TARGETS[priority].total_seconds() / 3600
    return f"{int(hours)} hours" if hours < 48 else f"{int(hours // 24)} days"


def _ref(rest: str, command: str) -> tuple[TicketRef, str]:
    """The request a command is about, and the rest of what was typed after its reference."""
    if not rest.strip():
        raise UsageError("Which request? Give its reference.", command)
    try:
        return TicketRef.split(rest)
    except InvalidInput as e:
        shown = clip(str(e.value), 20)
        raise UsageError(f"'{shown}' is not a request reference like {EXAMPLE_TICKET}.", command) from None


def agent_buttons(t: TicketRecord) -> tuple[Button, ...]:
    if not t.is_open:
        return ()
    return (
        Button("Assign to me", "assign", t.ref, style="primary"),
        Button("Resolve", "resolve", t.ref),
        Button("Priority", "priority", t.ref),
    )


def ticket_fields(t: TicketRecord, now) -> tuple[Field, ...]:
    fields = [
        Field("Status", t.status),
        Field("Priority", f"{t.priority} ({PRIORITY_WORDS[t.priority]})"),
        Field("Category", t.category),
        Field("Requester", t.requester_name + (f", {t.council}" if t.council else "")),
        Field("Assigned to", t.assignee_name or "nobody yet"),
        Field("Raised", when(t.created_at, now)),
        Field(
            "SLA", f"{t.sla_state(now)}, " + (until(t.sla_due, now) if t.is_open else f"target {local_time(t.sla_due)}")
        ),
    ]
    if t.location:
        fields.append(Field("Working from", t.location))
    if t.contact:
        fields.append(Field("Contact", t.contact))
    if t.resolution:
        fields.append(Field("Resolution", t.resolution))
    return tuple(fields)


def ticket_card(t: TicketRecord, now, *, for_agent: bool, title_prefix: str = "") -> Reply:
    return Reply(
        title=f"{title_prefix}{t.ref} {t.summary}",
        text=t.description if t.description and t.description != t.summary else "",
        fields=ticket_fields(t, now),
        buttons=agent_buttons(t) if for_agent else (),
    )


def ticket_item(t: TicketRecord, now, *, for_agent: bool) -> Item:
    state = t.sla_state(now)
    return Item(
        title=f"{t.ref} {clip(t.summary, 80)}",
        rag=SLA_RAG.get(state),
        text=f"{t.priority} · {t.status} · {t.category} · raised {when(t.created_at, now)} by {t.requester_name}",
        fields=(Field("SLA", f"{state}, {until(t.sla_due, now)}"), Field("Assigned to", t.assignee_name or "nobody")),
        buttons=agent_buttons(t) if for_agent else (),
    )


async def support(ctx: Context, rest: str) -> Reply:
    text = rest.strip()
    if not text:
        return support_form()
    return await raise_request(ctx, text)


async def raise_request(
    ctx: Context,
    text: str,
    *,
    summary: str | None = None,
    category: str | None = None,
    priority: str | None = None,
    location: str = "",
    contact: str = "",
) -> Reply:
    text = text.strip()
    if len(text) > MAX_DESCRIPTION:
        raise UsageError(
            f"That description is {len(text):,} characters; the limit is {MAX_DESCRIPTION:,}. "
            "Please shorten it (attach logs to the request later if the desk asks for them).",
            "support",
        )
    guessed_category, guessed_priority = guess_category(text if summary is None else f"{summary} {text}")
    category = category or guessed_category.value
    priority = priority or guessed_priority.value
    first_line = (summary or text).strip().splitlines()[0] if (summary or text).strip() else text
    t = await ctx.store.create_ticket(
        ctx.user.key,
        summary=clip(first_line, 120),
        description=text,
        category=category,
        priority=priority,
        origin=ctx.origin,
        location=location,
        contact=contact,
        now=ctx.clock(),
    )
    security = (
        "\nThis looks like a security incident: disconnect from the network if you clicked a link, "
        "and don't forward the message."
        if t.category == Category.SECURITY.value
        else ""
    )
    return Reply(
        tone=Tone.SUCCESS,
        title=f"{t.ref} raised",
        text=(
            f"Thanks {ctx.user.display_name.split(' ')[0]}, I've logged {t.ref} as {t.category}, "
            f"{t.priority} ({PRIORITY_WORDS[t.priority]}). The target is to resolve it within {sla_target(t.priority)} "
            f"(by {local_time(t.sla_due)}). I'll message you here when it moves.{security}"
        ),
        fields=(Field("Summary", t.summary), Field("Category", t.category), Field("Priority", t.priority)),
        buttons=(Button("View request", "ticket", t.ref),),
    )


def support_form(initial_description: str = "") -> Reply:
    form = Form(
        form_id="support",
        title="Ask ICT for help",
        submit_label="Raise request",
        typed_alternative=SUPPORT_TYPED,
        inputs=(
            Input(
                "category",
                "Category",
                InputKind.CHOICE,
                choices=tuple(Choice(c.value.capitalize(), c.value) for c in Category),
                required=False,
                placeholder="I'll guess from your description",
            ),
            Input(
                "priority",
                "Priority",
                InputKind.CHOICE,
                choices=tuple(Choice(f"{p.value} {PRIORITY_WORDS[p.value]}", p.value) for p in Priority),
                required=False,
                placeholder="I'll judge it from your description",
            ),
            Input("summary", "Summary", InputKind.TEXT, max_length=120, placeholder="e.g. VPN drops every few minutes"),
            Input(
                "description",
                "Description",
                InputKind.MULTILINE,
                max_length=MAX_DESCRIPTION,
                initial=initial_description or None,
                placeholder="What happened, any error message, what you have tried",
            ),
            Input(
                "location",
                "Where are you working?",
                InputKind.TEXT,
                required=False,
                max_length=200,
                placeholder="Home, Maidstone House, Swale House, Tunbridge Wells Town Hall...",
            ),
            Input(
                "contact",
                "How can we reach you?",
                InputKind.TEXT,
                required=False,
                max_length=200,
                placeholder="Mobile number or best time to call",
            ),
        ),
    )
    return Reply(title="Ask ICT for help", text="Tell us what's wrong and we'll take it from there.", form=form)


SUPPORT_TYPED = "support DESCRIPTION (for example: support my laptop will not connect to the VPN)"


async def submit_support_form(ctx: Context, values: dict[str, str]) -> Reply | dict[str, str]:
    errors: dict[str, str] = {}
    summary = " ".join((values.get("summary") or "").split())
    description = (values.get("description") or "").strip()
    category = (values.get("category") or "").strip().lower() or None
    priority = (values.get("priority") or "").strip().upper() or None
    if not summary:
        errors["summary"] = "Give a short summary of the problem."
    elif len(summary) > 120:
        errors["summary"] = "Keep the summary under 120 characters; put the detail in the description."
    if not description:
        errors["description"] = "Describe the problem: what happened and any error message."
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = f"The description is limited to {MAX_DESCRIPTION:,} characters."
    if category and category not in tuple(Category):
        errors["category"] = "Choose one of the listed categories."
    if priority and priority not in tuple(Priority):
        errors["priority"] = "Choose P1, P2, P3 or P4."
    if errors:
        return errors
    return await raise_request(
        ctx,
        description,
        summary=summary,
        category=category,
        priority=priority,
        location=values.get("location") or "",
        contact=values.get("contact") or "",
    )


async def ticket(ctx: Context, rest: str) -> Reply:
    ref, _ = _ref(rest, "ticket")
    t = await ctx.store.get_ticket(ref, ctx.user.key)
    reply = ticket_card(t, ctx.now, for_agent=ctx.user.can_work_tickets)
    history = tuple(
        Item(title=f"{e.kind} by {e.actor_name}, {when(e.at, ctx.now)}", text=str(e.detail.get("note", "")))
        for e in t.events[-10:]
    )
    return Reply(
        title=reply.title,
        text=reply.text,
        fields=reply.fields,
        buttons=reply.buttons,
        items=history,
        footer="Add information with: comment " + t.ref + " TEXT" if t.is_open else None,
    )


async def tickets(ctx: Context, rest: str) -> Reply:
    mine = await ctx.store.my_tickets(ctx.user.key)
    if not mine:
        return Reply(text="You have no open support requests. Type 'support' and describe a problem to raise one.")
    return Reply(
        title="Your open requests",
        text=plural(len(mine), "open request"),
        items=tuple(ticket_item(t, ctx.now, for_agent=False) for t in mine[:LIST_LIMIT]),
        more=max(0, len(mine) - LIST_LIMIT),
        more_hint=f"ticket {TicketRef.SHAPE}",
    )


QUEUE_FILTERS = "P1, P2, P3, P4, mine or unassigned"


async def queue(ctx: Context, rest: str) -> Reply:
    word = rest.strip().lower()
    narrow: dict = {}
    if word.upper() in PRIORITY_WORDS:
        narrow, label = {"priority": word.upper()}, f"{word.upper()} "
    elif word in ("mine", "my", "me"):
        narrow, label = {"assignee_key": ctx.user.key}, "your "
    elif word in ("unassigned", "nobody", "new"):
        narrow, label = {"unassigned": True}, "unassigned "
    elif word:
        raise UsageError(f"'{clip(rest, 20)}' is not a queue filter; use {QUEUE_FILTERS}.", "queue")
    else:
        label = ""
    rows, total = await ctx.store.queue(ctx.user.key, limit=LIST_LIMIT, **narrow)
    title = f"Service desk queue{f': {word}' if word else ''}"
    if not rows:
        return Reply(title=title, text=f"No {label}open requests. Nice.")
    breached = sum(1 for t in rows if t.sla_state(ctx.now) == "breached")
    return Reply(
        title=title,
        text=f"{plural(total, label + 'open request')}, by priority then age"
        + (f"; {breached} of these past their SLA" if breached else "")
        + ".",
        items=tuple(ticket_item(t, ctx.now, for_agent=True) for t in rows),
        more=max(0, total - len(rows)),
        more_hint=None if word else "queue P1 (or P2, P3, P4, mine, unassigned)",
    )


async def assign(ctx: Context, rest: str) -> Reply:
    ref, who = _ref(rest, "assign")
    assignee_key = None
    if who and who.lower() not in ("me", "myself"):
        found = await ctx.store.find_user_by_mention(who)
        if not found:
            raise UsageError(f"I don't know anyone called '{clip(who, 40)}'. Use their user key or email.", "assign")
        if len(found) > 1:
            raise UsageError(f"'{clip(who, 40)}' matches {len(found)} people; use their user key.", "assign")
        assignee_key = found[0].key
    t = await ctx.store.assign_ticket(ref, ctx.user.key, assignee_key, now=ctx.clock())
    return Reply(
        tone=Tone.SUCCESS,
        text=f"{t.ref} is assigned to {t.assignee_name}. {t.requester_name} has been told.",
        visibility=Visibility.PUBLIC if ctx.origin.platform != "local" else Visibility.PRIVATE,
    )


async def priority(ctx: Context, rest: str) -> Reply:
    ref, level = _ref(rest, "priority")
    if not level:
        if not ctx.user.can_work_tickets:
            return Reply(tone=Tone.WARNING, text=DESK_ONLY)
        return Reply(
            text=f"Choose a priority for {ref}.",
            buttons=tuple(Button(f"{p} {PRIORITY_WORDS[p]}", "priority", f"{ref} {p}") for p in PRIORITY_WORDS),
        )
    if level.upper() not in PRIORITY_WORDS:
        raise UsageError(f"'{clip(level, 10)}' is not a priority; use P1, P2, P3 or P4.", "priority")
    t = await ctx.store.set_ticket_priority(ref, ctx.user.key, level.upper(), now=ctx.clock())
    return Reply(tone=Tone.SUCCESS, text=f"{t.ref} is now {t.priority}; the SLA target is {until(t.sla_due, ctx.now)}.")


async def waiting(ctx: Context, rest: str) -> Reply:
    ref, note = _ref(rest, "waiting")
    if not note:
        raise UsageError("Say what you need from the requester.", "waiting")
    t = await ctx.store.set_ticket_waiting(ref, ctx.user.key, note, now=ctx.clock())
    return Reply(tone=Tone.SUCCESS, text=f"{t.ref} is waiting on {t.requester_name}; I've sent them your question.")


async def resolve(ctx: Context, rest: str) -> Reply:
    ref, note = _ref(rest, "resolve")
    if not note:
        if not ctx.user.can_work_tickets:
            return Reply(tone=Tone.WARNING, text=DESK_ONLY)
        return resolve_form(ref)
    t = await ctx.store.resolve_ticket(ref, ctx.user.key, note, now=ctx.clock())
    return Reply(
        tone=Tone.SUCCESS,
        text=f"{t.ref} is resolved. {t.requester_name} has been told.",
        fields=(Field("Resolution", t.resolution or ""),),
    )


def resolve_form(ref: TicketRef) -> Reply:
    return Reply(
        title=f"Resolve {ref}",
        text="Say what fixed it; the requester will see this note.",
        form=Form(
            form_id="resolve",
            title=f"Resolve {ref}",
            submit_label="Resolve",
            private_metadata=str(ref),
            typed_alternative=f"resolve {ref} NOTE",
            inputs=(Input("note", "Resolution note", InputKind.MULTILINE, max_length=2000),),
        ),
    )


async def submit_resolve_form(ctx: Context, values: dict[str, str], metadata: str) -> Reply | dict[str, str]:
    note = (values.get("note") or "").strip()
    if not note:
        return {"note": "Say what fixed it."}
    return await resolve(ctx, f"{metadata} {note}")


async def comment(ctx: Context, rest: str) -> Reply:
    ref, note = _ref(rest, "comment")
    if not note:
        raise UsageError("Add the text to put on the request.", "comment")
    t = await ctx.store.add_comment(ref, ctx.user.key, note, now=ctx.clock())
    return Reply(tone=Tone.SUCCESS, text=f"Added to {t.ref}. The service desk can see it.")
