"""The requester's side of a request: reopen it when the fix did not hold, withdraw it when it is no longer
needed. `close` is withdraw for the requester and resolve for the desk."""

from __future__ import annotations

from datetime import date

from handlers.context import Context, UsageError
from handlers.desk import resolve
from handlers.formatting import clip, long_day
from handlers.nlu.details import councils_and_places
from handlers.nlu.details import work_setting as said_setting
from handlers.problems import EXAMPLE_TICKET
from handlers.registry import Command
from handlers.reply import Button, Reply, Tone
from handlers.support import _ref, told
from handlers.ticket_cards import SETTING_WORDS
from storage import Conflict, PermissionDenied
from storage.enums import WorkSetting
from storage.tickets import REOPEN_WORKING_DAYS


def follow_up(ref: str, reason: str) -> Button:
    """Raise a new request that says which one it follows."""
    return Button("Raise a new request", "support", clip(f"Follow-up to {ref}: {reason}", 1900), style="primary")


async def reopen(ctx: Context, rest: str) -> Reply:
    ref, reason = _ref(rest, "reopen")
    if not reason:
        raise UsageError("Say what is still wrong.", "reopen")
    try:
        t = await ctx.store.reopen_ticket(ref, ctx.user.key, reason, now=ctx.clock())
    except Conflict as e:
        if e.code != "reopen_too_late":
            raise
        return Reply(
            tone=Tone.WARNING,
            text=f"{ref} was resolved on {long_day(date.fromisoformat(e.current))}, more than {REOPEN_WORKING_DAYS} "
            f"working days ago, so it can't be reopened. Raise a new request instead; it will say it follows {ref}.",
            buttons=(follow_up(str(ref), reason),),
        ).offering()
    return Reply(tone=Tone.SUCCESS, text=f"{t.ref} is open again, back with the service desk. {told(t, ctx)}")


async def withdraw(ctx: Context, rest: str) -> Reply:
    ref, reason = _ref(rest, "withdraw")
    try:
        t = await ctx.store.withdraw_ticket(ref, ctx.user.key, reason, now=ctx.clock())
    except PermissionDenied:
        if ctx.user.can_work_tickets:  # `close ICT-5 NOTE` from the desk is a resolve
            return await resolve(ctx, rest)
        raise
    return Reply(tone=Tone.SUCCESS, text=f"{t.ref} is withdrawn and closed. {told(t, ctx)}")


#: Short answers to "where are you working?" beyond what the understanding step reads.
_SETTING_WORDS = {
    "home": WorkSetting.HOME,
    "office": WorkSetting.OFFICE,
    "council office": WorkSetting.OFFICE,
    "borough": WorkSetting.BOROUGH,
    "out": WorkSetting.BOROUGH,
    "site": WorkSetting.BOROUGH,
}


async def whereabouts(ctx: Context, rest: str) -> Reply:
    """The requester's council and where they are working, on a request, remembered for their next ones."""
    ref, said = _ref(rest, "where")
    words = " ".join(said.lower().split())
    setting = (
        _SETTING_WORDS.get(words)
        or said_setting(words)
        or next((_SETTING_WORDS[w] for w in words.split() if w in _SETTING_WORDS), None)
    )
    councils, _places = councils_and_places(said)
    council = councils[0] if len(set(councils)) == 1 else None
    if setting is None and council is None:
        raise UsageError(
            "Say where you are working (home, office or borough) or your council (Maidstone, Swale or "
            "Tunbridge Wells).",
            "where",
        )
    t = await ctx.store.set_whereabouts(ref, ctx.user.key, council=council, work_setting=setting, now=ctx.clock())
    noted = ", ".join(w for w in (council, SETTING_WORDS.get(setting or "")) if w)
    own = t.requester_key in ctx.user.person_keys
    later = " I'll remember it for your next requests." if own else ""
    return Reply(tone=Tone.SUCCESS, text=f"Thanks, noted on {t.ref}: {noted}.{later}")


COMMANDS = (
    Command(
        "reopen",
        reopen,
        "reopen REF WHAT IS STILL WRONG",
        f"reopen {EXAMPLE_TICKET} The VPN drops again since this morning",
        f"Reopen a resolved request (within {REOPEN_WORKING_DAYS} working days)",
        hint=f"reopen {EXAMPLE_TICKET} reason",
    ),
    Command(
        "withdraw",
        withdraw,
        "withdraw REF [REASON]",
        f"withdraw {EXAMPLE_TICKET} Sorted it myself",
        "Withdraw a request you no longer need",
        aliases=("close",),
    ),
    Command(
        "where",
        whereabouts,
        "where REF home|office|borough|COUNCIL",
        f"where {EXAMPLE_TICKET} home",
        "Say where you are working and your council, for a request",
    ),
)
