"""Problems found in a plan file, as data: where, which field, a problem code and the values it is about.

The words for a problem are chosen by the caller (handlers.plan_problems). A value from the file is
carried only as an Excerpt of at most SHOW_MAX characters, so a file that is not a plan at all (a
password file, a binary, somebody's notes) is never echoed back, only pointed at.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic_core import PydanticCustomError

from storage.errors import InvalidInput
from storage.text import clean_text

#: How many characters of a value from the file a problem may carry.
SHOW_MAX = 20
ELLIPSIS = "..."


class PlanProblem(StrEnum):
    """What is wrong. The details each problem carries are listed beside it."""

    # The file as a whole.
    UNKNOWN_FORMAT = "unknown_format"  # value: Excerpt, allowed: the formats
    NOT_A_PLAN_FILE = "not_a_plan_file"  # allowed: the file name endings
    NOT_UTF8 = "not_utf8"  # byte: the offset of the first byte that is not UTF-8 (nor Windows-1252)
    EMPTY_FILE = "empty_file"
    NO_THEMES = "no_themes"
    NOT_YAML = "not_yaml"  # detail: the YAML parser's own account
    YAML_CHARACTER = "yaml_character"  # character: the code point YAML never allows
    YAML_DUPLICATE_KEY = "yaml_duplicate_key"  # key: Excerpt
    NOT_CSV = "not_csv"  # detail: the CSV reader's own account
    # The shape of a CSV file.
    NO_HEADER = "no_header"  # expected: the columns
    UNKNOWN_COLUMN = "unknown_column"  # guess: the closest column or None, expected: the columns
    REPEATED_COLUMN = "repeated_column"
    MISSING_COLUMNS = "missing_columns"  # missing: the required columns not there
    EXTRA_CELLS = "extra_cells"  # cells, columns: how many of each
    THEME_NAME_DIFFERS = "theme_name_differs"  # value, first: Excerpt; code; first_at: where the first was
    THEME_SUMMARY_DIFFERS = "theme_summary_differs"  # code; first_at
    # The shape of the data.
    UNKNOWN_KEY = "unknown_key"  # guess: the closest key or None, expected: the keys
    REQUIRED = "required"  # items: 'themes' or 'actions' when a list of them is missing, else None
    NOT_A_LIST = "not_a_list"  # items: what the list holds ('themes', 'actions')
    NOT_A_MAPPING = "not_a_mapping"  # shape: 'plan', 'mapping' or the list ('themes', 'actions'); keys
    INVALID = "invalid"  # detail: the validator's own account (a case none of the codes covers)
    # One value.
    NOT_TEXT = "not_text"  # value
    HAS_NUL = "has_nul"
    ONLY_CONTROLS = "only_controls"
    TOO_LONG = "too_long"  # length, limit
    NOT_THEME_CODE = "not_theme_code"  # value
    NOT_ACTION_REF = "not_action_ref"  # value
    NOT_EMAIL = "not_email"  # value
    NOT_USER_KEY = "not_user_key"  # value
    NOT_DEPUTY = "not_deputy"  # value: a deputy that is neither an identity key nor an email
    NO_OWNER = "no_owner"  # none of owner, owner_email, owner_key given
    NOT_COUNCIL_LIST = "not_council_list"  # value
    UNKNOWN_PARTNERS = "unknown_partners"  # values: Excerpts, allowed: the councils
    NO_PARTNER = "no_partner"
    NOT_PLAN_YEAR = "not_plan_year"  # value
    NO_PLAN_YEAR = "no_plan_year"  # no plan year, no due date and none given for the import
    NOT_DATE = "not_date"  # value
    NOT_STATUS = "not_status"  # value, allowed: the statuses
    NOT_PERCENT = "not_percent"  # value
    NOT_RAG = "not_rag"  # value, allowed: the ratings
    NOT_FLAG = "not_flag"  # value
    COMPLETE_BELOW_100 = "complete_below_100"  # progress
    AT_100_NOT_COMPLETE = "at_100_not_complete"  # status
    # Across the file.
    USED_TWICE = "used_twice"  # what: 'theme' or 'action', key, first_at
    WRONG_THEME = "wrong_theme"  # ref, code


@dataclass(frozen=True, slots=True)
class Excerpt:
    """At most SHOW_MAX characters of a value from the file: the start of the text when the value is
    text (`is_text`), else the start of how it is written (a date as YYYY-MM-DD, anything else as
    Python writes it); `cut` when there was more."""

    text: str
    is_text: bool
    cut: bool


def excerpt(value: Any) -> Excerpt:
    """The start of `value`, as a problem may carry it."""
    if isinstance(value, str):
        return Excerpt(value[:SHOW_MAX], True, len(value) > SHOW_MAX)
    text = value.isoformat() if isinstance(value, date) else repr(value)
    return Excerpt(text[:SHOW_MAX], False, len(text) > SHOW_MAX)


def show_key(name: Any) -> str:
    """A key or column name from the file, as the `field` of an issue: one line, cut to SHOW_MAX
    characters plus '...'."""
    text = clean_text(str(name), multiline=False).strip()
    return text if len(text) <= SHOW_MAX else text[:SHOW_MAX] + ELLIPSIS


@dataclass(frozen=True, slots=True)
class PlanIssue:
    """One problem in a plan file: where (row 4, line 3, themes[2].actions[1], file, top level or the
    file's name), which field ('' for the place as a whole), what is wrong and the values it is about."""

    where: str
    field: str
    problem: PlanProblem
    details: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:  # for logs; a person reads handlers.plan_problems' words
        facts = "".join(f" {key}={value!r}" for key, value in self.details.items())
        return (
            f"{self.where} [{self.field}] {self.problem}{facts}"
            if self.field
            else f"{self.where} {self.problem}{facts}"
        )


def issue(where: str, field_name: str, problem: PlanProblem, **details: Any) -> PlanIssue:
    return PlanIssue(where, field_name, problem, details)


def bad(problem: PlanProblem, **details: Any) -> PydanticCustomError:
    """What a field rule raises: pydantic reports it with the field's location, the problem as its type
    and the details as its context (storage.plan_file.issues_of turns it into a PlanIssue)."""
    return PydanticCustomError(problem.value, problem.value, details)


class PlanError(InvalidInput):
    """A plan file that cannot be imported; `errors` holds every problem found, in file order."""

    def __init__(self, errors: Iterable[PlanIssue]):
        self.errors: list[PlanIssue] = list(errors)
        super().__init__("plan", "invalid")

    def __str__(self) -> str:
        return "\n".join(str(issue) for issue in self.errors)


__all__ = [
    "ELLIPSIS",
    "SHOW_MAX",
    "Excerpt",
    "PlanError",
    "PlanIssue",
    "PlanProblem",
    "bad",
    "excerpt",
    "issue",
    "show_key",
]
