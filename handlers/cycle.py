"""The strategy cycle in chat: the `board` command (the MKS Shared Services Board's meeting dates), the
Teams `set-strategy` command, and what owners, leads and the strategy channel are told by the cycle's jobs
(check-ins, reminders, nudges about stale actions, the daily digest), as replies every channel renders.

The jobs themselves (when, and who) are storage's (storage/cycle.py); a notice carries only data.
"""

from __future__ import annotations

import logging
from datetime import date

from handlers.admin import choose_teams_conversation
from handlers.context import Context, UsageError
from handlers.formatting import clip, day, long_day, plural
from handlers.registry import Command, Who
from handlers.reply import Button, Field, Item, Reply, Tone
from storage.board import parse_day
from storage.enums import NoticeKind
from storage.records import BoardMeetingRecord, NotificationRecord

log = logging.getLogger(__name__)

#: The owner under which the Teams strategy conversation's reference is stored.
STRATEGY_OWNER = "strategy"
#: How many coming meetings `board` lists.
BOARD_LIST_LIMIT = 12
HOW_TO_UPDATE = "Press Update beside an action, or type: update ACTION PERCENT [red|amber|green] NOTE"


def _iso_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# ------------------------------------------------------------ the board command


def _meeting_item(meeting: BoardMeetingRecord) -> Item:
    return Item(title=long_day(meeting.on), text=meeting.note)


async def board(ctx: Context, rest: str) -> Reply:
    words = rest.split(maxsplit=2)
    verb = words[0].lower() if words else "list"
    if verb in ("list", "dates", "next"):
        return await _board_list(ctx)
    if verb not in ("add", "remove", "delete"):
        raise UsageError(f"I don't know 'board {clip(words[0], 20)}'. Type 'board' to see the coming meetings.")
    if not Who.ADMINS.permits(ctx.user):
        return Reply(tone=Tone.WARNING, text="Only an ICT Assistant admin can change the Board meeting dates.")
    if len(words) < 2:
        raise UsageError(f"Say which date, like 'board {verb} 15/03/2021'.")
    on = parse_day(words[1])
    if verb == "add":
        note = words[2] if len(words) > 2 else ""
        meeting, added = await ctx.store.add_board_meeting(on, actor_key=ctx.user.key, note=note, now=ctx.now)
        if not added:
            return Reply(tone=Tone.INFO, text=f"The Board meeting on {long_day(on)} is already on the list.")
        past = " That date has passed, so no check-ins will be sent for it." if on < ctx.today else ""
        return Reply(tone=Tone.SUCCESS, text=f"Added the Board meeting on {long_day(meeting.on)}.{past}")
    gone = await ctx.store.remove_board_meeting(on, actor_key=ctx.user.key)
    return Reply(tone=Tone.SUCCESS, text=f"Removed the Board meeting on {long_day(gone.on)}.")


async def _board_list(ctx: Context) -> Reply:
    coming = await ctx.store.list_board_meetings(from_day=ctx.today)
    last = await ctx.store.last_board_meeting(ctx.today)
    footer = f"The last Board met on {long_day(last.on)}." if last else None
    if not coming:
        return Reply(
            title="MKS Shared Services Board",
            text="No Board meetings are on the list yet. An admin can add one: board add 15/03/2021 Spring Board",
            footer=footer,
        )
    shown = coming[:BOARD_LIST_LIMIT]
    return Reply(
        title="MKS Shared Services Board: coming meetings",
        text=f"The next Board meets on {long_day(coming[0].on)}. Owners are asked for their updates before each one.",
        items=tuple(_meeting_item(m) for m in shown),
        more=len(coming) - len(shown),
        footer=footer,
    )


# ------------------------------------------------------------ the Teams strategy conversation


async def set_strategy(ctx: Context, rest: str) -> Reply:
    """Typed by an admin, mentioning the bot, in the Teams channel where the strategy digest should appear."""
    return await choose_teams_conversation(
        ctx, STRATEGY_OWNER, "the strategy digest", "The daily strategy digest will be posted in this conversation."
    )


COMMANDS = (
    Command(
        "board",
        board,
        "board [add DATE [NOTE] | remove DATE]",
        "board add 15/03/2021 Spring Board",
        "The MKS Shared Services Board's coming meetings",
        aliases=("board meetings", "boards"),
    ),
    Command(
        "set-strategy",
        set_strategy,
        "set-strategy",
        "set-strategy",
        "Post the daily strategy digest in this Teams channel",
        aliases=("teams set-strategy",),
        who=Who.ADMINS,
        refusal="Only an ICT Assistant admin can choose the strategy channel.",
    ),
)


