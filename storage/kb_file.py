"""Knowledge articles as files: one Markdown file each, with YAML front matter. The whole directory is read
and checked before anything is written; every bad file is reported (KbFileError), with its name.

    ---
    title: The VPN keeps dropping                  # required
    summary: One line shown in lists               # optional
    keywords: [vpn, always on vpn, dropping]       # optional: words and phrases people use
    categories: [network]                          # Category values (optional)
    councils: all                                  # or a list of councils (optional: all)
    ---
    The body, in Markdown.

The slug is the file's name without `.md`: lower-case letters, digits and hyphens.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from storage.enums import ALL_COUNCILS, Category
from storage.plan_fields import ALL_PARTNER_WORDS, COUNCILS
from storage.text import clean_text

if TYPE_CHECKING:
    from storage.service import Store

SAMPLE_KB = Path(__file__).parent / "data" / "kb"

SLUG_MAX = 100
TITLE_MAX = 200
SUMMARY_MAX = 300
KEYWORD_MAX = 60
KEYWORDS_MAX = 40
BODY_MAX = 20_000
FILE_MAX = 100_000  # bytes
#: Words after `kb` that are the command's own, so no article may be called them.
RESERVED_SLUGS = frozenset({"list"})
FIELDS = ("title", "summary", "keywords", "categories", "councils")

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_FRONT = re.compile(r"\A---[ \t]*\r?\n(?P<front>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(?P<body>.*)\Z", re.DOTALL)
ALL_COUNCIL_NAMES: tuple[str, ...] = tuple(c.value for c in ALL_COUNCILS)


class KbProblemCode:
    """Why a file is not an article (KbProblem.code)."""

    BAD_NAME = "bad_name"  # the file name is no slug (or is a reserved word)
    TOO_BIG = "too_big"
    NOT_TEXT = "not_text"  # not UTF-8, or has a NUL
    NO_FRONT_MATTER = "no_front_matter"
    BAD_YAML = "bad_yaml"  # `detail` says where
    NOT_A_MAPPING = "not_a_mapping"
    UNKNOWN_FIELD = "unknown_field"
    MISSING = "missing"  # `field` has no value (title, or the body)
    NOT_TEXT_FIELD = "not_text_field"  # `field` should be one line of text
    NOT_A_LIST = "not_a_list"  # `field` should be a list of words
    TOO_LONG = "too_long"  # `field` is longer than `limit`
    UNKNOWN_CATEGORY = "unknown_category"  # `value`; `allowed`
    UNKNOWN_COUNCIL = "unknown_council"  # `value`; `allowed`
    NO_ARTICLES = "no_articles"  # the directory has no .md file
    NOT_A_DIRECTORY = "not_a_directory"


@dataclass(frozen=True, slots=True)
class KbProblem:
    file: str
    code: str
    field: str | None = None
    value: str | None = None  # at most 40 characters of what was given
    allowed: tuple[str, ...] = ()
    limit: int | None = None
    detail: str | None = None


class KbFileError(Exception):
    """Articles that cannot be imported: every problem of every file, nothing written."""

    def __init__(self, problems: Iterable[KbProblem]):
        self.problems = tuple(problems)
        super().__init__(f"{len(self.problems)} problem(s)")


@dataclass(frozen=True, slots=True)
class ArticleInput:
    slug: str
    title: str
    summary: str
    keywords: tuple[str, ...]
    categories: tuple[str, ...]
    councils: tuple[str, ...]
    body: str

    @property
    def content_hash(self) -> str:
        """The same for the same article, however its file is laid out."""
        content = [self.title, self.summary, self.keywords, self.categories, self.councils, self.body]
        return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "\u2026"


def _line(raw: object, field: str, name: str, limit: int, problems: list[KbProblem]) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        problems.append(KbProblem(name, KbProblemCode.NOT_TEXT_FIELD, field=field))
        return ""
    text = " ".join(clean_text(str(raw), multiline=False).split())
    if len(text) > limit:
        problems.append(KbProblem(name, KbProblemCode.TOO_LONG, field=field, limit=limit))
    return text


def _words(raw: object, field: str, name: str, problems: list[KbProblem]) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(w, str | int | float) for w in raw):
        problems.append(KbProblem(name, KbProblemCode.NOT_A_LIST, field=field))
        return ()
    words = []
    for w in raw:
        word = " ".join(clean_text(str(w), multiline=False).split())
        if len(word) > KEYWORD_MAX:
            problems.append(KbProblem(name, KbProblemCode.TOO_LONG, field=field, value=_shown(word), limit=KEYWORD_MAX))
        elif word and word not in words:
            words.append(word)
    if len(words) > KEYWORDS_MAX:
        problems.append(KbProblem(name, KbProblemCode.TOO_LONG, field=field, limit=KEYWORDS_MAX))
    return tuple(words)


def _categories(raw: object, name: str, problems: list[KbProblem]) -> tuple[str, ...]:
    allowed = tuple(c.value for c in Category)
    chosen = []
    for word in _words(raw, "categories", name, problems):
        value = word.lower()
        if value not in allowed:
            problems.append(KbProblem(name, KbProblemCode.UNKNOWN_CATEGORY, "categories", _shown(word), allowed))
        elif value not in chosen:
            chosen.append(value)
    return tuple(c for c in allowed if c in chosen)


def _councils(raw: object, name: str, problems: list[KbProblem]) -> tuple[str, ...]:
    chosen: set[str] = set()
    words = _words(raw, "councils", name, problems)
    for word in words:
        key = " ".join(word.lower().replace(".", "").split())
        if key in ALL_PARTNER_WORDS:
            chosen.update(ALL_COUNCIL_NAMES)
        elif key in COUNCILS:
            chosen.add(COUNCILS[key])
        else:
            problems.append(
                KbProblem(name, KbProblemCode.UNKNOWN_COUNCIL, "councils", _shown(word), (*ALL_COUNCIL_NAMES, "all"))
            )
    if not words:
        chosen.update(ALL_COUNCIL_NAMES)
    return tuple(c for c in ALL_COUNCIL_NAMES if c in chosen)


def parse_article(name: str, data: bytes) -> tuple[ArticleInput | None, list[KbProblem]]:
    """One file's article, or its problems. `name` is the file's name (its stem is the slug)."""
    problems: list[KbProblem] = []
    slug = name[:-3] if name.lower().endswith(".md") else name
    if not _SLUG.fullmatch(slug) or len(slug) > SLUG_MAX or slug in RESERVED_SLUGS:
        problems.append(
            KbProblem(name, KbProblemCode.BAD_NAME, value=_shown(slug), allowed=tuple(sorted(RESERVED_SLUGS)))
        )
    if len(data) > FILE_MAX:
        return None, [*problems, KbProblem(name, KbProblemCode.TOO_BIG, limit=FILE_MAX)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [*problems, KbProblem(name, KbProblemCode.NOT_TEXT)]
    if "\x00" in text:
        return None, [*problems, KbProblem(name, KbProblemCode.NOT_TEXT)]
    found = _FRONT.match(text)
    if found is None:
        return None, [*problems, KbProblem(name, KbProblemCode.NO_FRONT_MATTER)]
    try:
        front = yaml.safe_load(found["front"])
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 2}" if mark is not None else None  # +1 for 1-based, +1 for the opening ---
        reason = getattr(e, "problem", None) or "not YAML"
        return None, [
            *problems,
            KbProblem(name, KbProblemCode.BAD_YAML, detail=f"{reason}, {where}" if where else reason),
        ]
    if not isinstance(front, dict):
        return None, [*problems, KbProblem(name, KbProblemCode.NOT_A_MAPPING)]
    for key in front:
        if key not in FIELDS:
            problems.append(KbProblem(name, KbProblemCode.UNKNOWN_FIELD, field=_shown(key), allowed=FIELDS))
    title = _line(front.get("title"), "title", name, TITLE_MAX, problems)
    if not title:
        problems.append(KbProblem(name, KbProblemCode.MISSING, field="title"))
    summary = _line(front.get("summary"), "summary", name, SUMMARY_MAX, problems)
    keywords = tuple(k.lower() for k in _words(front.get("keywords"), "keywords", name, problems))
    categories = _categories(front.get("categories"), name, problems)
    councils = _councils(front.get("councils"), name, problems)
    body = clean_text(found["body"].replace("\r\n", "\n"), multiline=True).strip()
    if not body:
        problems.append(KbProblem(name, KbProblemCode.MISSING, field="body"))
    elif len(body) > BODY_MAX:
        problems.append(KbProblem(name, KbProblemCode.TOO_LONG, field="body", limit=BODY_MAX))
    if problems:
        return None, problems
    return ArticleInput(slug, title, summary, keywords, categories, councils, body), []


def read_articles(files: Iterable[tuple[str, bytes]]) -> list[ArticleInput]:
    """Every article of (file name, bytes) pairs, in slug order; KbFileError with every problem of every file."""
    articles: list[ArticleInput] = []
    problems: list[KbProblem] = []
    for name, data in files:
        article, found = parse_article(name, data)
        problems += found
        if article is not None:
            articles.append(article)
    if problems:
        raise KbFileError(problems)
    return sorted(articles, key=lambda a: a.slug)


def read_article_dir(directory: Path) -> list[ArticleInput]:
    """The articles of a directory's `*.md` files (README.md left out); KbFileError lists every problem."""
    if not directory.is_dir():
        raise KbFileError([KbProblem(str(directory), KbProblemCode.NOT_A_DIRECTORY)])
    paths = sorted(p for p in directory.glob("*.md") if p.is_file() and p.name.lower() != "readme.md")
    if not paths:
        raise KbFileError([KbProblem(str(directory), KbProblemCode.NO_ARTICLES)])
    return read_articles((p.name, p.read_bytes()) for p in paths)


def sample_articles() -> list[ArticleInput]:
    return read_article_dir(SAMPLE_KB)


async def seed_sample_articles_if_empty(store: Store) -> bool:
    """Import the sample articles when the database has none; articles already there are never touched."""
    if await store.has_articles():
        return False
    await store.import_articles(sample_articles())
    return True


__all__ = [
    "SAMPLE_KB",
    "ArticleInput",
    "KbFileError",
    "KbProblem",
    "KbProblemCode",
    "parse_article",
    "read_article_dir",
    "read_articles",
    "sample_articles",
    "seed_sample_articles_if_empty",
]
