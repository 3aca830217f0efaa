"""How well the understanding step reads a labelled set of messages (a CSV of text,intent,category; other
columns such as priority and split are optional): accuracy per intent and per category, which intent was
taken for which, and each message read wrongly."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from handlers.nlu.understanding import understand

#: The labelled messages kept in the repository (handlers/nlu/data/README.md).
MESSAGES = Path(__file__).with_name("data") / "messages.csv"
#: The day relative dates are read from while measuring (dates do not decide an intent).
MEASURED_ON = date(2021, 3, 1)
REQUIRED = ("text", "intent", "category")
#: Python source that prints the seconds and bytes of memory loading the understanding step takes, beyond
#: the storage layer a server has loaded anyway; run it in a fresh interpreter (the tests and benchmarks do).
LOAD_PROBE = """
import datetime, time
def rss(): return int(open('/proc/self/statm').read().split()[1]) * 4096
import storage, handlers.vocabulary
before, started = rss(), time.perf_counter()
from handlers.nlu import understand
understand('my vpn keeps dropping', today=datetime.date(2021, 3, 1))
print(time.perf_counter() - started, rss() - before)
"""


@dataclass(frozen=True, slots=True)
class Labelled:
    text: str
    intent: str
    category: str  # "" when the message is not about a problem
    split: str = ""


@dataclass(frozen=True, slots=True)
class Miss:
    text: str
    expected: str
    got: str
    confidence: float
    what: str  # "intent" or "category"


@dataclass(frozen=True, slots=True)
class Report:
    intents: dict[str, tuple[int, int]]  # intent -> (right, of)
    categories: dict[str, tuple[int, int]]
    confusion: Counter[tuple[str, str]]  # (expected, got) -> how many, the wrong ones only
    misses: tuple[Miss, ...]

    @staticmethod
    def _accuracy(table: dict[str, tuple[int, int]]) -> float:
        right, of = (sum(x) for x in zip(*table.values(), strict=True)) if table else (0, 0)
        return right / of if of else 1.0

    @property
    def intent_accuracy(self) -> float:
        return self._accuracy(self.intents)

    @property
    def category_accuracy(self) -> float:
        return self._accuracy(self.categories)

    def recall(self, intent: str) -> float:
        right, of = self.intents.get(intent, (0, 0))
        return right / of if of else 1.0

    def lines(self) -> list[str]:
        out = [
            f"Intent accuracy {self.intent_accuracy:.1%} over {sum(n for _, n in self.intents.values())} messages; "
            f"category accuracy {self.category_accuracy:.1%} over {sum(n for _, n in self.categories.values())}.",
            "",
            "Per intent:",
            *_table(self.intents),
            "",
            "Per category:",
            *_table(self.categories),
            "",
            "Confusion (expected -> taken as):" if self.confusion else "Confusion: none.",
            *(f"  {e} -> {g}: {n}" for (e, g), n in sorted(self.confusion.items(), key=lambda x: (-x[1], x[0]))),
        ]
        if self.misses:
            out += ["", "Read wrongly:"]
            out += [
                f"  [{m.what}] expected {m.expected}, got {m.got} ({m.confidence:.2f}): {' '.join(m.text.split())[:160]}"
                for m in self.misses
            ]
        return out


def _table(table: dict[str, tuple[int, int]]) -> list[str]:
    width = max((len(k) for k in table), default=0)
    return [f"  {k.ljust(width)}  {r}/{n}  {r / n:.0%}" for k, (r, n) in sorted(table.items())]


def read_labelled(text: str) -> list[Labelled]:
    """The rows of a labelled CSV. ValueError naming what is wrong when a column is missing."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or ())]
    if missing:
        raise ValueError(f"the CSV needs the columns {', '.join(REQUIRED)}; missing: {', '.join(missing)}")
    return [
        Labelled(r["text"] or "", (r["intent"] or "").strip(), (r["category"] or "").strip(), (r.get("split") or ""))
        for r in reader
    ]


def messages(split: str | None = None) -> list[Labelled]:
    """The repository's labelled messages, or one part of them ('train' or 'eval')."""
    rows = read_labelled(MESSAGES.read_text(encoding="utf-8"))
    return [r for r in rows if split is None or r.split == split]


def evaluate(rows: list[Labelled]) -> Report:
    intents: dict[str, list[int]] = {}
    categories: dict[str, list[int]] = {}
    confusion: Counter[tuple[str, str]] = Counter()
    misses: list[Miss] = []
    for row in rows:
        seen = understand(row.text, today=MEASURED_ON)
        tally = intents.setdefault(row.intent, [0, 0])
        tally[1] += 1
        if seen.intent == row.intent:
            tally[0] += 1
        else:
            confusion[row.intent, seen.intent] += 1
            misses.append(Miss(row.text, row.intent, seen.intent, seen.confidence, "intent"))
        if row.category:
            tally = categories.setdefault(row.category, [0, 0])
            tally[1] += 1
            if seen.category == row.category:
                tally[0] += 1
            else:
                misses.append(Miss(row.text, row.category, seen.category or "none", seen.confidence, "category"))
    return Report(
        intents={k: (r, n) for k, (r, n) in intents.items()},
        categories={k: (r, n) for k, (r, n) in categories.items()},
        confusion=confusion,
        misses=tuple(misses),
    )
