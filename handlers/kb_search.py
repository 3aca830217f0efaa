"""Finding the knowledge articles that fit what someone wrote: ranked, typo-tolerant (rapidfuzz), deterministic.

Each word of the message (everyday words left out, suffixes such as -ing and -s taken off) is matched against
an article's title and keywords (strong), its summary and its body (weak): the same word counts fully, a slip
of the keyboard (one edit in a short word, two in a long one, the first letter as typed; a swap of two letters
in a three-letter word such as 'vnp') a little less. An article is offered only when a strong field matched
and its score reaches MIN_SCORE (and half the best article's), so "hello" or "RS-05 at 40%" find nothing. Articles whose categories include
the category the message is read as come first, and those for another council than the person's last.
Ties go to the slug, so the same message always finds the same articles in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from storage.records import ArticleRecord

#: Weights of a word found in each part of an article.
TITLE, KEYWORD, SUMMARY, BODY = 3.0, 3.0, 1.5, 0.5
#: A keyword phrase of several words found as it is in the message.
PHRASE = 2.0
#: How much a slip of the keyboard counts, against the word as written.
SLIP = 0.8
#: An article is offered from this score, with at least one word found in its title or keywords.
MIN_SCORE = 3.0
#: ...and at least this share of the best article's score.
RELATIVE = 0.5
CATEGORY_BONUS = 1.25
OTHER_COUNCIL = 0.5

_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHE = re.compile(r"['\u2019`]")
_STOP = """a about after again all also am an and any anyone anybody are as at be been being but by can cant cannot
    could day days did do does doesnt doing dont down each even ever every everybody everyone for from get gets
    getting go going got had has have having he hello help her here hi hey him his how i id if im in into is
    isnt it its ive just keep keeps kept know let like me mine morning afternoon evening more most my need needs
    no nobody not now of off on once one only or our out over please problem problems really she should since so
    some someone somebody still stop stopped sure thank thanks that the their them then there these they thing
    things this those to today too try tried trying up us use used using very want was wasnt way we week were
    what whats when where which while who why will with wont work worked working works would yes yesterday yet
    you your guide guides article articles kb self instructions tip tips"""
#: Words that say nothing about which article fits.
STOP_WORDS = frozenset(_STOP.split())
_SUFFIXES = ("ing", "ers", "er", "ed", "es", "ly", "s")


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """A word without its common ending, the same for 'drops', 'dropping' and 'droping'."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not (suffix == "s" and word.endswith("ss")):
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """The words of `text` that can point at an article, stemmed, in order."""
    plain = _APOSTROPHE.sub("", text.lower())
    return [stem(w) for w in _WORD.findall(plain) if w not in STOP_WORDS and len(w) >= 2 and not w.isdigit()]


def _plain(text: str) -> str:
    return " ".join(_WORD.findall(_APOSTROPHE.sub("", text.lower())))


def _slip(word: str, vocabulary: tuple[str, ...]) -> bool:
    """Is `word` a slip of the keyboard for one of `vocabulary`?"""
    if len(word) < 3:
        return False
    limit = 1 if len(word) <= 5 else 2
    found = process.extractOne(word, vocabulary, scorer=OSA.distance, score_cutoff=limit)
    if found is None:
        return False
    match = found[0]
    if match[0] != word[0] or abs(len(match) - len(word)) > limit:
        return False
    if len(word) == 3:  # a short word: only two letters swapped ('vnp'), never another word ('van')
        return len(match) == 3 and sorted(match) == sorted(word)
    return len(match) > 3


@dataclass(frozen=True, slots=True)
class _Indexed:
    article: ArticleRecord
    strong: dict[str, float]  # word -> weight, title and keywords
    weak: dict[str, float]  # word -> weight, summary and body
    strong_words: tuple[str, ...]
    weak_words: tuple[str, ...]
    phrases: tuple[str, ...]  # keyword phrases of several words, plain


def _index_one(article: ArticleRecord) -> _Indexed:
    strong: dict[str, float] = {}
    weak: dict[str, float] = {}
    for w in words(article.body):
        weak[w] = BODY
    for w in words(article.summary):
        weak[w] = SUMMARY
    for w in words(article.title):
        strong[w] = TITLE
    phrases = []
    for keyword in article.keywords:
        found = words(keyword)
        for w in found:
            strong[w] = KEYWORD
        if len(_plain(keyword).split()) > 1:
            phrases.append(_plain(keyword))
    return _Indexed(article, strong, weak, tuple(sorted(strong)), tuple(sorted(weak)), tuple(phrases))


#: The indexed articles, by the articles themselves: an import that changes one indexes them anew.
@lru_cache(maxsize=8)
def _index(articles: tuple[ArticleRecord, ...]) -> tuple[_Indexed, ...]:
    return tuple(_index_one(a) for a in articles)


@dataclass(frozen=True, slots=True)
class Match:
    article: ArticleRecord
    score: float


def _score(entry: _Indexed, asked: Sequence[str], plain: str) -> tuple[float, bool]:
    score, strong_hit = 0.0, False
    for word in dict.fromkeys(asked):  # each word once
        if word in entry.strong:
            score, strong_hit = score + entry.strong[word], True
        elif word in entry.weak:
            score += entry.weak[word]
        elif _slip(word, entry.strong_words):
            score, strong_hit = score + KEYWORD * SLIP, True
        elif _slip(word, entry.weak_words):
            score += BODY * SLIP
    padded = f" {plain} "
    score += sum(PHRASE for phrase in entry.phrases if f" {phrase} " in padded)
    return score, strong_hit


def search(
    articles: Sequence[ArticleRecord],
    text: str,
    *,
    category: str | None = None,
    council: str | None = None,
    limit: int = 3,
) -> list[Match]:
    """The articles that fit `text`, best first (at most `limit`): none when nothing fits well enough."""
    asked = words(text)
    if not asked or not articles:
        return []
    ordered = tuple(sorted(articles, key=lambda a: a.slug))
    index = _index(ordered)
    plain = _plain(text)
    found: list[Match] = []
    for entry in index:
        score, strong_hit = _score(entry, asked, plain)
        if not strong_hit or score < MIN_SCORE:
            continue
        if category and category in entry.article.categories:
            score *= CATEGORY_BONUS
        if council and entry.article.councils and council not in entry.article.councils:
            score *= OTHER_COUNCIL
        found.append(Match(entry.article, round(score, 6)))
    found.sort(key=lambda m: (-m.score, m.article.slug))
    return [m for m in found if m.score >= found[0].score * RELATIVE][:limit]