# ------------------------------------------------------------ what the cycle's jobs tell people


def _action_item(facts: dict, *, why: str = "", button: bool = True) -> Item:
    fields = [Field("Progress", f"{facts.get('progress', 0)}%"), Field("Due", day(_iso_day(facts.get("due"))))]
    fields.append(Field("Status", str(facts.get("status", ""))))
    reported = _iso_day((facts.get("last_reported") or "")[:10])
    fields.append(Field("Last update", day(reported) if reported else "none yet"))
    return Item(
        title=f"{facts['ref']} {facts['title']}",
        text=why,
        rag=facts.get("rag"),
        fields=tuple(fields),
        buttons=(Button("Update", "update", facts["ref"], style="primary"),) if button else (),
    )


def _owned_item(facts: dict, why: str) -> Item:
    """A digest row: who owns it instead of when it was last updated; no update button (not theirs)."""
    return Item(
        title=f"{facts['ref']} {facts['title']}",
        text=why,
        rag=facts.get("rag"),
        fields=(
            Field("Owner", str(facts.get("owner", ""))),
            Field("Progress", f"{facts.get('progress', 0)}%"),
            Field("Due", day(_iso_day(facts.get("due")))),
        ),
    )


def cycle_notice(notice: NotificationRecord) -> Reply:
    """The words of a notice about the strategy plan (one with no request), from its data."""
    p = notice.payload
    actions = p.get("actions", [])
    if notice.kind in (NoticeKind.CHECKIN, NoticeKind.REMINDER):
        board_day = _iso_day(p.get("board"))
        when = long_day(board_day) if board_day else "soon"
        ask = "Please post an update on " + ("it" if len(actions) == 1 else "each of them") + " before then."
        if notice.kind == NoticeKind.CHECKIN:
            title = f"Board meeting on {when}: your updates, please"
            text = (
                f"The MKS Shared Services Board meets on {when}. "
                f"{plural(len(actions), 'action')} you own {'has' if len(actions) == 1 else 'have'} "
                f"no update since the last Board. {ask}"
            )
        else:
            title = f"Reminder: the Board meets on {when}"
            text = (
                f"{plural(len(actions), 'action')} you own still {'has' if len(actions) == 1 else 'have'} "
                f"no update for the Board on {when}. {ask}"
            )
        return Reply(
            title=title,
            text=text,
            items=tuple(_action_item(a) for a in actions),
            footer=HOW_TO_UPDATE,
        )
    if notice.kind == NoticeKind.STALE:
        days = p.get("days", 30)
        return Reply(
            title=f"Actions with no update for {days} days",
            text=f"{plural(len(actions), 'action')} you own {'has' if len(actions) == 1 else 'have'} had no update "
            f"for more than {days} days. A short note on where {'it is' if len(actions) == 1 else 'they are'} helps.",
            items=tuple(_action_item(a) for a in actions),
            footer=HOW_TO_UPDATE,
        )
    if notice.kind == NoticeKind.DIGEST:
        return _digest(p)
    return Reply(text="There is news about the strategy plan. Type 'status' to see it.")


def _digest(p: dict) -> Reply:
    today = _iso_day(p.get("day"))
    turned, overdue, unreachable = p.get("turned", []), p.get("overdue", []), p.get("unreachable", [])
    items = [
        _owned_item(a, "Now blocked" if a.get("status") == "blocked" and a.get("rag") != "red" else "Turned red")
        for a in turned
    ]
    items += [_owned_item(a, f"Overdue: it was due on {day(_iso_day(a.get('due')))}") for a in overdue]
    if unreachable:
        lines = [f"{a['ref']}: {a.get('owner', '')}" for a in unreachable]
        items.append(
            Item(
                title="Owners I cannot reach",
                text="I can't match these owners to anyone, so they get no check-ins. Add their email or chat "
                "identity to the plan, or ask them to talk to the bot once:\n" + "\n".join(lines),
            )
        )
    parts = []
    if turned:
        parts.append(f"{plural(len(turned), 'action')} turned red or blocked")
    if overdue:
        parts.append(f"{plural(len(overdue), 'action')} became overdue")
    return Reply(
        title="Strategy digest" + (f" for {long_day(today)}" if today else ""),
        text=(" and ".join(parts) or "News about the plan") + " since the last digest.",
        tone=Tone.WARNING,
        items=tuple(items),
        footer="Type 'status ACTION' to see an action and its latest updates.",
    )
