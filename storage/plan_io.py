"""The strategy action plan as a file: read and check YAML or CSV, write it back, seed the sample plan.

A file is checked as a whole before anything is imported: every problem is collected and reported
together in one PlanError, so an admin can fix them all in one pass. The YAML shape is

    themes:
      - code: WF
        name: Enabling a modern and flexible workforce
        summary: ...
        actions:
          - {ref: WF-01, title: ..., owner: ..., owner_email: ..., partners: [Maidstone, Swale],
             plan_year: 2019/20, due: 2019-12-31, status: in progress, progress: 40, rag: amber}

and a CSV has one action per row, with the theme repeated in the theme_* columns (CSV_COLUMNS).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from os import PathLike
from pathlib import Path, PurePath
from typing import Any, TypeVar

import yaml

from storage.enums import ALL_COUNCILS, ActionStatus, Rag
from storage.errors import InvalidInput
from storage.records import ActionRecord, ThemeRecord
from storage.service import OPTIONAL_ACTION_FIELDS, ActionInput, Store, ThemeInput

#: The illustrative 2019/20 plan shipped with the package (loaded only into an empty database).
SAMPLE_PLAN: Traversable = files("storage") / "data" / "sample_plan_2019_20.yaml"

FORMATS: dict[str, str] = {"yaml": "yaml", "yml": "yaml", "csv": "csv"}
DEFAULT_PLAN_YEAR = "2019/20"

TOP_KEYS = ("themes", "sample")
THEME_KEYS = ("code", "name", "summary", "actions")
ACTION_KEYS = (
    "ref",
    "title",
    "description",
    "owner",
    "owner_email",
    "partners",
    "plan_year",
    "due",
    "status",
    "progress",
    "rag",
)
CSV_THEME_COLUMNS = ("theme_code", "theme_name", "theme_summary")
CSV_COLUMNS = (*CSV_THEME_COLUMNS, *ACTION_KEYS)
CSV_REQUIRED = ("theme_code", "theme_name", "ref", "title", "owner")

# Column sizes in storage.models.
NAME_MAX = 200
TITLE_MAX = 300
OWNER_MAX = 200
EMAIL_MAX = 254

_THEME_CODE = re.compile(r"[A-Z]{2,4}")
_ACTION_REF = re.compile(r"[A-Z]{2,4}-[0-9]{1,3}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PLAN_YEAR = re.compile(r"([0-9]{4})/([0-9]{2})")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PROGRESS = re.compile(r"([0-9]{1,3})\s*%?")
_COUNCILS = {c.value.lower(): c.value for c in ALL_COUNCILS}

T = TypeVar("T")
Converter = Callable[[Any], T]


# ---------------------------------------------------------------- errors


@dataclass(frozen=True, slots=True)
class PlanIssue:
    """One problem in a plan file: where (row 4, themes[2].actions[1]), which field, and what is wrong."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return f"{self.where}, field {self.field}: {self.message}"
        return f"{self.where}: {self.message}"


class PlanError(InvalidInput):
    """A plan file that cannot be imported; `errors` holds every problem found, in file order."""

    def __init__(self, errors: Iterable[PlanIssue]):
        self.errors: list[PlanIssue] = list(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(issue) for issue in self.errors)


class _Bad(ValueError):
    """A value failed a check; the message is for the person who wrote the file."""


# ---------------------------------------------------------------- field converters


def _show(value: Any) -> str:
    text = value.isoformat() if isinstance(value, date) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float | date):
        raise _Bad(f"{_show(value)} is not text")
    return str(value).strip()


def _limited(limit: int) -> Converter[str]:
    def convert(value: Any) -> str:
        text = _text(value)
        if len(text) > limit:
            raise _Bad(f"is {len(text)} characters long; the most is {limit}")
        return text

    return convert


def _theme_code(value: Any) -> str:
    code = _text(value).upper()
    if not _THEME_CODE.fullmatch(code):
        raise _Bad(f"{_show(value)} is not a theme code (2 to 4 letters, like WF)")
    return code


def _action_ref(value: Any) -> str:
    ref = _text(value).upper()
    if not _ACTION_REF.fullmatch(ref):
        raise _Bad(f"{_show(value)} is not an action reference like WF-01")
    return ref


