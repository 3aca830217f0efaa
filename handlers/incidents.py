"""Major incidents in chat: the desk opens one (`incident open TITLE`), which is announced in the triage and
announcement channels; new requests that match it are offered to join it; requests are linked to it
(`link ICT-5 INC-3`, or the requester's own `join INC-3 ICT-5`); `incident resolve INC-3 NOTE` resolves
every open request linked to it, each requester told once. Also the Teams `set-announce` command and the
words of the incident notices."""

from __future__ import annotations

from handlers.admin import choose_teams_conversation
from handlers.context import Context, UsageError
from handlers.formatting import clip, plural, when
from handlers.nlu import guess
from handlers.problems import EXAMPLE_TICKET
from handlers.registry import Command, Who
from handlers.reply import Button, Field, Item, Reply, Tone, Visibility
from handlers.support import raise_ticket
from storage import IncidentRecord, IncidentRef, InvalidInput, NotificationRecord, TicketRef
from storage.enums import NoticeKind

#: The owner under which the Teams announcement conversation's reference is stored.
ANNOUNCE_OWNER = "announce"
EXAMPLE_INCIDENT = IncidentRef(3)
SUBCOMMANDS = "open TITLE, resolve INC-N NOTE, or INC-N to see one"


def _incident_ref(word: str, command: str) -> IncidentRef:
    try:
        return IncidentRef.parse(word)
    except InvalidInput:
        raise UsageError(f"'{clip(word, 20)}' is not an incident reference like {EXAMPLE_INCIDENT}.", command) from None


def incident_item(i: IncidentRecord, ctx: Context) -> Item:
    counts = f"{plural(i.open_requests, 'open request')} linked" + (
        f" ({i.requests} in all)" if i.requests != i.open_requests else ""
    )
    return Item(
        title=f"{i.ref} {i.title}",
        text=f"{i.category} · opened {when(i.opened_at, ctx.now)} by {i.opened_by_name} · {counts}"
        + (f"\nResolved {when(i.resolved_at, ctx.now)}: {i.resolution}" if i.resolved_at else ""),
    )


async def incident(ctx: Context, rest: str) -> Reply:
    verb, _, tail = rest.strip().partition(" ")
    verb = verb.lower()
    if verb in ("", "list", "open") and not (verb == "open" and tail.strip()):
        if verb == "open":
            raise UsageError("Give the incident a title people will recognise.", "incident")
        return await _list(ctx)
    if verb == "open":
        return await _open(ctx, tail)
    if verb in ("resolve", "close", "fixed"):
        return await _resolve(ctx, tail)
    if IncidentRef.looks_like(rest):
        i = await ctx.store.get_incident(rest)
        return Reply(title=f"{i.ref} {i.title}", text="", items=(incident_item(i, ctx),))
    raise UsageError(f"Say what to do with incidents: {SUBCOMMANDS}.", "incident")


async def _list(ctx: Context) -> Reply:
    known = await ctx.store.open_incidents()
    if not known:
        return Reply(title="Known issues", text="There are no major incidents open.")
    return Reply(
        title="Known issues",
        text=f"{plural(len(known), 'major incident')} open. If one affects you, add your request to it: "
        f"join {known[0].ref} ICT-N (or describe the problem and I'll offer it).",
        items=tuple(incident_item(i, ctx) for i in known),
    )


async def _open(ctx: Context, title: str) -> Reply:
    category, _priority = guess(title)
    i = await ctx.store.open_incident(ctx.user.key, title, category, now=ctx.clock())
    return Reply(
        tone=Tone.SUCCESS,
        title=f"{i.ref} is open",
        text=f"{i.ref} \u201c{i.title}\u201d ({i.category}) is announced in the triage and announcement channels. "
        f"New requests that match it are offered to join it. Link others with: link {EXAMPLE_TICKET} {i.ref}. "
        f"When it is fixed: incident resolve {i.ref} WHAT FIXED IT (that resolves every request linked to it).",
        visibility=Visibility.PUBLIC if ctx.origin.platform != "local" else Visibility.PRIVATE,
    )


