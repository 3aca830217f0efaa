"""The requester's side of a request: reopen it when the fix did not hold, withdraw it when it is no longer
needed. `close` is withdraw for the requester and resolve for the desk."""

from __future__ import annotations

from datetime import date

from handlers.context import Context, UsageError
from handlers.desk import resolve
from handlers.formatting import clip, long_day
from handlers.problems import EXAMPLE_TICKET
from handlers.registry import Command
from handlers.reply import Button, Reply, Tone
from handlers.support import _ref, told
from storage import Conflict, PermissionDenied
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
        )
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
)
