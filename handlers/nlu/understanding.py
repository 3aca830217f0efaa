"""From any message to an Interpretation: what the person wants (the intent, how sure, the runners-up) and
the details in what they wrote. Only for text the parser does not take as a command: commands are never
second-guessed. Never raises on any input."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from handlers.nlu import details as read
from handlers.nlu.rules import (
    CATEGORY_CUES,
    CATEGORY_ORDER,
    INTENT_CUES,
    PROBLEM_INTENTS,
    REQUEST_PHRASE,
    SECURITY_INCIDENT,
    UNKNOWN,
    UNKNOWN_SCORE,
    Cue,
)
from handlers.nlu.words import Lexicon, readable
from storage.enums import Category, Priority
from storage.refs import TicketRef

#: How many intents an Interpretation names, the chosen one first.
RANKED = 3

#: The words the cues are written with (their regular-expression escapes such as \b taken out).
LEXICON = Lexicon(
    w for cue in (*INTENT_CUES, *CATEGORY_CUES) for w in re.findall(r"[a-z]+", re.sub(r"\\.", " ", cue.pattern.pattern))
)


@dataclass(frozen=True, slots=True)
class Details:
    """What a message names, each in the order written, each once."""

    ticket_refs: tuple[TicketRef, ...] = ()
    action_refs: tuple[str, ...] = ()
    incident_refs: tuple[str, ...] = ()
    percentages: tuple[int, ...] = ()
    rag: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    councils: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()
    urgency: tuple[str, ...] = ()
    work_setting: str | None = None  # home, office or borough (storage.enums.WorkSetting)


@dataclass(frozen=True, slots=True)
class Interpretation:
    intent: str  # a command name, or one of handlers.nlu.rules' own intents (report_problem, thanks, ...)
    confidence: float  # 0..1
    alternatives: tuple[tuple[str, float], ...]  # the likeliest intents with their confidence, this one first
    details: Details = field(default_factory=Details)
    category: str | None = None  # a Category value, for a problem
    priority: str | None = None  # a Priority value, for a problem

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values: dates as ISO text, references as written in replies."""
        found = asdict(self.details)
        found["ticket_refs"] = [str(r) for r in self.details.ticket_refs]
        found["dates"] = [d.isoformat() for d in self.details.dates]
        return {
            "intent": self.intent,
            "confidence": self.confidence,
            "alternatives": [{"intent": i, "confidence": c} for i, c in self.alternatives],
            "category": self.category,
            "priority": self.priority,
            **{k: list(v) if isinstance(v, tuple | list) else v for k, v in found.items()},
        }


def explained(seen: Interpretation) -> list[str]:
    """The interpretation in lines a person can read: why the bot answered as it did."""
    others = ", ".join(f"{i} {c:.2f}" for i, c in seen.alternatives[1:])
    lines = [f"intent: {seen.intent} ({seen.confidence:.2f})" + (f"; then {others}" if others else "")]
    if seen.category:
        lines.append(f"category: {seen.category}, priority {seen.priority}")
    for name, values in seen.as_dict().items():
        if isinstance(values, list) and values and name != "alternatives":
            lines.append(f"{name.replace('_', ' ')}: {', '.join(str(v) for v in values)}")
    if seen.details.work_setting:
        lines.append(f"working: {seen.details.work_setting}")
    return lines


def understand(text: str, *, today: date) -> Interpretation:
    """What `text` most likely means; `today` is the day relative dates ('by Friday') are counted from."""
    words = LEXICON.tokens(text)
    ranked = _ranked(_scores(INTENT_CUES, words))
    intent, confidence = ranked[0]
    category = priority = None
    if intent in PROBLEM_INTENTS:
        category, priority = guess(text)
        if intent == SECURITY_INCIDENT:
            category, priority = Category.SECURITY.value, Priority.P1.value
    return Interpretation(
        intent=intent,
        confidence=confidence,
        alternatives=ranked,
        details=found_in(text, today),
        category=category,
        priority=priority,
    )


def guess(text: str) -> tuple[str, str]:
    """A problem's category and priority (Category and Priority values), from the words it is told in."""
    problem = REQUEST_PHRASE.sub(" ", LEXICON.tokens(text))
    scores = _scores(CATEGORY_CUES, problem)
    best = max(CATEGORY_ORDER, key=lambda c: (scores.get(c.value, 0.0), -CATEGORY_ORDER.index(c)))
    category = best if scores.get(best.value) else Category.OTHER
    plain = readable(text)
    if category is Category.SECURITY:
        priority = Priority.P1
    elif read.NOT_URGENT.search(plain):
        priority = Priority.P4
    elif read.URGENT.search(plain) or read.WIDESPREAD.search(plain):
        priority = Priority.P2
    else:
        priority = Priority.P3
    return category.value, priority.value


def found_in(text: str, today: date) -> Details:
    plain = readable(text)
    councils, places = read.councils_and_places(plain)
    return Details(
        ticket_refs=read.ticket_refs(plain),
        action_refs=read.action_refs(plain),
        incident_refs=read.incident_refs(plain),
        percentages=read.percentages(plain),
        rag=read.rag_words(LEXICON.tokens(plain)),
        statuses=read.statuses(plain),
        councils=councils,
        places=places,
        dates=read.dates(plain, today),
        urgency=read.urgency_words(plain),
        work_setting=read.work_setting(plain),
    )


def _scores(cues: tuple[Cue, ...], words: str) -> dict[str, float]:
    scores: dict[str, float] = {}
    for cue in cues:
        if cue.pattern.search(words):
            scores[cue.label] = scores.get(cue.label, 0.0) + cue.weight
    return scores


def _ranked(scores: dict[str, float]) -> tuple[tuple[str, float], ...]:
    """The intents by score, each with its share of the evidence (a softmax, 'unknown' always in the running)."""
    scores = {**scores, UNKNOWN: max(scores.get(UNKNOWN, 0.0), UNKNOWN_SCORE)}
    top = max(scores.values())
    weights = {intent: math.exp(score - top) for intent, score in scores.items()}
    total = sum(weights.values())
    order = sorted(weights, key=lambda i: (-weights[i], i != UNKNOWN, i))  # a tie with 'unknown' is unknown
    return tuple((intent, round(weights[intent] / total, 3)) for intent in order[:RANKED])
