"""A short follow-up read in the light of the last exchange, which the store keeps for a few minutes (per
person and conversation, so on any replica and after a restart): "yes" accepts what the bot offered, "no"
declines it, "it's still broken" after a message about a request adds to it (or reopens it, when it is
resolved), and "5 stars" after "How did we do?" rates it. Exact commands never come here; with no recent
exchange, a message is read as if new."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from handlers.context import Context
from handlers.messages import Origin
from handlers.nlu import Interpretation
from handlers.nlu.rules import PROBLEM_INTENTS, SECURITY_INCIDENT, UNKNOWN
from handlers.reply import Reply, Tone
from storage import Store, TicketRef
from storage.conversation import PERSONAL_CHAT
from storage.enums import TicketStatus
from storage.records import ContextRecord

log = logging.getLogger(__name__)

#: Up to this many words, a message may be a follow-up ("it's still broken, same as yesterday").
SHORT = 20
#: Up to this many words, a message may be a plain yes or no.
ANSWER = 6

_YES_WORDS = frozenset({"yes", "yeah", "yea", "yep", "yup", "y", "ok", "okay", "k", "sure", "go", "ahead", "do"})
_ALSO = frozenset({"please", "it", "on", "thanks", "thank", "you", "cheers", "that", "one", "sounds", "good", "great"})
_NO_WORDS = frozenset({"no", "nope", "nah", "n", "cancel", "dont", "not"})
_ALSO_NO = frozenset({"thanks", "thank", "you", "now", "need", "bother", "its", "fine", "ok", "okay", "i", "im", "it"})
_WORD = re.compile(r"[a-z0-9]+")
#: What says the problem is not fixed, or is back.
STILL = re.compile(
    r"\b(?:still|again|same (?:problem|issue|thing|error|fault)|not (?:fixed|sorted|resolved|working)|"
    r"(?:isnt|wasnt|hasnt been|not been|never) (?:fixed|sorted|resolved)|didnt (?:fix|work|help|sort)|"
    r"(?:its|it is|problem is|issue is|fault is) back|came back|come back|back again|no better|keeps happening)\b"
)
#: A score in words: '5 stars', 'five stars', '4/5', '4 out of 5', 'rate it 4'.
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_STARS = re.compile(
    r"\b(?P<n>[1-5]|one|two|three|four|five)(?: ?stars?\b| ?/ ?5\b| out of (?:5|five)\b)|\brat(?:e|ing)(?: \w+){0,2} (?P<m>[1-5])\b"
)
_REF_IN_REPLY = re.compile(r"\bICT-([1-9][0-9]{0,8})\b")
#: Intents a follow-up about the last request may be read as.
_ABOUT_A_REQUEST = (*(i for i in PROBLEM_INTENTS if i != SECURITY_INCIDENT), UNKNOWN, "comment", "reopen")

DECLINED = "OK, I'll leave it there. If you need anything else, just tell me here."


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("'", "").replace("\u2019", ""))


def is_yes(text: str) -> bool:
    words = _words(text)
    return (
        0 < len(words) <= ANSWER
        and any(w in _YES_WORDS for w in words)
        and all(w in _YES_WORDS or w in _ALSO for w in words)
    )


def is_no(text: str) -> bool:
    words = _words(text)
    return 0 < len(words) <= ANSWER and words[0] in _NO_WORDS and all(w in _NO_WORDS or w in _ALSO_NO for w in words)


def score_in(text: str) -> int | None:
    """The 1-5 score a message gives in words, when it gives exactly one."""
    scores = {int(m["m"]) if m["m"] else _NUMBERS.get(m["n"]) or int(m["n"]) for m in _STARS.finditer(text.lower())}
    return scores.pop() if len(scores) == 1 else None


def conversations(origin: Origin) -> tuple[str, ...]:
    """Where the last exchange with the person here may have been: this conversation, and in a personal chat,
    the notices they were sent (which arrive there)."""
    here = origin.conversation or ""
    return (here, PERSONAL_CHAT) if origin.personal else (here,)


async def last(store: Store, user_key: str, origin: Origin, now) -> ContextRecord | None:
    """The person's last exchange here, when recent; None when there is none or it cannot be read."""
    try:
        return await store.last_context(user_key, conversations(origin), now=now)
    except Exception:
        log.warning("could not read the last exchange with %s", user_key, exc_info=True)
        return None


