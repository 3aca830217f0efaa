"""Whether two descriptions of a problem are about the same thing: a request and a major incident's title,
or a person's new request and one they raised yesterday. Words, not meaning: the same category and a
telling word in common ('vpn', 'outlook', 'printer'), or wording alike overall (rapidfuzz)."""

from __future__ import annotations

from rapidfuzz import fuzz, utils

from storage.enums import Category

#: Wording this alike (0-100, rapidfuzz's token set ratio) is the same problem whatever the category.
ALIKE = 80
#: Words that say nothing about which problem it is.
_EMPTY = frozenset(
    [
        "a",
        "about",
        "after",
        "again",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "anyone",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "cant",
        "cannot",
        "could",
        "day",
        "did",
        "do",
        "does",
        "doesnt",
        "dont",
        "down",
        "for",
        "from",
        "get",
        "getting",
        "got",
        "had",
        "has",
        "have",
        "having",
        "help",
        "hi",
        "i",
        "im",
        "in",
        "into",
        "is",
        "isnt",
        "it",
        "its",
        "just",
        "keep",
        "keeps",
        "me",
        "more",
        "morning",
        "my",
        "no",
        "not",
        "now",
        "of",
        "off",
        "on",
        "one",
        "or",
        "our",
        "out",
        "please",
        "problem",
        "problems",
        "really",
        "since",
        "so",
        "still",
        "stopped",
        "that",
        "the",
        "them",
        "then",
        "there",
        "this",
        "to",
        "today",
        "too",
        "up",
        "us",
        "very",
        "was",
        "wasnt",
        "we",
        "were",
        "what",
        "when",
        "which",
        "why",
        "will",
        "with",
        "wont",
        "work",
        "working",
        "would",
        "you",
        "your",
        "issue",
        "issues",
        "broken",
        "fault",
        "error",
        "afternoon",
        "week",
        "again",
        "ive",
        "cant",
    ]
)


def telling_words(text: str) -> frozenset[str]:
    return frozenset(w for w in utils.default_process(text).split() if len(w) > 2 and w not in _EMPTY)


def same_problem(a: str, a_category: str, b: str, b_category: str) -> bool:
    """Whether descriptions `a` and `b` (with their categories) are likely the same problem."""
    if fuzz.token_set_ratio(a, b, processor=utils.default_process) >= ALIKE:
        return True
    same_kind = a_category == b_category and a_category != Category.OTHER.value
    return same_kind and bool(telling_words(a) & telling_words(b))
