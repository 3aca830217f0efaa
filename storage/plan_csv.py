"""The plan as CSV: one action a row, its theme in the theme_* columns (CSV_COLUMNS); read and check a
whole file (PlanError lists every problem by row and column), and write one.

A theme's first row names it; later rows of the same theme_code may leave theme_name and theme_summary
blank, or must agree. A row with no action cells is a theme with no actions (yet). Partners are
separated by ';'.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from storage.plan_fields import blank
from storage.plan_file import (
    ACTION_KEYS,
    CSV_COLUMNS,
    CSV_REQUIRED,
    ActionInput,
    Registry,
    ThemeInput,
    closest,
    issues_of,
)
from storage.plan_issues import PlanError, PlanIssue, PlanProblem, excerpt, issue, show_key
from storage.plan_notes import Reading

#: CSV column -> ThemeInput field.
_THEME_FIELDS = {"theme_code": "code", "theme_name": "name", "theme_summary": "summary"}
_THEME_COLUMNS = {name: column for column, name in _THEME_FIELDS.items()}


@dataclass
class _Theme:
    """A theme as its first row gave it, and the actions of its rows so far."""

    theme: ThemeInput
    where: str
    actions: list[ActionInput] = field(default_factory=list)


@dataclass
class _Reader:
    """Reads rows one by one; its registry's issues are every issue so far, in row order."""

    themes: dict[str, _Theme] = field(default_factory=dict)
    registry: Registry = field(default_factory=Registry)
    reading: Reading = field(default_factory=Reading)

    @property
    def issues(self) -> list[PlanIssue]:
        return [issue for _, issue in self.registry.issues]

    def add(self, number: int, field_name: str, problem: PlanProblem, **details: Any) -> None:
        self.registry.issues.append(((number,), issue(f"row {number}", field_name, problem, **details)))

    def add_all(self, number: int, error: ValidationError, model: type[BaseModel], rename: dict[str, str]) -> None:
        self.registry.issues += issues_of(error, model, f"row {number}", rename)

    def header(self, cells: list[str]) -> list[str]:
        """The column names; raises at once when a required column is missing (no row could be read)."""
        header = [cell.strip().lower() for cell in cells]
        if not any(header):
            raise PlanError([issue("row 1", "", PlanProblem.NO_HEADER, expected=CSV_COLUMNS)])
        for name in header:
            if name and name not in CSV_COLUMNS:
                self.add(1, show_key(name), PlanProblem.UNKNOWN_COLUMN, **closest(name, CSV_COLUMNS))
        for name in sorted({n for n in header if n and header.count(n) > 1}):
            self.add(1, show_key(name), PlanProblem.REPEATED_COLUMN)
        missing = [name for name in CSV_REQUIRED if name not in header]
        if missing:
            self.add(1, "", PlanProblem.MISSING_COLUMNS, missing=tuple(missing))
            raise PlanError(self.issues)
        return header

    def row(self, header: list[str], cells: list[str], number: int) -> None:
        if any(cell.strip() for cell in cells[len(header) :]):
            self.add(number, "", PlanProblem.EXTRA_CELLS, cells=len(cells), columns=len(header))
        raw = {name: value for name, value in zip(header, cells, strict=False) if name in CSV_COLUMNS}
        self.reading.row = number
        theme = self._theme(raw, number)
        if all(blank(raw.get(name)) for name in ACTION_KEYS):
            return  # a theme with no actions (yet)
        try:
            action = ActionInput.model_validate(
                {name: raw.get(name) for name in ACTION_KEYS}, context=self.reading.context()
            )
        except ValidationError as error:
            self.add_all(number, error, ActionInput, {})
            action = None
        self.registry.action(raw.get("ref"), (number,), f"row {number}", theme.theme.code if theme else None)
        if action is not None and theme is not None:
            theme.actions.append(action)

    def _theme(self, raw: Mapping[str, str], number: int) -> _Theme | None:
        """The theme this row belongs to: the first row of a code names it, later rows must agree."""
        code = self.registry.theme(raw.get("theme_code"), (number,), f"row {number}", unique=False)
        known = self.themes.get(code) if code else None
        given = {name: raw.get(column) for column, name in _THEME_FIELDS.items()}
        if known and blank(given["name"]):
            given["name"] = known.theme.name
        try:
            theme = ThemeInput.model_validate(given, context=self.reading.context())
        except ValidationError as error:
            self.add_all(number, error, ThemeInput, _THEME_COLUMNS)
            return None
        if known is None:
            known = self.themes[theme.code] = _Theme(theme, f"row {number}")
            return known
        if theme.name != known.theme.name:
            self.add(
                number,
                "theme_name",
                PlanProblem.THEME_NAME_DIFFERS,
                value=excerpt(theme.name),
                first=excerpt(known.theme.name),
                code=code,
                first_at=known.where,
            )
        if theme.summary and known.theme.summary and theme.summary != known.theme.summary:
            self.add(number, "theme_summary", PlanProblem.THEME_SUMMARY_DIFFERS, code=code, first_at=known.where)
        if theme.summary and not known.theme.summary:
            known.theme = known.theme.model_copy(update={"summary": theme.summary})
        return known


def parse_csv(text: str, reading: Reading | None = None) -> list[ThemeInput]:
    """The plan in `text`, checked whole; PlanError lists every problem by row. `reading`: the plan year
    for rows that give none, and where to note what was normalised."""
    try:
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    except csv.Error as exc:
        raise PlanError([issue("file", "", PlanProblem.NOT_CSV, detail=str(exc))]) from None
    reader = _Reader(reading=reading or Reading())
    header = reader.header(rows[0] if rows else [])
    for number, cells in enumerate(rows[1:], start=2):
        if any(cell.strip() for cell in cells):
            reader.row(header, cells, number)
    if reader.registry.issues:
        raise PlanError(reader.issues)
    if not reader.themes:
        raise PlanError([issue("file", "", PlanProblem.NO_THEMES)])
    return [t.theme.model_copy(update={"actions": tuple(t.actions)}) for t in reader.themes.values()]


def dump_csv(themes: Iterable[ThemeInput]) -> str:
    """The plan as CSV that parse_csv reads back to the same plan; a theme's summary on its first row only."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for t in themes:
        theme = {column: getattr(t, name) for column, name in _THEME_FIELDS.items()}
        if not t.actions:
            writer.writerow(theme)
        for i, a in enumerate(t.actions):
            row = a.model_dump(exclude_none=True) | {
                "partners": "; ".join(a.partners),
                "deputies": "; ".join(a.deputies),
            }
            writer.writerow(theme | row | ({"theme_summary": ""} if i else {}))
    return out.getvalue()


__all__ = ["dump_csv", "parse_csv"]