def about(reply: Reply) -> TicketRef | None:
    """The request a reply is about: the one request its title and text name, if they name only one."""
    found = {int(n) for n in _REF_IN_REPLY.findall(f"{reply.title or ''} {reply.text}")}
    return TicketRef(found.pop()) if len(found) == 1 else None


async def remember(ctx: Context, reply: Reply | None) -> None:
    """Keep this exchange as the last one with the person here: the request it was about and what "yes" runs.
    An exchange with neither is written only over a recent one (most messages cost no write)."""
    if reply is None:
        return
    ref, offer = about(reply), reply.offer
    try:
        here = conversations(ctx.origin)
        if ref is None and offer is None and await ctx.store.last_context(ctx.user.key, here, now=ctx.now) is None:
            return
        await ctx.store.save_context(ctx.user.key, ctx.origin.conversation or "", ticket=ref, offer=offer, now=ctx.now)
    except Exception:  # the reply matters more than the context: it is sent all the same
        log.warning("could not keep the last exchange with %s", ctx.user.key, exc_info=True)


@dataclass(frozen=True, slots=True)
class FollowUp:
    """How to answer a follow-up: run `typed` as if typed (an offer accepted), decline, or run `command` with
    `rest` about the request `ref`."""

    typed: str | None = None
    declined: bool = False
    command: str | None = None
    rest: str = ""
    ref: TicketRef | None = None
    #: The request is the last exchange's, not named in the message: the reply says which it was taken as.
    from_context: bool = False


def read(text: str, seen: Interpretation, last: ContextRecord | None) -> FollowUp | None:
    """What a message means after the last exchange; None: read it as if new. A rating with its request named
    ('5 stars for ICT-12') needs no last exchange."""
    found = seen.details
    if seen.intent == "rate" and len(found.ticket_refs) <= 1 and (score := score_in(text)) is not None:
        ref = found.ticket_refs[0] if found.ticket_refs else (last.ticket_ref if last else None)
        if ref is None:
            return None
        return FollowUp(command="rate", rest=f"{ref} {score}", ref=ref, from_context=not found.ticket_refs)
    if last is None:
        return None
    if last.offer and is_yes(text):
        return FollowUp(typed=last.offer)
    if last.offer and is_no(text):
        return FollowUp(declined=True)
    named = found.ticket_refs or found.action_refs or found.incident_refs
    short = len(text.split()) <= SHORT
    if (
        last.ticket_ref
        and not named
        and short
        and seen.intent in _ABOUT_A_REQUEST
        and STILL.search(" ".join(_words(text)))
    ):
        return FollowUp(command="comment", rest=text, ref=last.ticket_ref, from_context=True)
    return None


async def about_request(store: Store, viewer_key: str, follow: FollowUp) -> tuple[str, str]:
    """The command a follow-up about a request runs, with its arguments: a resolved request is reopened with
    the words, any other is added to (the comment command says what it can't do)."""
    assert follow.ref is not None and follow.command is not None
    if follow.command == "comment":
        t = await store.get_ticket(follow.ref, viewer_key, with_events=False)
        if t.status == TicketStatus.RESOLVED.value:
            return "reopen", f"{t.ref} {follow.rest}"
        return "comment", f"{t.ref} {follow.rest}"
    return follow.command, follow.rest


_DID = {"reopen": "reopened it", "comment": "added your words to it", "rate": "rated it"}


def explained(reply: Reply, ref: TicketRef, command: str) -> Reply:
    """The reply to a follow-up, saying which request it was taken to be about (and, when it went, what was
    done: the reply itself says why not, otherwise)."""
    did = f", so I {_DID[command]}" if reply.tone == Tone.SUCCESS and command in _DID else ""
    return replace(reply, text=f"I took that as being about {ref}{did}.\n{reply.text}")
