"""What a plan file holds, declared once: a theme and its actions as pydantic models.

ActionInput and ThemeInput are what the YAML and CSV readers return and what Store.import_plan takes.
Their fields, in order, are the YAML keys and (behind the theme_* columns) the CSV columns; the fields
with a default are the ones a file may leave out; the export writes the same fields. Each field's rule
is in storage.plan_fields. What one model cannot see alone (a ref or theme code used twice, an action
filed under another theme) is checked by Registry, and pydantic's errors become PlanIssues with the
row or path, field, problem code and details (issues_of).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from storage.enums import ActionStatus, Rag
from storage.plan_fields import (
    ALL_PARTNERS,
    OWNER_MISSING,
    ActionRef,
    Deputies,
    Due,
    Email,
    Flag,
    Name,
    Owner,
    Partners,
    PlanYear,
    RagRating,
    Status,
    Text,
    ThemeCode,
    Title,
    UserKey,
    action_ref,
    blank,
    due,
    financial_year,
    looks_like_email,
    looks_like_key,
    percent,
    theme_code,
)
from storage.plan_issues import PlanIssue, PlanProblem, bad, issue, show_key
from storage.plan_notes import NoteKind, Reading, ReadNote, reading_of
from storage.records import UnreachableOwner

COMPLETE = ActionStatus.COMPLETE.value
#: Stands in for the plan year of an action whose due date is wrong: that problem is the one reported.
_YEAR_OF_A_BAD_DATE = "2019/20"


class _PlanModel(BaseModel):
    """A mapping from a plan file: unknown keys are errors, and a key left empty counts as not given."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _drop_blanks(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {str(key): value for key, value in data.items() if not blank(value)}
        return data


def _given(data: Mapping[str, Any], key: str) -> bool:
    return key in data and not blank(data[key])


