"""The strategy action plan as a file: read and check YAML or CSV, write it back, seed the sample plan.

A file is checked as a whole before anything is imported: every problem is collected and reported
together in one PlanError, with its row (CSV) or path (YAML) and field, so an admin can fix them all in
one pass. What a plan holds is declared in storage.plan_file; the formats are storage.plan_yaml and
storage.plan_csv.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from importlib.resources.abc import Traversable
from os import PathLike
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from pydantic_core import PydanticCustomError

from storage.plan_csv import dump_csv, parse_csv
from storage.plan_fields import plan_year as plan_year_rule
from storage.plan_file import CSV_COLUMNS, ActionInput, PlanRead, ThemeInput
from storage.plan_issues import PlanError, PlanIssue, PlanProblem, excerpt, issue
from storage.plan_notes import NoteKind, Reading, ReadNote
from storage.plan_yaml import dump_yaml, parse_yaml
from storage.records import ActionRecord, ThemeRecord

if TYPE_CHECKING:  # the Store imports this module (plan uploads are read here)
    from storage.service import Store

#: The illustrative 2019/20 plan shipped with the package (loaded only into an empty database).
SAMPLE_PLAN: Traversable = files("storage") / "data" / "sample_plan_2019_20.yaml"

#: Who the sample plan's import is recorded as.
SAMPLE_AUTHOR = "local:sample"

FORMATS: dict[str, str] = {"yaml": "yaml", "yml": "yaml", "csv": "csv"}
#: The endings of a plan file's name.
SUFFIXES = (".yaml", ".yml", ".csv")


def _format(fmt: str) -> str:
    try:
        return FORMATS[fmt.strip().lower().removeprefix(".")]
    except KeyError:
        problem = issue("file", "", PlanProblem.UNKNOWN_FORMAT, value=excerpt(fmt), allowed=("yaml", "csv"))
        raise PlanError([problem]) from None


def checked_plan_year(value: str) -> str:
    """A plan year given for an import (`--plan-year`), checked like one in a file; PlanError if it is not one."""
    try:
        return plan_year_rule(value)
    except PydanticCustomError:
        raise PlanError([issue("--plan-year", "", PlanProblem.NOT_PLAN_YEAR, value=excerpt(value))]) from None


def read_plan(text: str, fmt: str, *, plan_year: str | None = None, notes: Sequence[ReadNote] = ()) -> PlanRead:
    """Check a whole plan (fmt 'yaml' or 'csv') and return it ready for Store.import_plan, with what the
    reader normalised; PlanError lists every problem. plan_year: for actions that give none (else the
    financial year of their due date); notes: about the file as a whole, to go first."""
    reading = Reading(plan_year=checked_plan_year(plan_year) if plan_year else None, notes=list(notes))
    if _format(fmt) == "csv":
        return PlanRead(parse_csv(text, reading), reading.finish())
    plan = parse_yaml(text, reading)
    return PlanRead(plan.themes, reading.finish(), tuple(plan.board_meetings))


def is_plan_file_name(name: str) -> bool:
    """Does the name end as a plan file's does (.yaml, .yml or .csv, in any case)?"""
    return PurePath(name).suffix.lower() in SUFFIXES


def _check_name(name: str) -> None:
    if not is_plan_file_name(name):
        raise PlanError([issue(name, "", PlanProblem.NOT_A_PLAN_FILE, allowed=SUFFIXES)])


def read_plan_bytes(data: bytes, name: str, *, plan_year: str | None = None) -> PlanRead:
    """read_plan on the bytes of a file called `name` (.yaml, .yml or .csv), decoded as decode_plan_bytes
    says, with a note when they were Windows-1252. PlanError for anything wrong."""
    _check_name(name)
    text, encoding = _decode(data, name)
    notes = [ReadNote(NoteKind.WINDOWS_1252, "", None, "Windows-1252")] if encoding == "cp1252" else []
    return read_plan(text, PurePath(name).suffix, plan_year=plan_year, notes=notes)


def read_plan_file(path: str | PathLike[str] | Traversable, *, plan_year: str | None = None) -> PlanRead:
    """read_plan_bytes on a .yaml, .yml or .csv file. OSError if it cannot be read; PlanError for anything else."""
    source = Path(path) if isinstance(path, str | PathLike) else path
    _check_name(source.name)  # before reading: a file that is not a plan is never opened
    return read_plan_bytes(source.read_bytes(), source.name, plan_year=plan_year)


def parse_plan(text: str, fmt: str) -> list[ThemeInput]:
    """The themes of read_plan."""
    return read_plan(text, fmt).themes


def load_plan_file(path: str | PathLike[str] | Traversable) -> list[ThemeInput]:
    """The themes of read_plan_file."""
    return read_plan_file(path).themes


def decode_plan_bytes(data: bytes, name: str) -> str:
    """A plan file's text: UTF-8 (with or without Excel's byte order mark), else Windows-1252, the encoding
    Excel's plain "CSV" uses on a UK Windows machine. PlanError naming the first bad byte if it is neither."""
    return _decode(data, name)[0]


def _decode(data: bytes, name: str) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise PlanError([issue(name, "", PlanProblem.NOT_UTF8, byte=first_bad)]) from None


def plan_to_inputs(plan: Sequence[tuple[ThemeRecord, Sequence[ActionRecord]]]) -> list[ThemeInput]:
    """Store.export_plan's records in the shape parse_plan returns (and Store.import_plan takes).
    The records come from the database and are taken as they are (not checked again)."""
    return [
        ThemeInput.model_construct(
            code=theme.code,
            name=theme.name,
            summary=theme.summary,
            actions=tuple(
                ActionInput.model_construct(**{key: getattr(a, key) for key in ActionInput.model_fields})
                for a in actions
            ),
        )
        for theme, actions in plan
    ]


def export_plan_text(plan: Sequence[tuple[ThemeRecord, Sequence[ActionRecord]]], fmt: str) -> str:
    """The plan (from Store.export_plan) as YAML or CSV text that parse_plan reads back to the same plan."""
    themes = plan_to_inputs(plan)
    return dump_csv(themes) if _format(fmt) == "csv" else dump_yaml(themes)


async def seed_sample_if_empty(store: Store) -> bool:
    """Import the sample plan when the database has no themes; a plan already there is never touched."""
    if await store.has_themes():
        return False
    await store.import_plan(load_plan_file(SAMPLE_PLAN), sample=True, author_key=SAMPLE_AUTHOR)
    return True


__all__ = [
    "CSV_COLUMNS",
    "SAMPLE_PLAN",
    "PlanError",
    "PlanIssue",
    "PlanProblem",
    "PlanRead",
    "ReadNote",
    "checked_plan_year",
    "export_plan_text",
    "is_plan_file_name",
    "load_plan_file",
    "parse_plan",
    "plan_to_inputs",
    "read_plan",
    "read_plan_bytes",
    "read_plan_file",
    "seed_sample_if_empty",
]
