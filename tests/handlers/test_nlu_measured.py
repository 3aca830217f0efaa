"""The understanding step measured on the repository's labelled messages: the evaluation part, which the
rules were not written from, must be read at the issue's thresholds."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections import Counter

from handlers.commands import ALL_COMMANDS
from handlers.nlu.data.write_messages import COLUMNS, ISSUE_ROWS, build
from handlers.nlu.evaluation import LOAD_PROBE, MESSAGES, evaluate, messages
from handlers.nlu.rules import SECURITY_INCIDENT
from storage.enums import Category

OWN_INTENTS = {
    "report_problem",
    "support",
    "security_incident",
    "ask_my_requests",
    "progress_update",
    "greeting",
    "thanks",
    "unknown",
}


def test_the_evaluation_part_is_read_at_the_thresholds():
    report = evaluate(messages("eval"))
    detail = "\n".join(report.lines())
    assert report.intent_accuracy >= 0.95, detail
    assert report.category_accuracy >= 0.90, detail
    assert report.intents[SECURITY_INCIDENT][1] >= 10, "too few security incidents to measure recall"
    assert report.recall(SECURITY_INCIDENT) == 1.0, detail


def test_the_labelled_set_is_large_split_and_covers_every_intent_and_category():
    rows = messages()
    assert len(rows) >= 600
    assert {r.split for r in rows} == {"train", "eval"}
    train = {r.text for r in rows if r.split == "train"}
    assert not train & {r.text for r in rows if r.split == "eval"}
    share = Counter(r.split for r in rows)
    assert 0.2 <= share["eval"] / len(rows) <= 0.3
    # Hidden commands answer their buttons only: nobody types them.
    assert {r.intent for r in rows} == {c.name for c in ALL_COMMANDS if not c.hidden} | OWN_INTENTS
    assert {r.category for r in rows} - {""} == {c.value for c in Category}
    assert {r.intent for r in rows if r.split == "eval"} >= OWN_INTENTS


def test_every_row_of_the_issue_is_in_the_training_part():
    labelled = {(r.text, r.intent, r.category) for r in messages("train")}
    for text, intent, category, _priority in ISSUE_ROWS:
        assert (text, intent, category) in labelled


def test_the_file_is_what_its_generator_writes():
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(build())
    assert MESSAGES.read_text(encoding="utf-8") == out.getvalue()


def test_loading_it_is_quick_and_small():
    seconds, grown = subprocess.run(
        [sys.executable, "-c", LOAD_PROBE], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    assert float(seconds) < 1.0
    assert int(grown) < 40 * 1024 * 1024
