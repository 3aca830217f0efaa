"""The words a message is read as: forwarded mail headers dropped, lower case, apostrophes gone, references
standing as the kind of thing they are, and slips of the keyboard put right against the words the rules
know (rapidfuzz: one edit in a short word, two in a long one, a swap of two letters counting as one, the first letter
as typed)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from handlers.nlu.details import masked

_HEADER = re.compile(
    r"^\s*(?:-{3,}\s*(?:original message|forwarded message)\s*-{3,}|(?:from|sent|to|cc|date)\s*:.*)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_SUBJECT = re.compile(r"^\s*subject\s*:\s*", re.IGNORECASE | re.MULTILINE)
_APOSTROPHE = re.compile(r"['\u2019`]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")

_EVERYDAY = """about after again all also always and any anyone anything are area back been before being below best both
    bring came come could date days desk does doing done down each even ever every file files find first from
    gave gets give goes going gone good got great hall house have having hear heard here home hope into just keep kind
    know last late left like line list long look looked looks lost made make many meet mine more most much
    must name need never news next nice night none note now off office once only open other over part past
    please point post puts read real said same save says scan seen send sent should since some soon sort start still
    such sure take team tell than that their them then there they thing think this those time told took
    town tried turn very want wants week were what when where which while will with word work works would year
    yes yet your youre"""
#: Everyday words that are never "corrected" into a word the rules know, however close they are.
COMMON = frozenset(_EVERYDAY.split())


def readable(text: str) -> str:
    """The text as typed, without forwarded mail headers (the subject line's words are kept)."""
    return _SUBJECT.sub("", _HEADER.sub("", text or ""))


class Lexicon:
    """The words the rules know, and the correction of a typed word to the one it was meant to be."""

    def __init__(self, words: Iterable[str]):
        self.words = frozenset(w for w in words if len(w) >= 4)
        # A slip rarely hits a word's first letter: each word is put right among the words starting as it does.
        self._choices: dict[str, list[str]] = {}
        for word in sorted(self.words):
            self._choices.setdefault(word[0], []).append(word)
        self.correct = lru_cache(maxsize=8192)(self._correct)

    def _correct(self, word: str) -> str:
        if len(word) < 4 or word in self.words or word in COMMON or not word.isalpha():
            return word
        limit = 1 if len(word) <= 7 else 2
        choices = self._choices.get(word[0], ())
        found = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=limit)
        return found[0] if found is not None else word

    def tokens(self, text: str) -> str:
        """The message as the rules read it: 'Priya here, RS-05 is now at 40%' -> 'priya here actionref is now
        at pct'; 'pasword' -> 'password'."""
        plain = _NOT_WORD.sub(" ", _APOSTROPHE.sub("", masked(readable(text)).lower()))
        # Masked again: 'reqeust 9' is 'request 9' only once put right.
        return " ".join(masked(" ".join(self.correct(w) for w in plain.split())).split())