async def _resolve(ctx: Context, rest: str) -> Reply:
    word, _, note = rest.strip().partition(" ")
    if not word:
        raise UsageError("Which incident? Give its reference, then what fixed it.", "incident")
    ref = _incident_ref(word, "incident")
    if not note.strip():
        raise UsageError(f"Say what fixed {ref}; every requester linked to it will see it.", "incident")
    i, resolved = await ctx.store.resolve_incident(ref, ctx.user.key, note, now=ctx.clock())
    told = (
        f" {plural(len(resolved), 'linked request')} resolved, each requester told: "
        + ", ".join(t.ref for t in resolved[:20])
        + ("..." if len(resolved) > 20 else "")
        + "."
        if resolved
        else " No open requests were linked to it."
    )
    return Reply(tone=Tone.SUCCESS, text=f"{i.ref} \u201c{i.title}\u201d is resolved.{told}")


async def join(ctx: Context, rest: str) -> Reply:
    """A requester adds their request (ICT-N), or a new one described here, to a major incident."""
    word, _, tail = rest.strip().partition(" ")
    if not word:
        raise UsageError("Which incident? Give its reference.", "join")
    ref = _incident_ref(word, "join")
    tail = tail.strip()
    if not tail:
        raise UsageError(f"Say which of your requests is about {ref}, or describe the problem.", "join")
    try:
        ticket, more = TicketRef.split(tail)
    except InvalidInput:
        ticket, more = None, tail
    if ticket is None or more:  # a description: raise it as part of the incident
        made = await raise_ticket(ctx, tail)
        t, i = await ctx.store.join_incident(made.ref, ref, ctx.user.key, now=ctx.clock())
    else:
        t, i = await ctx.store.join_incident(ticket, ref, ctx.user.key, now=ctx.clock())
    return Reply(
        tone=Tone.SUCCESS,
        text=f"{t.ref} is part of {i.ref} \u201c{i.title}\u201d. The service desk is working on it; "
        f"I'll tell you here when it is fixed.",
        buttons=(Button("View request", "ticket", t.ref),),
    )


async def set_announce(ctx: Context, rest: str) -> Reply:
    """Typed by an admin, mentioning the bot, in the Teams channel where major incidents are announced."""
    return await choose_teams_conversation(
        ctx, ANNOUNCE_OWNER, "major incident announcements", "Major incidents will be announced in this conversation."
    )


# ------------------------------------------------------------ what the channels are told


def incident_notice(notice: NotificationRecord) -> Reply:
    """An incident opened or resolved, as the triage and announcement channels are told it."""
    ref = IncidentRef(int(notice.payload["incident"]))
    title = str(notice.payload.get("title", ""))
    desk = notice.payload.get("to") == "triage"
    if notice.kind == NoticeKind.INCIDENT_RESOLVED:
        return Reply(
            tone=Tone.SUCCESS,
            title=f"Fixed: {ref} {title}",
            text=f"{notice.payload.get('note', '')}\nResolved by {notice.payload.get('by', 'the service desk')}."
            + (" Its linked requests are resolved and their requesters told." if desk else ""),
        )
    if desk:
        text = (
            f"Opened by {notice.payload.get('by', 'the service desk')} ({notice.payload.get('category', '')}). "
            f"Link requests to it with: link {EXAMPLE_TICKET} {ref}. Resolve it (and them) with: "
            f"incident resolve {ref} NOTE"
        )
    else:
        text = (
            "The ICT service desk knows about this and is working on it: there is no need to raise a request. "
            f"If it affects you, tell me about it and I'll add you to {ref}, so you hear when it is fixed."
        )
    return Reply(
        tone=Tone.WARNING,
        title=f"Major incident {ref}: {title}",
        text=text,
        fields=(Field("Incident", str(ref)),),
    )


COMMANDS = (
    Command(
        "incident",
        incident,
        "incident [open TITLE | resolve INC-N NOTE | INC-N]",
        "incident open VPN down for home workers",
        "Major incidents: list the known issues, or (the desk) open and resolve one",
        aliases=("incidents", "known issues", "outage"),
    ),
    Command(
        "join",
        join,
        "join INC-N REF|DESCRIPTION",
        f"join {EXAMPLE_INCIDENT} {EXAMPLE_TICKET}",
        "Add your request (or a new one) to a known major incident",
    ),
    Command(
        "set-announce",
        set_announce,
        "set-announce",
        "set-announce",
        "Announce major incidents in this Teams channel",
        aliases=("teams set-announce",),
        who=Who.ADMINS,
        refusal="Only an ICT Assistant admin can choose the announcement channel.",
    ),
)
