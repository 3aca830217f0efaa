"""Words people use: theme synonyms and problem-sounding phrases (self-help is knowledge articles: handlers/kb.py). (A problem's category and priority
are read by the understanding step: handlers.nlu.guess.)"""

from __future__ import annotations

import re
from datetime import date

from pydantic_core import PydanticCustomError

from storage.plan_fields import COUNCILS
from storage.plan_fields import due as _plan_date

#: Words that point at a strategy theme, checked as whole words, in this order.
THEME_WORDS: dict[str, tuple[str, ...]] = {
    "WF": ("workforce", "flexible", "mobile", "remote", "agile", "devices", "device", "modern"),
    "DS": ("digital", "online", "website", "web", "transformation", "channel"),
    "RS": ("resilient", "resilience", "resilient solutions", "cyber", "security", "backup", "disaster", "threats"),
    "CS": ("customer", "customer support", "service desk", "servicedesk", "helpdesk", "help desk"),
    "IM": ("information", "gdpr", "data", "records", "big data", "privacy", "information management"),
    "IN": ("innovation", "innovate", "ai", "iot", "automation", "robotics", "emerging"),
}


def theme_for_word(word: str) -> str | None:
    word = word.strip().lower()
    if word.upper() in THEME_WORDS:
        return word.upper()
    for code, words in THEME_WORDS.items():
        if word in words:
            return code
    if re.fullmatch(r"[a-z]{2,4}", word):  # a council's own theme code, e.g. GOV: the store decides
        return word.upper()
    return None


def council_of(phrase: str) -> str | None:
    """A partner council as staff write it ('Swale', 'swale bc', 'TWBC', 'Tunbridge Wells Borough Council')."""
    return COUNCILS.get(" ".join(phrase.lower().replace(".", "").split()))


def date_of(word: str) -> date | None:
    """A date as plan files and people write it (31/03/2021 or 2021-03-31), else None."""
    try:
        return _plan_date(word)
    except PydanticCustomError:
        return None


def _words(*words: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE)


#: "raise a ticket: ...", "log a call about ...", "open a request for ..." create a request at once.
EXPLICIT_REQUEST = re.compile(
    r"^(?:please\s+)?(?:can you\s+|could you\s+)?"
    r"(?:raise|log|open|create|submit|file|make)\s+(?:a\s+|an\s+|new\s+|a new\s+)?"
    r"(?:ticket|request|support request|call|incident|case|job)\b"
    r"(?:\s*(?:about|for|re|regarding|that|because)\b)?\s*[:\-]?\s*(?P<text>.*)$",
    re.IGNORECASE | re.DOTALL,
)

#: Phrases that sound like a problem: offer to raise a request rather than guess.
PROBLEM = _words(
    "not working",
    "doesn't work",
    "does not work",
    "isn't working",
    "won't",
    "wont",
    "can't",
    "cant",
    "cannot",
    "unable",
    "broken",
    "broke",
    "error",
    "errors",
    "fail(?:s|ed|ing)?",
    "keeps? (?:dropping|crashing|freezing)",
    "dropping",
    "slow",
    "frozen",
    "freez(?:es|ing)",
    "crash(?:es|ed|ing)?",
    "stuck",
    "forgot(?:ten)?",
    "locked out",
    "help",
    "problem",
    "issue",
    "down",
    "no signal",
    "jammed",
    "missing",
)
