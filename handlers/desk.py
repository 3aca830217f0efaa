"""The service desk's commands: the queue, assign, priority, waiting and resolve (with its form)."""

from __future__ import annotations

import re

from handlers.context import Context, UsageError
from handlers.formatting import clip, plural, until
from handlers.nlu.details import action_refs
from handlers.people import PERSON_HELP, person_named
from handlers.problems import EXAMPLE_TICKET, problem_text
from handlers.registry import Command, Place, Who
from handlers.reply import Button, Field, Form, Input, InputKind, Reply, Tone, Visibility
from handlers.support import LIST_LIMIT, _ref
from handlers.ticket_cards import PRIORITY_WORDS, ticket_item
from storage import IncidentRef, NotFound, TicketRef

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
        text=f"{plural(total, label + 'open request')}, by the time left on their SLA"
        + (f"; {breached} of these past their SLA" if breached else "")
        + ".",
        items=tuple(ticket_item(t, ctx.now, for_agent=True) for t in rows),
        more=max(0, total - len(rows)),
        more_hint=None if word else "queue P1 (or P2, P3, P4, mine, unassigned)",
    )


_TO = re.compile(r"^to\s+", re.IGNORECASE)


async def assign(ctx: Context, rest: str) -> Reply:
    ref, who = _ref(rest, "assign")
    who = _TO.sub("", who or "").strip()  # "assign ICT-4 to me", "assign ICT-4 to Priya"
    assignee_key = None
    if who and who.lower() not in ("me", "myself"):
        named = await person_named(ctx, who, "assign")
        if named.user is None:
            raise UsageError(f"I don't know anyone called '{clip(who, 40)}'. {PERSON_HELP}", "assign")
        assignee_key = named.user.key
    t = await ctx.store.assign_ticket(ref, ctx.user.key, assignee_key, now=ctx.clock())
    return Reply(
        tone=Tone.SUCCESS,
        text=f"{t.ref} is assigned to {t.assignee_name}. {t.requester_name} has been told.",
        visibility=Visibility.PUBLIC if ctx.origin.platform != "local" else Visibility.PRIVATE,
    )


async def priority(ctx: Context, rest: str) -> Reply:
    ref, level = _ref(rest, "priority")
    if not level:
        return Reply(
            text=f"Choose a priority for {ref}.",
            buttons=tuple(Button(f"{p} {PRIORITY_WORDS[p]}", "priority", f"{ref} {p}") for p in PRIORITY_WORDS),
        )
    if level.upper() not in PRIORITY_WORDS:
        raise UsageError(f"'{clip(level, 10)}' is not a priority; use P1, P2, P3 or P4.", "priority")
    t = await ctx.store.set_ticket_priority(ref, ctx.user.key, level.upper(), now=ctx.clock())
    return Reply(
        tone=Tone.SUCCESS,
        text=f"{t.ref} is now {t.priority}; the SLA target is {until(t.sla_due, ctx.now)}. {t.requester_name} has been told.",
    )


async def waiting(ctx: Context, rest: str) -> Reply:
    ref, note = _ref(rest, "waiting")
    if not note:
        raise UsageError("Say what you need from the requester.", "waiting")
    t = await ctx.store.set_ticket_waiting(ref, ctx.user.key, note, now=ctx.clock())
    return Reply(tone=Tone.SUCCESS, text=f"{t.ref} is waiting on {t.requester_name}; I've sent them your question.")


async def resolve(ctx: Context, rest: str) -> Reply:
    ref, note = _ref(rest, "resolve")
    if not note:
        return resolve_form(ref)
    t = await ctx.store.resolve_ticket(ref, ctx.user.key, note, now=ctx.clock())
    return Reply(
        tone=Tone.SUCCESS,
        text=f"{t.ref} is resolved. {t.requester_name} has been told.",
        fields=(Field("Resolution", t.resolution or ""),),
    )


async def note(ctx: Context, rest: str) -> Reply:
    ref, text = _ref(rest, "note")
    if not text:
        raise UsageError("Write the note for the service desk.", "note")
    t = await ctx.store.add_internal_note(ref, ctx.user.key, text, now=ctx.clock())
    return Reply(tone=Tone.SUCCESS, text=f"Internal note added to {t.ref}. Only the service desk can see it.")


def action_ref_of(word: str) -> str:
    """'rs3', 'RS-3' and 'rs-03' as the plan writes it: RS-03."""
    found = action_refs(word)
    return found[0] if found else word.upper()


_ACTION_REF = re.compile(r"^[A-Za-z]{2,4}-?\d{1,3}$")


