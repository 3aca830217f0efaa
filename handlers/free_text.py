"""What to do with a message that is not a command, from how it was understood (handlers.nlu): run the read-only
command it clearly asks for, raise a security incident at once, offer a request for a problem, offer an update
back for confirming, answer thanks and greetings, or ask with buttons when the meaning is unclear."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from handlers.desk_report import month_in
from handlers.formatting import clip
from handlers.kb import OFFERED, self_help_items
from handlers.kb_search import Match, search
from handlers.nlu import Details, Interpretation
from handlers.nlu.rules import (
    ASK_MY_REQUESTS,
    GREETING,
    PROBLEM_INTENTS,
    PROGRESS_UPDATE,
    REPORT_PROBLEM,
    SECURITY_INCIDENT,
    SUPPORT,
    THANKS,
    UNKNOWN,
)
from handlers.nlu.words import COMMON
from handlers.parser import Parsed
from handlers.registry import Registry
from handlers.reply import Button, Reply, Tone
from handlers.vocabulary import PROBLEM
from storage.enums import Category
from storage.records import ArticleRecord

#: At or above this confidence a meaning is acted on; below it, the person is asked.
CONFIDENT = 0.75
#: A runner-up is offered as a button only from this confidence.
LIKELY = 0.1
#: Up to this many words, a first word close to a command's is taken as a mistyped command ('staus').
SHORT = 3
#: Words that start a question, never a mistyped command.
QUESTION_WORDS = frozenset({"how", "who", "why", "is", "are", "can", "could", "do", "i", "im", "my", "the", "a"})
BUTTON_VALUE = 1800
#: Intents whose answer may offer help articles (read for them only).
MAY_BE_A_PROBLEM = (*PROBLEM_INTENTS, UNKNOWN)
NOTE_LIMIT = 500

_MINE = re.compile(r"\b(?:my|mine|i own|have i got|do i own)\b", re.IGNORECASE)
_OVERDUE = re.compile(r"\b(?:overdue|late)\b", re.IGNORECASE)
_FLAGGED = re.compile(r"\bflagged\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Run:
    """Run this command with these arguments, as if typed."""

    command: str
    rest: str = ""


#: Intents that ask for a command needing nothing from the message.
_PLAIN = {
    "help": "help",
    "whoami": "whoami",
    "board": "board",
    "queue": "queue",
    "tickets": "tickets",
    ASK_MY_REQUESTS: "tickets",
}


def command_for(intent: str, found: Details, text: str) -> Run | None:
    """The read-only command (or form) `intent` asks for, with what the message names; None when the intent
    asks for no such command, or needs a detail the message does not give."""
    if intent in _PLAIN:
        return Run(_PLAIN[intent])
    if intent == "status":
        return Run("status", " ".join((*found.action_refs[:1], *found.councils[:1])))
    if intent == "actions":
        scope = "mine" if _MINE.search(text) else (found.councils[0] if found.councils else "")
        state = "overdue" if _OVERDUE.search(text) else "flagged" if _FLAGGED.search(text) else ""
        return Run("actions", f"{scope} {state}".strip())
    if intent == "update":
        return Run("update", found.action_refs[0] if len(found.action_refs) == 1 else "")
    if intent == "ticket" and len(found.ticket_refs) == 1:
        return Run("ticket", str(found.ticket_refs[0]))
    if intent == "history" and len(found.action_refs) == 1:
        return Run("history", found.action_refs[0])
    if intent == "where" and len(found.ticket_refs) == 1:  # only notes where they work: safe to act on
        said = " ".join(w for w in (found.work_setting, found.councils[0] if len(found.councils) == 1 else None) if w)
        return Run("where", f"{found.ticket_refs[0]} {said}") if said else None
    if intent == "kb":
        return Run("kb", text)
    if intent == "report":  # the desk report: the store refuses anyone who is not the desk or a lead
        council = found.councils[0] if len(found.councils) == 1 else None
        said = " ".join(w for w in (council, month_in(text)) if w)
        return Run("report", f"desk {said}".strip())
    return None


def decide(seen: Interpretation, parsed: Parsed, commands: Registry) -> Run | None:
    """The command to run for a message that is not one, when its meaning is clear; else None (answer it
    in conversation)."""
    if seen.confidence < CONFIDENT or mistyped(parsed, commands, seen):
        return None
    return command_for(seen.intent, seen.details, parsed.text)


def mistyped(parsed: Parsed, commands: Registry, seen: Interpretation) -> bool:
    """A short message whose first word is a command's, mistyped ('staus please'): suggest that command."""
    named = seen.details.ticket_refs or seen.details.action_refs  # 'ict 1' names a request
    short = len(parsed.text.split()) <= SHORT and seen.intent not in (GREETING, THANKS) and not named
    everyday = parsed.first_word in COMMON or parsed.first_word in QUESTION_WORDS  # 'how' is not 'show'
    return short and not everyday and commands.closest(parsed.first_word) is not None


