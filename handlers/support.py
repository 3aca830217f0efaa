"""Requesters' commands: raise a support request (typed or by form), list and show requests, comment."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from handlers import kb
from handlers.context import Context, UsageError
from handlers.formatting import clip, local_time, plural, when
from handlers.nlu import guess
from handlers.nlu.details import work_setting as said_setting
from handlers.problems import EXAMPLE_TICKET
from handlers.registry import Command, Place
from handlers.reply import Button, Choice, Field, Form, Input, InputKind, Item, Reply, Tone
from handlers.similar import same_problem
from handlers.ticket_cards import PRIORITY_WORDS, score_text, sla_target, ticket_card, ticket_item
from storage import Conflict, IncidentRecord, InvalidInput, TicketEventRecord, TicketRecord, TicketRef
from storage.enums import Category, Council, Priority, WorkSetting
from storage.records import ArticleRecord
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


#: Put before a description (by the "Raise a new request" button): raise it even though a like one is open.
NEW_ANYWAY = "--new"
#: A request raised this recently by the same person, still open and like the new one, is offered instead.
SIMILAR_WITHIN = timedelta(hours=24)
BUTTON_TEXT = 1800


async def support(ctx: Context, rest: str) -> Reply:
    text = rest.strip()
    if not text:
        return support_form(setting=ctx.user.work_setting)
    anyway = text.split(" ", 1)[0].lower() == NEW_ANYWAY
    return await raise_request(ctx, text[len(NEW_ANYWAY) :] if anyway else text, check_similar=not anyway)


@dataclass(frozen=True, slots=True)
class Wanted:
    """A request as asked for, checked and with its category and priority decided."""

    text: str
    summary: str
    category: str
    priority: str


def wanted(text: str, summary: str | None, category: str | None, priority: str | None) -> Wanted:
    text = text.strip()
    if len(text) > MAX_DESCRIPTION:
        raise UsageError(
            f"That description is {len(text):,} characters; the limit is {MAX_DESCRIPTION:,}. "
            "Please shorten it (attach logs to the request later if the desk asks for them).",
            "support",
        )
    guessed_category, guessed_priority = guess(text if summary is None else f"{summary} {text}")
    first_line = (summary or text).strip().splitlines()[0] if (summary or text).strip() else text
    return Wanted(text, clip(first_line, 120), category or guessed_category, priority or guessed_priority)


async def raise_ticket(
    ctx: Context,
    text: str,
    *,
    summary: str | None = None,
    category: str | None = None,
    priority: str | None = None,
    location: str = "",
    contact: str = "",
    work_setting: str | None = None,
) -> TicketRecord:
    """Raise the request, with nothing asked or offered first."""
    return await _create(ctx, wanted(text, summary, category, priority), location, contact, work_setting, summary)


async def _create(
    ctx: Context,
    w: Wanted,
    location: str,
    contact: str,
    work_setting: str | None,
    summary: str | None,
    tried: ArticleRecord | None = None,
) -> TicketRecord:
    return await ctx.store.create_ticket(
        ctx.user.key,
        summary=w.summary,
        description=w.text,
        category=w.category,
        priority=w.priority,
        origin=ctx.origin,
        location=location,
        contact=contact,
        work_setting=work_setting or said_setting(f"{summary or ''} {w.text} {location}"),
        submission_key=ctx.submission,
        now=ctx.clock(),
        tried=tried,
        tried_text=w.text,
    )


async def raise_request(
    ctx: Context,
    text: str,
    *,
    summary: str | None = None,
    category: str | None = None,
    priority: str | None = None,
    location: str = "",
    contact: str = "",
    work_setting: str | None = None,
    check_similar: bool = True,
    tried: ArticleRecord | None = None,
    with_articles: bool = True,
) -> Reply:
    """Raise the request and say so, with what the desk would like to know (council, where) and the known
    issue it looks like, and the help articles that fit (each with a button that withdraws the request because
    the article fixed it; never for a security incident); but first, if the person has a like request open from
    the last day, offer that. tried: the help article that did not fix it (noted on the request)."""
    w = wanted(text, summary, category, priority)
    if check_similar and tried is None and w.category != Category.SECURITY.value:
        earlier = await _like_one_open(ctx, w)
        if earlier is not None:
            return _offer_earlier(ctx, earlier, w)
    t = await _create(ctx, w, location, contact, work_setting, summary, tried)
    known = None
    if t.incident_number is None and t.category != Category.SECURITY.value:
        incidents = await ctx.store.open_incidents()
        known = next(
            (i for i in incidents if same_problem(i.title, i.category, f"{w.summary} {w.text}", w.category)), None
        )
    security = (
        "\nThis looks like a security incident: disconnect from the network if you clicked a link, "
        "and don't forward the message."
        if t.category == Category.SECURITY.value
        else ""
    )
    articles: tuple[Item, ...] = ()
    if with_articles and tried is None and t.category != Category.SECURITY.value:
        found = await kb.find(ctx, f"{w.summary} {w.text}" if summary else w.text, kb.OFFERED)
        articles = kb.withdraw_items(found, t)
    noted = f"\nI've noted on it that you tried “{tried.title}”." if tried is not None else ""
    return Reply(
        tone=Tone.SUCCESS,
        title=f"{t.ref} raised",
        text=(
            f"Thanks {ctx.user.display_name.split(' ')[0]}, I've logged {t.ref} as {t.category}, "
            f"{t.priority} ({PRIORITY_WORDS[t.priority]}). The target is to resolve it within {sla_target(ctx.store.sla, t.priority)} "
            f"(by {local_time(t.sla_due)}). I'll message you here when it moves.{security}{noted}"
            + ("\nWhile you wait, this may fix it:" if articles else "")
        ),
        fields=(Field("Summary", t.summary), Field("Category", t.category), Field("Priority", t.priority)),
        items=((known_issue_item(t, known),) if known else ()) + articles + whereabouts_questions(t),
        buttons=(Button("View request", "ticket", t.ref),),
    )


async def _like_one_open(ctx: Context, w: Wanted) -> TicketRecord | None:
    """The person's newest open request from the last day that is like this one (not the one this very
    press or submission made, when it arrives again)."""
    since = ctx.now - SIMILAR_WITHIN
    for t in await ctx.store.my_tickets(ctx.user.key, limit=LIST_LIMIT):
        if t.created_at < since or (ctx.submission and t.submission_key == ctx.submission):
            continue
        if same_problem(f"{t.summary} {t.description}", t.category, f"{w.summary} {w.text}", w.category):
            return t
    return None


def _offer_earlier(ctx: Context, earlier: TicketRecord, w: Wanted) -> Reply:
    return Reply(
        title=f"Is this about {earlier.ref}?",
        text=f"You raised {earlier.ref} \u201c{clip(earlier.summary, 100)}\u201d {when(earlier.created_at, ctx.now)} "
        f"and it is still open ({earlier.status}). Shall I add this to it, so the desk has it all in one place?",
        buttons=(
            Button(f"Add to {earlier.ref}", "comment", f"{earlier.ref} {clip(w.text, BUTTON_TEXT)}", style="primary"),
            Button("Raise a new request", "support", f"{NEW_ANYWAY} {clip(w.text, BUTTON_TEXT)}"),
        ),
    ).offering()


def known_issue_item(t: TicketRecord, i: IncidentRecord) -> Item:
    return Item(
        title=f"This looks like the known issue {i.ref}",
        text=f"\u201c{i.title}\u201d: the service desk is already working on it. Add {t.ref} to it and you'll "
        "hear as soon as it is fixed.",
        buttons=(Button(f"Add {t.ref} to {i.ref}", "join", f"{i.ref} {t.ref}", style="primary"),),
    )


def whereabouts_questions(t: TicketRecord) -> tuple[Item, ...]:
    """Asked once, when not known: the requester's council and where they are working (the desk reports by
    both). The answer is remembered for their next requests."""
    asked = []
    if t.council is None:
        asked.append(
            Item(
                title="Which council do you work for?",
                buttons=tuple(Button(c.value, "where", f"{t.ref} {c.value}") for c in Council),
            )
        )
    if t.work_setting is None:
        asked.append(
            Item(
                title="Where are you working today?",
                buttons=tuple(Button(label, "where", f"{t.ref} {w.value}") for w, label in SETTING_CHOICES.items()),
            )
        )
    return tuple(asked)


#: What to do at once about a security incident, while the service desk takes it up.
SECURITY_STEPS = (
    "Disconnect from the network now: turn off wifi or unplug the network cable. Leave the device switched on.",
    "Don't delete the email or forward it to anyone: the service desk may need it as it is.",
    "If you typed your password into a page, change it from another device and tell the desk.",
    "A lost or stolen device: tell the desk when and where you last had it (and the police, if it was stolen).",
    "Personal data sent to the wrong person: ask them to delete it, and tell your information governance team.",
)


async def security_incident(ctx: Context, text: str, *, tried: ArticleRecord | None = None) -> Reply:
    """A security incident told in conversation (or reported from its help article, `tried`): raised at once at
    P1, with what to do now."""
    raised = await raise_request(
        ctx, text, category=Category.SECURITY.value, priority=Priority.P1.value, tried=tried, with_articles=False
    )
    steps = Item(title="What to do now", text="\n".join(f"• {s}" for s in SECURITY_STEPS))
    return replace(raised, items=(steps, *raised.items))


#: The work settings as the form and the buttons offer them.
SETTING_CHOICES = {
    WorkSetting.HOME: "At home",
    WorkSetting.OFFICE: "In a council office",
    WorkSetting.BOROUGH: "Out in the borough",
}


def support_form(initial_description: str = "", *, setting: str | None = None) -> Reply:
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
                "work_setting",
                "Where are you working?",
                InputKind.CHOICE,
                choices=tuple(Choice(label, w.value) for w, label in SETTING_CHOICES.items()),
                required=False,
                initial=setting,
                placeholder="Choose one",
            ),
            Input(
                "location",
                "Which office or place?",
                InputKind.TEXT,
                required=False,
                max_length=200,
                placeholder="Maidstone House, Swale House, Tunbridge Wells Town Hall, a site visit...",
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
    setting = (values.get("work_setting") or "").strip().lower() or None
    if setting and setting not in tuple(WorkSetting):
        errors["work_setting"] = "Choose at home, in a council office or out in the borough."
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
        work_setting=setting,
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
        personal=not ctx.user.can_work_tickets,  # the requester's own request; the desk works in the open
    )


def event_title(e: TicketEventRecord) -> str:
    """What happened: its kind, with the score for a rating ('rated 2/5 (Poor)')."""
    if e.kind == "rated" and isinstance(e.detail.get("score"), int):
        return f"rated {score_text(e.detail['score'])}"
    return e.kind


async def tickets(ctx: Context, rest: str) -> Reply:
    mine = await ctx.store.my_tickets(ctx.user.key)
    if not mine:
        return Reply(
            text="You have no open support requests. Type 'support' and describe a problem to raise one.",
            personal=True,
        )
    return Reply(
        title="Your open requests",
        personal=True,
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
        ).offering()
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
        aliases=("raise", "request", "helpdesk"),
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
