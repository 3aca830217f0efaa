""" "How did we do?": the requester rates their resolved request from 1 (very poor) to 5 (excellent), with an
optional comment, by the buttons on the resolved notice, the comment form, or typing `rate REF N [COMMENT]`.
They may change it for RATING_DAYS days from when the request was resolved."""

from __future__ import annotations

import re

from handlers.context import Context, UsageError
from handlers.formatting import clip, local_time, long_day
from handlers.problems import EXAMPLE_TICKET
from handlers.registry import Command
from handlers.reply import Button, Form, Input, InputKind, Reply, Tone
from handlers.support import _ref
from handlers.ticket_cards import rating_buttons, rating_text, score_text
from storage import PermissionDenied, TicketRecord, TicketRef
from storage.ratings import RATING_COMMENT_MAX, RATING_DAYS, rating_closes
from storage.schedule import local_day

SCALE = "a number from 1 (very poor) to 5 (excellent)"
#: The word in the score's place that asks for the comment form instead: `rate REF comment`.
COMMENT_WORD = "comment"
_SCORE = re.compile(r"(?P<score>[0-9]+)(?:/5)?")


async def rate(ctx: Context, rest: str) -> Reply:
    ref, more = _ref(rest, "rate")
    parts = more.split(maxsplit=1)
    word, comment = [*parts, "", ""][:2]
    if not word:
        raise UsageError(f"How did we do on {ref}? Give {SCALE}.", "rate")
    if word.lower() == COMMENT_WORD and not comment.strip():
        return await comment_form(ctx, ref)
    score = _SCORE.fullmatch(word)
    if score is None:
        raise UsageError(f"'{clip(word, 20)}' is not a score: give {SCALE}.", "rate")
    t, changed = await ctx.store.rate_ticket(ref, ctx.user.key, int(score["score"]), comment, now=ctx.clock())
    return thanks(t, ctx, changed=changed)


def thanks(t: TicketRecord, ctx: Context, *, changed: bool) -> Reply:
    assert t.rating is not None and t.resolved_at is not None
    if changed:
        said = f"Thank you: you rated {t.ref} {rating_text(t)}."
        if t.assignee_key and t.assignee_key not in ctx.user.person_keys:
            said += f" {t.assignee_name} will see it."
    else:
        said = f"You have already rated {t.ref} {rating_text(t)}."
    closes = rating_closes(t.resolved_at)
    closes_at = f"{local_time(closes, '%H:%M')} on {long_day(local_day(closes))}"
    said += f"\nYou can change it until {closes_at} ({RATING_DAYS} days from when it was resolved): rate {t.ref} 1-5 [COMMENT]"
    label = "Change your comment" if t.rating_comment else "Add a comment"
    return Reply(tone=Tone.SUCCESS, text=said, buttons=(Button(label, "rate", f"{t.ref} {COMMENT_WORD}"),))


async def comment_form(ctx: Context, ref: TicketRef) -> Reply:
    """The form for the comment on the person's rating of `ref` (its score is kept)."""
    t = await ctx.store.get_ticket(ref, ctx.user.key, with_events=False)
    if t.requester_key not in ctx.user.person_keys:
        raise PermissionDenied("rate_request", "requester", ref=ref)
    if t.rating is None:
        return Reply(text=f"How did we do on {t.ref}? Choose a score first.", buttons=rating_buttons(t.ref))
    form = Form(
        form_id="rate",
        title=f"Rate {t.ref}",
        submit_label="Send",
        private_metadata=f"{t.ref} {t.rating}",
        typed_alternative=f"rate {t.ref} {t.rating} COMMENT",
        inputs=(
            Input(
                "comment",
                "Anything to add? (optional)",
                InputKind.MULTILINE,
                required=False,
                initial=t.rating_comment,
                max_length=RATING_COMMENT_MAX,
                placeholder="What went well, or what we could do better",
            ),
        ),
    )
    return Reply(
        title=f"Rate {t.ref}",
        text=f"You rated {t.ref} \u201c{t.summary}\u201d {score_text(t.rating)}. Add a comment for the service desk.",
        form=form,
    )


async def submit_rate_form(ctx: Context, values: dict[str, str], metadata: str) -> Reply | dict[str, str]:
    comment = " ".join((values.get("comment") or "").split())
    if len(comment) > RATING_COMMENT_MAX:
        return {"comment": f"Keep the comment under {RATING_COMMENT_MAX:,} characters."}
    return await rate(ctx, f"{metadata} {comment}")


COMMANDS = (
    Command(
        "rate",
        rate,
        "rate REF 1-5 [COMMENT]",
        f"rate {EXAMPLE_TICKET} 4 Sorted the same morning, thank you",
        f"Say how we did on a resolved request: 1 very poor to 5 excellent (for {RATING_DAYS} days)",
        aliases=("rating",),
        form_id="rate",
        submit=submit_rate_form,
    ),
)