class ActionInput(_PlanModel):
    """One action of the plan. A field left out of the file takes its default for a new action and
    leaves an existing action's own value alone (see `given`).

    The owner is named by any of owner (a name, or an email or identity key, read as owner_email or
    owner_key), owner_email and owner_key. A blank plan year is the one given for the import (the
    Reading's), else the financial year of the due date, else a problem."""

    ref: ActionRef
    title: Title
    description: Text = ""
    owner: Owner | None = None
    owner_email: Email | None = None
    owner_key: UserKey | None = None
    #: Others who may post updates: identity keys or emails.
    deputies: Deputies = ()
    partners: Partners = ALL_PARTNERS
    plan_year: PlanYear = Field(default=None, validate_default=True)
    start: Due | None = None
    due: Due | None = None
    status: Status = ActionStatus.NOT_STARTED.value
    #: 0-100; left out, 100 for a complete action and 0 otherwise.
    progress: int = Field(default=None, validate_default=True)
    rag: RagRating = Rag.GREEN.value

    @model_validator(mode="wrap")
    @classmethod
    def _read(cls, data: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> ActionInput:
        """Work out the owner's fields and the plan year; label the notes of the fields with the ref."""
        reading = reading_of(info)
        outer = reading.begin() if reading is not None else []
        ref = None
        try:
            if isinstance(data, Mapping):
                data = _owner_and_year(dict(data), reading)
            action = handler(data)
            ref = action.ref
            return action
        finally:
            if reading is not None:
                reading.end(outer, ref)

    @field_validator("progress", mode="before")
    @classmethod
    def _progress_fits_status(cls, value: Any, info: ValidationInfo) -> int:
        status = info.data.get("status")  # absent when the status itself was wrong
        complete = status == COMPLETE
        if value is None:
            return 100 if complete else 0
        number = percent(value)
        if complete and number != 100:
            raise bad(PlanProblem.COMPLETE_BELOW_100, progress=number)
        if number == 100 and status and not complete:
            raise bad(PlanProblem.AT_100_NOT_COMPLETE, status=status)
        return number

    @property
    def given(self) -> frozenset[str]:
        """The optional fields this input sets; Store.import_plan leaves an existing action's others alone.
        A complete action sets its progress (100) whether the file said so or not."""
        given = OPTIONAL_ACTION_FIELDS & self.model_fields_set
        return given | {"progress"} if self.status == COMPLETE else given


def _owner_and_year(data: dict[str, Any], reading: Reading | None) -> dict[str, Any]:
    if _given(data, "owner"):
        cell = data["owner"]
        for looks_like, key in ((looks_like_key, "owner_key"), (looks_like_email, "owner_email")):
            if looks_like(cell) and not _given(data, key):
                data[key] = data.pop("owner")
                if reading is not None:
                    reading.note(NoteKind.OWNER_IDENTITY, "owner", cell.strip(), key)
                break
    elif not _given(data, "owner_email") and not _given(data, "owner_key"):
        data["owner"] = OWNER_MISSING
    if _given(data, "plan_year"):
        return data
    if reading is not None and reading.plan_year:
        data["plan_year"] = reading.plan_year
        reading.note(NoteKind.PLAN_YEAR_GIVEN, "plan_year", None, reading.plan_year)
    elif _given(data, "due"):
        try:
            day = due(data["due"])  # the due field notes how it was written
        except PydanticCustomError:
            data["plan_year"] = _YEAR_OF_A_BAD_DATE
        else:
            data["plan_year"] = financial_year(day)
            if reading is not None:
                reading.note(NoteKind.PLAN_YEAR_FROM_DUE, "plan_year", None, data["plan_year"])
    return data


class ThemeInput(_PlanModel):
    code: ThemeCode
    name: Name
    summary: Text = ""
    actions: tuple[ActionInput, ...] = ()


class PlanFile(_PlanModel):
    """A YAML plan: its themes, and whether it is the illustrative sample."""

    themes: list[ThemeInput]
    sample: Flag = False
    #: Dates of the MKS Shared Services Board meetings (ISO or UK).
    board_meetings: tuple[Due, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanRead:
    """A plan file as read: its themes, what the reader normalised, and (YAML only) the Board meetings."""

    themes: list[ThemeInput]
    notes: tuple[ReadNote, ...] = ()
    board_meetings: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class KeptField:
    """A field the file would have changed but that was changed in chat since the last import: kept."""

    ref: str
    field: str
    current: Any
    in_file: Any


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did (or, in a dry run, would do). Refs in file order, except `missing`, `retired`
    and `unreachable`, in ref order. `changed` pairs a ref with the fields it changed."""

    themes_created: int
    themes_updated: int
    actions_created: int
    #: Actions of the file that were already in the plan (changed or not).
    actions_updated: int
    sample_actions_removed: int = 0
    added: tuple[str, ...] = ()
    changed: tuple[tuple[str, tuple[str, ...]], ...] = ()
    unchanged: tuple[str, ...] = ()
    kept: tuple[KeptField, ...] = ()
    #: Live actions of the plan that the file does not have.
    missing: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()
    #: Retired actions that the file brought back.
    restored: tuple[str, ...] = ()
    #: Rows ('RS-01 2019/20') for a year an action was carried forward from: that year's copy is closed, so
    #: the row is left alone (the action is changed in its later year's row).
    carried_forward: tuple[str, ...] = ()
    #: Owners of live actions nobody can reach in chat (no known user by their key or email).
    unreachable: tuple[UnreachableOwner, ...] = ()
    board_meetings_added: tuple[date, ...] = ()
    dry_run: bool = False


def _keys(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(model.model_fields)


ACTION_KEYS = _keys(ActionInput)
THEME_KEYS = _keys(ThemeInput)
TOP_KEYS = _keys(PlanFile)
#: Action fields a plan file may leave out. Left out, a new action takes the default and an existing
#: action keeps what it has (so re-importing a plan never wipes the progress owners have posted).
OPTIONAL_ACTION_FIELDS = frozenset(k for k, f in ActionInput.model_fields.items() if not f.is_required())
#: A CSV has one action a row, its theme in the columns theme_code, theme_name, theme_summary.
CSV_THEME_COLUMNS = tuple(f"theme_{key}" for key in THEME_KEYS if key != "actions")
CSV_COLUMNS = (*CSV_THEME_COLUMNS, *ACTION_KEYS)
CSV_REQUIRED = ("theme_code", "theme_name", *(k for k, f in ActionInput.model_fields.items() if f.is_required()))

# ---------------------------------------------------------------- pydantic errors as plan issues

#: The list fields of the models: the model of their items.
_ITEMS: dict[str, type[BaseModel]] = {"themes": ThemeInput, "actions": ActionInput}

Loc = tuple[int | str, ...]
_CODES = frozenset(p.value for p in PlanProblem)


def closest(name: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    """The details of a key or column that is not one of `allowed`: the closest one (or None) and all."""
    guess = difflib.get_close_matches(str(name), allowed, n=1)
    return {"guess": guess[0] if guess else None, "expected": allowed}


def _model_at(root: type[BaseModel], path: Loc) -> type[BaseModel]:
    model = root
    for name, index in pairwise(path):
        if isinstance(index, int) and name in _ITEMS:
            model = _ITEMS[str(name)]
    return model


def _problem(root: type[BaseModel], error: Any, path: Loc, name: str) -> tuple[PlanProblem, dict[str, Any]]:
    kind = error["type"]
    if kind in _CODES:
        return PlanProblem(kind), dict(error.get("ctx", {}))
    if kind == "missing":
        return PlanProblem.REQUIRED, {"items": name if name in _ITEMS else None}
    if kind in ("list_type", "tuple_type"):
        return PlanProblem.NOT_A_LIST, {"items": name}
    if kind == "extra_forbidden":
        return PlanProblem.UNKNOWN_KEY, closest(name, _keys(_model_at(root, path)))
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        model = _model_at(root, path)
        shape = str(path[-2]) if path else "plan" if model is PlanFile else "mapping"
        return PlanProblem.NOT_A_MAPPING, {"shape": shape, "keys": _keys(model)}
    return PlanProblem.INVALID, {"detail": str(error["msg"])}  # pydantic's own account never quotes the value


def _where(path: Loc, root_label: str) -> str:
    where = ""
    for part in path:
        where += f"[{part}]" if isinstance(part, int) else f".{part}" if where else str(part)
    return where or root_label


def issues_of(
    error: ValidationError, root: type[BaseModel], root_label: str, rename: Mapping[str, str] | None = None
) -> Iterator[tuple[Loc, PlanIssue]]:
    """Each of pydantic's errors as a PlanIssue (with its location, to sort by): where is the path to the
    mapping (root_label for the root: 'top level', 'row 4'), field the key, renamed by `rename`. Unknown
    keys come first: a misspelt key is the likely cause of a required one missing."""
    errors = error.errors(include_url=False, include_input=False)
    for e in sorted(errors, key=lambda e: e["type"] != "extra_forbidden"):
        loc: Loc = tuple(e["loc"])
        path, name = (loc[:-1], str(loc[-1])) if loc and isinstance(loc[-1], str) else (loc, "")
        field_name = (rename or {}).get(name, name)
        problem, details = _problem(root, e, path, name)
        yield loc, PlanIssue(_where(path, root_label), show_key(field_name), problem, details)


def file_order(loc: Loc) -> tuple[int, ...]:
    """A sort key that puts issues in the order of the themes and actions they are about."""
    return tuple(part for part in loc if isinstance(part, int))


# ---------------------------------------------------------------- checks across the file


def _valid(rule: Any, value: Any) -> str | None:
    try:
        return None if blank(value) else rule(value)
    except PydanticCustomError:
        return None  # the model reports it


@dataclass
class Registry:
    """Theme codes and action refs seen so far in a file, to catch one used twice or an action whose
    ref is not in its theme; the issues found, with the location of what they are about."""

    issues: list[tuple[Loc, PlanIssue]] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)

    def _first_use(self, seen: dict[str, str], key: str, loc: Loc, where: str, name: str, what: str) -> None:
        first = seen.setdefault(key, where)
        if first != where:
            self.issues.append((loc, issue(where, name, PlanProblem.USED_TWICE, what=what, key=key, first_at=first)))

    def theme(self, raw_code: Any, loc: Loc, where: str, *, unique: bool = True, name: str = "code") -> str | None:
        """The theme code (None if it is not one); with `unique`, a second theme with it is an issue."""
        code = _valid(theme_code, raw_code)
        if code and unique:
            self._first_use(self.codes, code, loc, where, name, "theme")
        return code

    def action(self, raw_ref: Any, loc: Loc, where: str, code: str | None) -> None:
        ref = _valid(action_ref, raw_ref)
        if not ref:
            return
        if code and not ref.startswith(f"{code}-"):
            self.issues.append((loc, issue(where, "ref", PlanProblem.WRONG_THEME, ref=ref, code=code)))
        self._first_use(self.refs, ref, loc, where, "ref", "action")


__all__ = [
    "ACTION_KEYS",
    "CSV_COLUMNS",
    "CSV_REQUIRED",
    "CSV_THEME_COLUMNS",
    "OPTIONAL_ACTION_FIELDS",
    "THEME_KEYS",
    "TOP_KEYS",
    "ActionInput",
    "ImportResult",
    "KeptField",
    "Loc",
    "PlanFile",
    "PlanRead",
    "Registry",
    "ThemeInput",
    "closest",
    "file_order",
    "issues_of",
]
