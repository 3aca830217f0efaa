"""Requesters' commands: raise a support request (typed or by form), list and show requests, comment."""

from __future__ import annotations

from dataclasses import replace

from handlers.context import Context, UsageError
from handlers.formatting import clip, local_time, plural, when
from handlers.nlu import guess
from handlers.problems import EXAMPLE_TICKET
from handlers.registry import Command, Place
from handlers.reply import Button, Choice, Field, Form, Input, InputKind, Item, Reply, Tone
from handlers.ticket_cards import PRIORITY_WORDS, score_text, sla_target, ticket_card, ticket_item
from storage import Conflict, InvalidInput, TicketEventRecord, TicketRecord, TicketRef
from storage.enums import Category, Priority
from storage.tickets import may_reopen

LIST_LIMIT = 20
MAX_DESCRIPTION = 10_000


def _ref(rest: str, command: str) -> tuple[TicketRef, str]:
    """The request a command is about, and the rest of what was typed after its reference."""
    if not rest.strip():
        raise UsageError("Which request? Give its reference.", command)
    try:
        return TicketRef.split(rest)
    except InvalidInput as e:
        shown = clip(str(e.value), 20)
        raise UsageError(f"'{shown}' is not a request reference like {EXAMPLE_TICKET}.", command) from None


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
    guessed_category, guessed_priority = guess(text if summary is None else f"{summary} {text}")
    category = category or guessed_category
    priority = priority or guessed_priority
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
        submission_key=ctx.submission,
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
            f"{t.priority} ({PRIORITY_WORDS[t.priority]}). The target is to resolve it within {sla_target(ctx.store.sla, t.priority)} "
            f"(by {local_time(t.sla_due)}). I'll message you here when it moves.{security}"
        ),
        fields=(Field("Summary", t.summary), Field("Category", t.category), Field("Priority", t.priority)),
        buttons=(Button("View request", "ticket", t.ref),),
    )


#: What to do at once about a security incident, while the service desk takes it up.
SECURITY_STEPS = (
    "Disconnect from the network now: turn off wifi or unplug the network cable. Leave the device switched on.",
    "Don't delete the email or forward it to anyone: the service desk may need it as it is.",
    "If you typed your password into a page, change it from another device and tell the desk.",
    "A lost or stolen device: tell the desk when and where you last had it (and the police, if it was stolen).",
    "Personal data sent to the wrong person: ask them to delete it, and tell your information governance team.",
)


async def security_incident(ctx: Context, text: str) -> Reply:
    """A security incident told in conversation: raised at once at P1, with what to do now."""
    raised = await raise_request(ctx, text, category=Category.SECURITY.value, priority=Priority.P1.value)
    return replace(raised, items=(Item(title="What to do now", text="\n".join(f"• {s}" for s in SECURITY_STEPS)),))


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


async def submit_support_form(ctx: Context, values: dict[str, str], metadata: str = "") -> Reply | dict[str, str]:
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
        Item(title=f"{event_title(e)} by {e.actor_name}, {when(e.at, ctx.now)}", text=str(e.detail.get("note", "")))
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


def event_title(e: TicketEventRecord) -> str:
    """What happened: its kind, with the score for a rating ('rated 2/5 (Poor)')."""
    if e.kind == "rated" and isinstance(e.detail.get("score"), int):
        return f"rated {score_text(e.detail['score'])}"
    return e.kind


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


async def comment(ctx: Context, rest: str) -> Reply:
    ref, note = _ref(rest, "comment")
    if not note:
        raise UsageError("Add the text to put on the request.", "comment")
    try:
        t = await ctx.store.add_comment(ref, ctx.user.key, note, now=ctx.clock())
    except Conflict as e:
        if e.code != "closed_to_comments":
            raise
        closed = await ctx.store.get_ticket(ref, ctx.user.key)
        if not may_reopen(closed, ctx.now):
            raise
        return Reply(
            tone=Tone.WARNING,
            text=f"{closed.ref} is resolved. If the problem is back, reopen it and the service desk will pick it up.",
            buttons=(Button("Reopen it", "reopen", f"{closed.ref} {clip(note, 1800)}", style="primary"),),
        )
    return Reply(tone=Tone.SUCCESS, text=f"Added to {t.ref}. {told(t, ctx)}")


def told(t: TicketRecord, ctx: Context) -> str:
    """Who hears of a change the person made to a request: the other side of it."""
    if t.requester_key in ctx.user.person_keys:
        return f"{t.assignee_name} has been told." if t.assignee_name else "The service desk will see it in the queue."
    return f"{t.requester_name} has been told."


PERSONAL, EVERYWHERE = frozenset({Place.PERSONAL_CHAT}), frozenset(Place)
COMMANDS = (
    Command(
        "support",
        support,
        "support DESCRIPTION",
        "support my laptop will not connect to the VPN",
        "Ask ICT for help",
        aliases=("raise", "request", "report", "helpdesk"),
        form_id="support",
        submit=submit_support_form,
        offered=EVERYWHERE,
        hint="support [problem]",
    ),
    Command(
        "tickets",
        tickets,
        "tickets",
        "tickets",
        "Your open support requests",
        aliases=("requests", "my-requests", "mine"),
        offered=PERSONAL,
        hint="tickets",
        reads_only=True,
    ),
    Command(
        "ticket",
        ticket,
        "ticket REF",
        f"ticket {EXAMPLE_TICKET}",
        "One support request and its history",
        aliases=("show",),
        offered=EVERYWHERE,
        hint=f"ticket {EXAMPLE_TICKET}",
        reads_only=True,
    ),
    Command(
        "comment",
        comment,
        "comment REF TEXT",
        f"comment {EXAMPLE_TICKET} It happens on the office wifi too",
        "Add to a request",
        aliases=("reply", "add"),
        offered=PERSONAL,
    ),
)