def _email(value: Any) -> str:
    email = _text(value).lower()
    if len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email):
        raise _Bad(f"{_show(value)} is not an email address")
    return email


def _council_names(value: Any) -> list[Any]:
    if isinstance(value, str):
        return re.split(r"[;,]", value)
    if isinstance(value, list):
        return value
    raise _Bad(f"{_show(value)} is not a list of councils")


def _partners(value: Any) -> tuple[str, ...]:
    chosen: set[str] = set()
    unknown: list[str] = []
    for name in _council_names(value):
        key = " ".join(_text(name).lower().split())
        if key in _COUNCILS:
            chosen.add(_COUNCILS[key])
        elif key:
            unknown.append(_show(name))
    if unknown:
        raise _Bad(f"{', '.join(unknown)} is not a partner council (use {', '.join(_COUNCILS.values())})")
    if not chosen:
        raise _Bad("name at least one partner council")
    return tuple(c for c in _COUNCILS.values() if c in chosen)


def _plan_year(value: Any) -> str:
    text = _text(value)
    match = _PLAN_YEAR.fullmatch(text)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise _Bad(f"{_show(value)} is not a plan year like 2019/20")
    return text


def _due(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = _text(value)
    if _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise _Bad(f"{_show(value)} is not a date (use YYYY-MM-DD)")


def _status(value: Any) -> str:
    key = " ".join(_text(value).lower().replace("_", " ").replace("-", " ").split())
    try:
        return ActionStatus(key).value
    except ValueError:
        raise _Bad(f"{_show(value)} is not a status (use {', '.join(ActionStatus)})") from None


def _progress(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and (match := _PROGRESS.fullmatch(value.strip())):
        number = int(match[1])
    else:
        number = -1
    if not 0 <= number <= 100:
        raise _Bad(f"{_show(value)} is not a whole number from 0 to 100")
    return number


def _rag(value: Any) -> str:
    try:
        return Rag(_text(value).lower()).value
    except ValueError:
        raise _Bad(f"{_show(value)} is not a RAG rating (use red, amber or green)") from None


# ---------------------------------------------------------------- checking


@dataclass
class _Checker:
    """Collects every issue in a file; remembers refs and theme codes to catch duplicates."""

    issues: list[PlanIssue] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)

    def add(self, where: str, field_name: str, message: str) -> None:
        self.issues.append(PlanIssue(where, field_name, message))

    def get(
        self,
        raw: Mapping[str, Any],
        where: str,
        name: str,
        convert: Converter[T],
        *,
        required: bool = False,
        default: T | None = None,
    ) -> T | None:
        value = raw.get(name)
        if _blank(value):
            if required:
                self.add(where, name, "required")
            return default
        try:
            return convert(value)
        except _Bad as bad:
            self.add(where, name, str(bad))
            return None

    def no_unknown(self, names: Iterable[Any], allowed: Sequence[str], where: str, what: str = "key") -> None:
        for name in names:
            if name in allowed:
                continue
            guess = difflib.get_close_matches(str(name), allowed, n=1)
            hint = f"; did you mean {guess[0]}?" if guess else f" (expected {', '.join(allowed)})"
            self.add(where, str(name), f"unknown {what}{hint}")

    def first_use(self, seen: dict[str, str], key: str, where: str, field_name: str, what: str) -> None:
        first = seen.setdefault(key, where)
        if first != where:
            self.add(where, field_name, f"{what} {key} is used twice (also at {first})")

    def action(self, raw: Mapping[str, Any], where: str, theme_code: str | None) -> ActionInput | None:
        """The action in `raw`, or None (with issues recorded) if anything about it is wrong."""
        before = len(self.issues)
        ref = self.get(raw, where, "ref", _action_ref, required=True)
        if ref:
            self._check_ref(ref, where, theme_code)
        title = self.get(raw, where, "title", _limited(TITLE_MAX), required=True)
        description = self.get(raw, where, "description", _text, default="")
        owner = self.get(raw, where, "owner", _limited(OWNER_MAX), required=True)
        owner_email = self.get(raw, where, "owner_email", _email)
        partners = self.get(raw, where, "partners", _partners, default=tuple(_COUNCILS.values()))
        plan_year = self.get(raw, where, "plan_year", _plan_year, default=DEFAULT_PLAN_YEAR)
        due = self.get(raw, where, "due", _due)
        status = self.get(raw, where, "status", _status, default=ActionStatus.NOT_STARTED.value)
        progress = self.get(raw, where, "progress", _progress)
        rag = self.get(raw, where, "rag", _rag, default=Rag.GREEN.value)
        given = frozenset(name for name in OPTIONAL_ACTION_FIELDS if not _blank(raw.get(name)))
        if status == ActionStatus.COMPLETE.value:
            given |= {"progress"}  # complete means 100%, said or not
        progress = self._progress_for_status(status, progress, where)
        if len(self.issues) > before:
            return None
        return ActionInput(
            given=given,
            ref=ref,
            title=title,
            owner=owner,
            owner_email=owner_email,
            description=description,
            partners=partners,
            plan_year=plan_year,
            due=due,
            status=status,
            rag=rag,
            progress=progress,
        )

    def _check_ref(self, ref: str, where: str, theme_code: str | None) -> None:
        if theme_code and not ref.startswith(f"{theme_code}-"):
            self.add(where, "ref", f"{ref} is not in theme {theme_code} (its ref should start {theme_code}-)")
        self.first_use(self.refs, ref, where, "ref", "action")

    def _progress_for_status(self, status: str | None, progress: int | None, where: str) -> int:
        complete = status == ActionStatus.COMPLETE.value
        if progress is None:
            return 100 if complete else 0
        if complete and progress != 100:
            self.add(where, "progress", f"is {progress} but the status is complete (a complete action is at 100)")
        elif progress == 100 and status and not complete:
            self.add(where, "progress", f"is 100 but the status is {status} (set the status to complete)")
        return progress

    def finish(self, themes: list[ThemeInput]) -> list[ThemeInput]:
        if not themes and not self.issues:
            self.add("file", "", "the plan has no themes")
        if self.issues:
            raise PlanError(self.issues)
        return themes


# ---------------------------------------------------------------- YAML


class _PlanLoader(yaml.SafeLoader):
    """safe_load that refuses a key given twice in one mapping (PyYAML would keep the last silently)
    and leaves dates as text, so that _due can report a bad one (PyYAML would raise ValueError)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # unhashable: the base class reports it
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, f"the key {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_PlanLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


def _yaml_issue(exc: yaml.YAMLError) -> PlanIssue:
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}" if mark is not None else "file"
    problem = getattr(exc, "problem", None) or str(exc)
    return PlanIssue(where, "", f"this is not valid YAML: {problem}")


def _parse_yaml(text: str) -> list[ThemeInput]:
    try:
        data = yaml.load(text, Loader=_PlanLoader)  # noqa: S506 - _PlanLoader is a SafeLoader
    except yaml.YAMLError as exc:
        raise PlanError([_yaml_issue(exc)]) from None
    except (ValueError, TypeError) as exc:  # a constructor's own failure, without a position
        raise PlanError([PlanIssue("file", "", f"this is not valid YAML: {exc}")]) from None
    check = _Checker()
    return check.finish(_yaml_plan(check, data))


def _yaml_plan(check: _Checker, data: Any) -> list[ThemeInput]:
    where = "top level"
    if data is None:
        check.add("file", "", "the file is empty")
        return []
    if not isinstance(data, dict):
        check.add(where, "", "expected a mapping with a 'themes' list")
        return []
    check.no_unknown(data, TOP_KEYS, where)
    if "sample" in data and not isinstance(data["sample"], bool):
        check.add(where, "sample", f"{_show(data['sample'])} is not true or false")
    raw_themes = data.get("themes")
    if not isinstance(raw_themes, list):
        check.add(where, "themes", "required: a list of themes" if raw_themes is None else "must be a list of themes")
        return []
    themes = (_yaml_theme(check, raw, f"themes[{i}]") for i, raw in enumerate(raw_themes))
    return [t for t in themes if t is not None]


def _yaml_theme(check: _Checker, raw: Any, where: str) -> ThemeInput | None:
    if not isinstance(raw, dict):
        check.add(where, "", f"expected a theme with {', '.join(THEME_KEYS)}")
        return None
    before = len(check.issues)
    check.no_unknown(raw, THEME_KEYS, where)
    code = check.get(raw, where, "code", _theme_code, required=True)
    name = check.get(raw, where, "name", _limited(NAME_MAX), required=True)
    summary = check.get(raw, where, "summary", _text, default="")
    if code:
        check.first_use(check.codes, code, where, "code", "theme")
    actions = _yaml_actions(check, raw.get("actions"), where, code)
    if len(check.issues) > before:
        return None
    return ThemeInput(code=code, name=name, summary=summary, actions=tuple(actions))


def _yaml_actions(check: _Checker, raw: Any, where: str, theme_code: str | None) -> list[ActionInput]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        check.add(where, "actions", "must be a list of actions")
        return []
    actions: list[ActionInput] = []
    for i, item in enumerate(raw):
        item_where = f"{where}.actions[{i}]"
        if not isinstance(item, dict):
            check.add(item_where, "", f"expected an action with {', '.join(ACTION_KEYS)}")
            continue
        check.no_unknown(item, ACTION_KEYS, item_where)
        action = check.action(item, item_where, theme_code)
        if action is not None:
            actions.append(action)
    return actions


# ---------------------------------------------------------------- CSV


@dataclass
class _CsvTheme:
    name: str
    summary: str
    where: str
    actions: list[ActionInput] = field(default_factory=list)


def _parse_csv(text: str) -> list[ThemeInput]:
    try:
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    except csv.Error as exc:
        raise PlanError([PlanIssue("file", "", f"this is not valid CSV: {exc}")]) from None
    check = _Checker()
    header = _csv_header(check, rows[0] if rows else [])
    groups: dict[str, _CsvTheme] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if any(cell.strip() for cell in cells):
            _csv_row(check, groups, header, cells, f"row {number}")
    themes = [ThemeInput(code, g.name, g.summary, tuple(g.actions)) for code, g in groups.items()]
    return check.finish(themes)


def _csv_header(check: _Checker, cells: list[str]) -> list[str]:
    """The column names; raises at once when a required column is missing (no row could be read)."""
    header = [cell.strip().lower() for cell in cells]
    where = "row 1"
    if not any(header):
        raise PlanError([PlanIssue(where, "", f"expected a header row: {', '.join(CSV_COLUMNS)}")])
    check.no_unknown((name for name in header if name), CSV_COLUMNS, where, "column")
    for name in sorted({n for n in header if n and header.count(n) > 1}):
        check.add(where, name, "this column appears more than once")
    missing = [name for name in CSV_REQUIRED if name not in header]
    if missing:
        check.add(where, "", f"missing column(s): {', '.join(missing)}")
        raise PlanError(check.issues)
    return header


def _csv_row(check: _Checker, groups: dict[str, _CsvTheme], header: list[str], cells: list[str], where: str) -> None:
    if any(cell.strip() for cell in cells[len(header) :]):
        check.add(where, "", f"has {len(cells)} cells but the header has {len(header)} columns")
    raw = {name: value for name, value in zip(header, cells, strict=False) if name in CSV_COLUMNS}
    code = check.get(raw, where, "theme_code", _theme_code, required=True)
    group = _csv_theme(check, groups, raw, where, code)
    if all(_blank(raw.get(name)) for name in ACTION_KEYS):
        return  # a theme with no actions (yet)
    action = check.action(raw, where, code)
    if action is not None and group is not None:
        group.actions.append(action)


def _csv_theme(
    check: _Checker, groups: dict[str, _CsvTheme], raw: Mapping[str, str], where: str, code: str | None
) -> _CsvTheme | None:
    """The theme this row belongs to; its first row names it and later rows must agree (or leave it blank)."""
    group = groups.get(code) if code else None
    name = check.get(raw, where, "theme_name", _limited(NAME_MAX), required=code is not None and group is None)
    summary = check.get(raw, where, "theme_summary", _text)
    if code is None:
        return None
    if group is None:
        group = groups[code] = _CsvTheme(name or "", summary or "", where)
        return group
    if name and name != group.name:
        check.add(
            where, "theme_name", f"{_show(name)} differs from {_show(group.name)} given for {code} on {group.where}"
        )
    if summary and group.summary and summary != group.summary:
        check.add(where, "theme_summary", f"differs from the summary given for {code} on {group.where}")
    group.summary = group.summary or summary or ""
    return group


# ---------------------------------------------------------------- public: reading


def _format(fmt: str) -> str:
    try:
        return FORMATS[fmt.strip().lower().removeprefix(".")]
    except KeyError:
        raise PlanError([PlanIssue("file", "", f"unknown format {_show(fmt)} (use yaml or csv)")]) from None


def parse_plan(text: str, fmt: str) -> list[ThemeInput]:
    """Check a whole plan (fmt 'yaml' or 'csv') and return it ready for Store.import_plan; PlanError lists every problem."""
    return _parse_csv(text) if _format(fmt) == "csv" else _parse_yaml(text)


def load_plan_file(path: str | PathLike[str] | Traversable) -> list[ThemeInput]:
    """parse_plan on a .yaml, .yml or .csv file. OSError if it cannot be read; PlanError for anything else."""
    source = Path(path) if isinstance(path, str | PathLike) else path
    suffix = PurePath(source.name).suffix
    if suffix.lower() not in (".yaml", ".yml", ".csv"):
        raise PlanError([PlanIssue(source.name, "", "a plan file must end in .yaml, .yml or .csv")])
    try:
        text = source.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanError([PlanIssue(source.name, "", f"is not UTF-8 text (byte {exc.start})")]) from None
    return parse_plan(text, suffix)


# ---------------------------------------------------------------- public: writing


def plan_to_inputs(plan: Sequence[tuple[ThemeRecord, Sequence[ActionRecord]]]) -> list[ThemeInput]:
    """Store.export_plan's records in the shape parse_plan returns (and Store.import_plan takes)."""
    return [
        ThemeInput(code=theme.code, name=theme.name, summary=theme.summary, actions=tuple(map(_action_input, actions)))
        for theme, actions in plan
    ]


def _action_input(a: ActionRecord) -> ActionInput:
    return ActionInput(
        ref=a.ref,
        title=a.title,
        owner=a.owner,
        owner_email=a.owner_email,
        description=a.description,
        partners=a.partners,
        plan_year=a.plan_year,
        due=a.due,
        status=a.status,
        rag=a.rag,
        progress=a.progress,
    )


def export_plan_text(plan: Sequence[tuple[ThemeRecord, Sequence[ActionRecord]]], fmt: str) -> str:
    """The plan (from Store.export_plan) as YAML or CSV text that parse_plan reads back to the same plan."""
    themes = plan_to_inputs(plan)
    return _csv_text(themes) if _format(fmt) == "csv" else _yaml_text(themes)


def _action_fields(a: ActionInput) -> dict[str, Any]:
    fields = {
        "ref": a.ref,
        "title": a.title,
        "description": a.description,
        "owner": a.owner,
        "owner_email": a.owner_email,
        "partners": list(a.partners),
        "plan_year": a.plan_year,
        "due": a.due,
        "status": a.status,
        "progress": a.progress,
        "rag": a.rag,
    }
    return {k: v for k, v in fields.items() if v is not None}


def _yaml_text(themes: Iterable[ThemeInput]) -> str:
    data = {
        "themes": [
            {"code": t.code, "name": t.name, "summary": t.summary, "actions": [_action_fields(a) for a in t.actions]}
            for t in themes
        ]
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _csv_text(themes: Iterable[ThemeInput]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for t in themes:
        theme = {"theme_code": t.code, "theme_name": t.name, "theme_summary": t.summary}
        if not t.actions:
            writer.writerow(theme)
        for i, a in enumerate(t.actions):
            row = _action_fields(a) | {"partners": "; ".join(a.partners), "due": a.due.isoformat() if a.due else ""}
            writer.writerow(theme | row | ({"theme_summary": ""} if i else {}))
    return out.getvalue()


# ---------------------------------------------------------------- seeding


async def seed_sample_if_empty(store: Store) -> bool:
    """Import the sample plan when the database has no themes; a plan already there is never touched."""
    if await store.has_themes():
        return False
    await store.import_plan(load_plan_file(SAMPLE_PLAN), sample=True)
    return True


__all__ = [
    "CSV_COLUMNS",
    "SAMPLE_PLAN",
    "PlanError",
    "PlanIssue",
    "export_plan_text",
    "load_plan_file",
    "parse_plan",
    "plan_to_inputs",
    "seed_sample_if_empty",
]