async def _link(ctx: Context, rest: str, *, on: bool) -> Reply:
    command = "link" if on else "unlink"
    ref, target = _ref(rest, command)
    target = target.strip()
    if on and IncidentRef.looks_like(target):
        t, i = await ctx.store.join_incident(ref, target, ctx.user.key, now=ctx.clock())
        return Reply(
            tone=Tone.SUCCESS,
            text=f"{t.ref} is part of {i.ref} \u201c{i.title}\u201d ({plural(i.open_requests, 'open request')}). "
            f"Resolving {i.ref} resolves it too.",
        )
    if not _ACTION_REF.match(target):
        raise UsageError(
            f"Name the strategy action, like RS-03{'' if not target else f' (not {clip(target, 20)!r})'}.", command
        )
    action_ref = action_ref_of(target)
    try:
        t, action = await ctx.store.link_ticket_to_action(ref, action_ref, ctx.user.key, on=on, now=ctx.clock())
    except NotFound as e:
        if e.kind != "action":
            raise
        raise UsageError(problem_text(e, command), command) from None
    if on:
        return Reply(
            tone=Tone.SUCCESS,
            text=f"{t.ref} is linked to {action}. 'status {action}' lists its open requests.",
        )
    return Reply(tone=Tone.SUCCESS, text=f"{t.ref} is no longer linked to {action}.")


async def link(ctx: Context, rest: str) -> Reply:
    return await _link(ctx, rest, on=True)


async def unlink(ctx: Context, rest: str) -> Reply:
    return await _link(ctx, rest, on=False)


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
            inputs=(
                Input(
                    "note",
                    "Resolution note",
                    InputKind.MULTILINE,
                    max_length=2000,
                    placeholder="What fixed it, in words the requester will follow",
                ),
            ),
        ),
    )


async def submit_resolve_form(ctx: Context, values: dict[str, str], metadata: str) -> Reply | dict[str, str]:
    note = (values.get("note") or "").strip()
    if not note:
        return {"note": "Say what fixed it."}
    return await resolve(ctx, f"{metadata} {note}")


TEAM = frozenset({Place.TEAM_CHANNEL})
COMMANDS = (
    Command(
        "queue",
        queue,
        "queue [P1-P4|mine|unassigned]",
        "queue unassigned",
        "Open requests by priority and age",
        aliases=("triage",),
        who=Who.AGENTS,
        refusal="The queue is for the ICT service desk (agents) only.",
        offered=TEAM,
        hint="queue",
        reads_only=True,
    ),
    Command(
        "assign",
        assign,
        "assign REF [PERSON]",
        f"assign {EXAMPLE_TICKET}",
        "Take a request (or give it to an agent)",
        aliases=("take",),
        who=Who.AGENTS,
        offered=TEAM,
    ),
    Command(
        "priority",
        priority,
        "priority REF P1-P4",
        f"priority {EXAMPLE_TICKET} P2",
        "Change a request's priority",
        aliases=("prioritise", "prioritize"),
        who=Who.AGENTS,
        offered=TEAM,
    ),
    Command(
        "waiting",
        waiting,
        "waiting REF QUESTION",
        f"waiting {EXAMPLE_TICKET} Which building are you in?",
        "Ask the requester for information",
        aliases=("wait", "ask"),
        who=Who.AGENTS,
        offered=TEAM,
    ),
    Command(
        "link",
        link,
        "link REF ACTION|INC-N",
        f"link {EXAMPLE_TICKET} RS-03",
        "Tie a request to a strategy action, or to a major incident",
        who=Who.AGENTS,
    ),
    Command(
        "unlink",
        unlink,
        "unlink REF ACTION",
        f"unlink {EXAMPLE_TICKET} RS-03",
        "Untie a request from a strategy action",
        who=Who.AGENTS,
    ),
    Command(
        "note",
        note,
        "note REF TEXT",
        f"note {EXAMPLE_TICKET} Same fault as last week's switch in Swale House",
        "An internal note on a request, for the service desk only",
        aliases=("internal",),
        who=Who.AGENTS,
    ),
    Command(
        "resolve",
        resolve,
        "resolve REF NOTE",
        f"resolve {EXAMPLE_TICKET} Reset the VPN profile",
        "Resolve a request",
        aliases=("fix", "fixed"),
        who=Who.AGENTS,
        form_id="resolve",
        submit=submit_resolve_form,
        offered=TEAM,
        hint=f"resolve {EXAMPLE_TICKET} note",
    ),
)
