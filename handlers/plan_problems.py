"""What to tell the person who wrote a plan file: the words for every problem storage finds in one.

A value from the file appears only as storage handed it over, an Excerpt of its first characters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from storage.plan_issues import ELLIPSIS, Excerpt, PlanError, PlanIssue, PlanProblem

#: What a list of the plan holds, one of them in words.
_ONE_OF = {"themes": "a theme", "actions": "an action"}


def quote(value: Excerpt) -> str:
    """A value from the file as a message quotes it: text in quotes with its controls escaped, anything
    else as it is written; '...' when it was cut."""
    shown = repr(value.text) if value.is_text else value.text
    return shown + (ELLIPSIS if value.cut else "")


def _listed(values: Any) -> str:
    return ", ".join(str(v) for v in values)


def _either(values: Any) -> str:
    """'red, amber or green'."""
    *most, last = (str(v) for v in values)
    return f"{', '.join(most)} or {last}" if most else last


def _unknown(what: str) -> Callable[[Mapping[str, Any]], str]:
    def word(d: Mapping[str, Any]) -> str:
        guess = d.get("guess")
        return f"unknown {what}" + (f"; did you mean {guess}?" if guess else f" (expected {_listed(d['expected'])})")

    return word


def _required(d: Mapping[str, Any]) -> str:
    return f"required: a list of {d['items']}" if d.get("items") else "required"


def _not_a_mapping(d: Mapping[str, Any]) -> str:
    shape = d["shape"]
    if shape == "plan":
        return "expected a mapping with a 'themes' list"
    if shape in _ONE_OF:
        return f"expected {_ONE_OF[shape]} with {_listed(d['keys'])}"
    return "expected a mapping"


_WORDS: dict[PlanProblem, Callable[[Mapping[str, Any]], str]] = {
    PlanProblem.UNKNOWN_FORMAT: lambda d: f"unknown format {quote(d['value'])} (use {_either(d['allowed'])})",
    PlanProblem.NOT_A_PLAN_FILE: lambda d: f"a plan file must end in {_either(d['allowed'])}",
    PlanProblem.NOT_UTF8: lambda d: f"is not UTF-8 or Windows-1252 text (byte {d['byte']})",
    PlanProblem.EMPTY_FILE: lambda d: "the file is empty",
    PlanProblem.NO_THEMES: lambda d: "the plan has no themes",
    PlanProblem.NOT_YAML: lambda d: f"this is not valid YAML: {d['detail']}",
    PlanProblem.YAML_CHARACTER: lambda d: f"this is not valid YAML: character #x{d['character']:04x} is not allowed",
    PlanProblem.YAML_DUPLICATE_KEY: lambda d: f"this is not valid YAML: the key {quote(d['key'])} is given twice",
    PlanProblem.NOT_CSV: lambda d: f"this is not valid CSV: {d['detail']}",
    PlanProblem.NO_HEADER: lambda d: f"expected a header row: {_listed(d['expected'])}",
    PlanProblem.UNKNOWN_COLUMN: _unknown("column"),
    PlanProblem.REPEATED_COLUMN: lambda d: "this column appears more than once",
    PlanProblem.MISSING_COLUMNS: lambda d: f"missing column(s): {_listed(d['missing'])}",
    PlanProblem.EXTRA_CELLS: lambda d: f"has {d['cells']} cells but the header has {d['columns']} columns",
    PlanProblem.THEME_NAME_DIFFERS: lambda d: (
        f"{quote(d['value'])} differs from {quote(d['first'])} given for {d['code']} on {d['first_at']}"
    ),
    PlanProblem.THEME_SUMMARY_DIFFERS: lambda d: f"differs from the summary given for {d['code']} on {d['first_at']}",
    PlanProblem.UNKNOWN_KEY: _unknown("key"),
    PlanProblem.REQUIRED: _required,
    PlanProblem.NOT_A_LIST: lambda d: f"must be a list of {d['items']}",
    PlanProblem.NOT_A_MAPPING: _not_a_mapping,
    PlanProblem.INVALID: lambda d: str(d["detail"]),
    PlanProblem.NOT_TEXT: lambda d: f"{quote(d['value'])} is not text",
    PlanProblem.HAS_NUL: lambda d: "contains a NUL character, which text never has (is this a binary file?)",
    PlanProblem.ONLY_CONTROLS: lambda d: "has only control characters",
    PlanProblem.TOO_LONG: lambda d: f"is {d['length']} characters long; the most is {d['limit']}",
    PlanProblem.NOT_THEME_CODE: lambda d: f"{quote(d['value'])} is not a theme code (2 to 4 letters, like WF)",
    PlanProblem.NOT_ACTION_REF: lambda d: f"{quote(d['value'])} is not an action reference like WF-01",
    PlanProblem.NOT_EMAIL: lambda d: f"{quote(d['value'])} is not an email address",
    PlanProblem.NOT_USER_KEY: lambda d: (
        f"{quote(d['value'])} is not a chat identity (use slack:U..., teams:<id> or local:name)"
    ),
    PlanProblem.NOT_DEPUTY: lambda d: (
        f"{quote(d['value'])} is not an email address or a chat identity (like slack:U012AB3CD)"
    ),
    PlanProblem.NO_OWNER: lambda d: "required: give the owner's name, email or chat identity (owner_email, owner_key)",
    PlanProblem.NOT_COUNCIL_LIST: lambda d: f"{quote(d['value'])} is not a list of councils",
    PlanProblem.UNKNOWN_PARTNERS: lambda d: (
        f"{', '.join(quote(v) for v in d['values'])} is not a partner council (use {_listed(d['allowed'])})"
    ),
    PlanProblem.NO_PARTNER: lambda d: "name at least one partner council",
    PlanProblem.NOT_PLAN_YEAR: lambda d: f"{quote(d['value'])} is not a plan year like 2019/20",
    PlanProblem.NO_PLAN_YEAR: lambda d: "give a plan year or a due date",
    PlanProblem.NOT_DATE: lambda d: f"{quote(d['value'])} is not a date (use YYYY-MM-DD)",
    PlanProblem.NOT_STATUS: lambda d: f"{quote(d['value'])} is not a status (use {_listed(d['allowed'])})",
    PlanProblem.NOT_PERCENT: lambda d: f"{quote(d['value'])} is not a whole number from 0 to 100",
    PlanProblem.NOT_RAG: lambda d: f"{quote(d['value'])} is not a RAG rating (use {_either(d['allowed'])})",
    PlanProblem.NOT_FLAG: lambda d: f"{quote(d['value'])} is not true or false",
    PlanProblem.COMPLETE_BELOW_100: lambda d: (
        f"is {d['progress']} but the status is complete (a complete action is at 100)"
    ),
    PlanProblem.AT_100_NOT_COMPLETE: lambda d: f"is 100 but the status is {d['status']} (set the status to complete)",
    PlanProblem.USED_TWICE: lambda d: f"{d['what']} {d['key']} is used twice (also at {d['first_at']})",
    PlanProblem.WRONG_THEME: lambda d: f"{d['ref']} is not in theme {d['code']} (its ref should start {d['code']}-)",
}


def plan_problem_text(issue: PlanIssue) -> str:
    """What is wrong, in words: "'2019-13-01' is not a date (use YYYY-MM-DD)"."""
    return _WORDS[issue.problem](issue.details)


def plan_issue_text(issue: PlanIssue) -> str:
    """One problem with its place: "row 2, field due: '2019-13-01' is not a date (use YYYY-MM-DD)"."""
    if issue.field:
        return f"{issue.where}, field {issue.field}: {plan_problem_text(issue)}"
    return f"{issue.where}: {plan_problem_text(issue)}"


def plan_error_text(error: PlanError) -> str:
    """Every problem of a plan file, one a line, in file order."""
    return "\n".join(plan_issue_text(issue) for issue in error.errors)


__all__ = ["plan_error_text", "plan_issue_text", "plan_problem_text", "quote"]