def conversation_reply(
    seen: Interpretation,
    parsed: Parsed,
    commands: Registry,
    first_name: str,
    articles: Sequence[ArticleRecord] = (),
    council: str | None = None,
) -> Reply:
    """The answer to a message that is no command and asks for none that can simply be run. articles: the
    help articles a problem may be fixed with; council: the person's, when known (their articles first)."""
    text = parsed.text.strip()
    if seen.confidence >= CONFIDENT and seen.intent == GREETING:
        return Reply(
            text=f"Hello {first_name}. I can show how the ICT strategy is going, take updates on actions and raise "
            "IT support requests. Tell me what you need, or type 'help' to see everything I can do."
        )
    if seen.confidence >= CONFIDENT and seen.intent == THANKS:
        return Reply(text=f"You're welcome, {first_name}. If anything else comes up, just tell me here.")
    if mistyped(parsed, commands, seen):
        return not_understood(text, commands, parsed.first_word)
    if seen.confidence >= CONFIDENT and seen.intent == PROGRESS_UPDATE and len(seen.details.action_refs) == 1:
        return update_offer(seen, text)
    if seen.intent in PROBLEM_INTENTS and seen.confidence >= CONFIDENT:
        if seen.intent == SUPPORT and seen.category == Category.OTHER.value:  # "I need to log a call": what about?
            return Reply(
                text="Of course. Tell me what's wrong and I'll raise a request, or fill in the form.",
                buttons=(Button("Ask ICT for help", "support", style="primary"),),
            ).offering()
        return request_offer(text, search(articles, text, category=seen.category, council=council, limit=OFFERED))
    if seen.confidence >= CONFIDENT and seen.intent in commands:
        command = commands[seen.intent]
        return Reply(text=f"It sounds like you want to: {command.summary.lower()}. {command.usage_line}")
    if seen.intent in MAY_BE_A_PROBLEM:  # not sure it is a problem, but an article fits: offer it
        found = search(articles, text, category=seen.category, council=council, limit=OFFERED)
        if found:
            return request_offer(text, found)
    asked = likely_meanings(seen, text)
    if asked is not None:
        return asked
    if seen.intent == UNKNOWN:
        found = search(articles, text, category=seen.category, council=council, limit=OFFERED)
        if PROBLEM.search(text) or found:
            return request_offer(text, found)
    return not_understood(text, None, "")


def request_offer(text: str, found: Sequence[Match] = ()) -> Reply:
    """Offer to raise a request for a problem described in conversation. With help articles that fit, they come
    first, each with "That fixed it" (nothing is raised) and "Still need help" (raised, noting the article)."""
    if found:
        return Reply(
            title="This may fix it",
            text=f"It sounds like you have a problem: \u201c{clip(text, 200)}\u201d. Try this first. If it doesn't "
            "help, press Still need help and I'll raise a request with the service desk.",
            items=self_help_items(found, text),
        )
    return Reply(
        title="Shall I raise a support request?",
        text=f"It sounds like you have a problem: \u201c{clip(text, 200)}\u201d. I can log it with the service desk now.",
        buttons=(Button("Create request", "support", clip(text, BUTTON_VALUE), style="primary"),),
    ).offering()


def update_offer(seen: Interpretation, text: str) -> Reply:
    """An update told in prose, shown back as the update it would make: nothing is written before Confirm."""
    found = seen.details
    ref = found.action_refs[0]
    typed: list[str] = []  # the words of the update command
    shown: list[str] = []
    if found.percentages:
        typed.append(str(found.percentages[0]))
        shown.append(f"{found.percentages[0]}%")
    for word in (*found.rag[:1], *found.statuses[:1]):
        typed.append(word)
        shown.append(word)
    note = clip(" ".join(text.split()), NOTE_LIMIT)
    return Reply(
        title=f"Post this update to {ref}?",
        text=f"I'd record {ref} as {', '.join(shown) or 'updated'}, with the note \u201c{note}\u201d. "
        "Nothing is saved until you confirm.",
        buttons=(
            Button("Confirm", "update", clip(" ".join([ref, *typed, note]), BUTTON_VALUE), style="primary"),
            Button("Edit", "update", ref),
        ),
    ).offering()


def likely_meanings(seen: Interpretation, text: str) -> Reply | None:
    """Ask, with a button for each likely meaning, when no meaning is clear; None when there is none to offer."""
    buttons: list[Button] = []
    for intent, confidence in seen.alternatives:
        if confidence < LIKELY or intent == UNKNOWN:
            continue
        button = _button(intent, seen, text)
        if button is not None and all(b.label != button.label for b in buttons):
            buttons.append(button)
    if not buttons:
        return None
    return Reply(
        title="What would you like to do?",
        text=f"I'm not sure what you mean by \u201c{clip(text, 80)}\u201d. Choose one, or tell me in other words.",
        buttons=tuple(buttons),
    ).offering()


_LABELS = {
    "status": "Strategy status",
    "actions": "List actions",
    "update": "Update an action",
    "tickets": "My requests",
    "ticket": "Show the request",
    "history": "Action history",
    "help": "What I can do",
    "whoami": "Who am I?",
    "board": "Board meetings",
    "queue": "The queue",
    "kb": "Help articles",
    "report": "Desk report",
}


def _button(intent: str, seen: Interpretation, text: str) -> Button | None:
    if intent in (REPORT_PROBLEM, SUPPORT, SECURITY_INCIDENT):
        return Button("Raise a request", "support", clip(text, BUTTON_VALUE))
    if intent == PROGRESS_UPDATE:
        return Button("Update an action", "update", seen.details.action_refs[0] if seen.details.action_refs else "")
    run = command_for(intent, seen.details, text)
    return Button(_LABELS[run.command], run.command, run.rest) if run is not None else None


def not_understood(text: str, commands: Registry | None, first_word: str) -> Reply:
    suggestion = commands.closest(first_word) if commands is not None else None
    hint = f" Did you mean '{suggestion.name}'? {suggestion.usage_line}" if suggestion else ""
    rest = text.split(maxsplit=1)[1:]  # 'yes' runs the suggestion with the rest of what was typed
    return Reply(
        tone=Tone.WARNING,
        text=f"I didn't understand \u201c{clip(text, 60)}\u201d.{hint} Type 'help' to see everything I can do.",
        offer=" ".join([suggestion.name, *rest]) if suggestion else None,
    )
