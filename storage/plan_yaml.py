"""The plan as YAML: read and check a whole file (PlanError lists every problem), and write one.

    sample: true            # optional: the illustrative sample plan
    themes:
      - code: WF
        name: Enabling a modern and flexible workforce
        summary: ...
        actions:
          - {ref: WF-01, title: ..., owner: ..., owner_email: ..., partners: [Maidstone, Swale],
             plan_year: 2019/20, due: 2019-12-31, status: in progress, progress: 40, rag: amber}

The keys are the fields of storage.plan_file's models.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml
from pydantic import ValidationError

from storage.plan_file import ActionInput, Loc, PlanFile, Registry, ThemeInput, file_order, issues_of
from storage.plan_issues import PlanError, PlanIssue, PlanProblem, excerpt, issue
from storage.plan_notes import Reading


class _DuplicateKey(yaml.constructor.ConstructorError):
    """A key given twice in one mapping (`key` is the key)."""

    def __init__(self, key: Any, node: yaml.MappingNode, key_node: yaml.Node):
        super().__init__("while reading a mapping", node.start_mark, "duplicate key", key_node.start_mark)
        self.key = key


class _PlanLoader(yaml.SafeLoader):
    """safe_load that refuses a key given twice in one mapping (PyYAML would keep the last silently)
    and leaves dates as text, so that the due rule can report a bad one (PyYAML would raise ValueError)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # unhashable: the base class reports it
                continue
            if duplicate:
                raise _DuplicateKey(key, node, key_node)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_PlanLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


def _yaml_issue(exc: yaml.YAMLError, text: str) -> PlanIssue:
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML never has: a NUL, another control
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        return issue(f"line {line}", "", PlanProblem.YAML_CHARACTER, character=code)
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}" if mark is not None else "file"
    if isinstance(exc, _DuplicateKey):
        return issue(where, "", PlanProblem.YAML_DUPLICATE_KEY, key=excerpt(exc.key))
    return issue(where, "", PlanProblem.NOT_YAML, detail=getattr(exc, "problem", None) or str(exc))


def _load(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_PlanLoader)  # noqa: S506 - _PlanLoader is a SafeLoader
    except yaml.YAMLError as exc:
        raise PlanError([_yaml_issue(exc, text)]) from None
    except (ValueError, TypeError) as exc:  # a constructor's own failure, without a position
        raise PlanError([issue("file", "", PlanProblem.NOT_YAML, detail=str(exc))]) from None


def _cross_check(data: Any) -> Registry:
    """Codes and refs across the file, read from the raw data so that they are checked even where the
    rest of a theme or action is wrong."""
    registry = Registry()
    themes = data.get("themes") if isinstance(data, dict) else None
    for i, theme in enumerate(themes if isinstance(themes, list) else []):
        if not isinstance(theme, dict):
            continue
        code = registry.theme(theme.get("code"), (i,), f"themes[{i}]")
        actions = theme.get("actions")
        for j, action in enumerate(actions if isinstance(actions, list) else []):
            if isinstance(action, dict):
                registry.action(action.get("ref"), (i, j), f"themes[{i}].actions[{j}]", code)
    return registry


def parse_yaml(text: str, reading: Reading | None = None) -> PlanFile:
    """The plan in `text`, checked whole; PlanError lists every problem in file order. `reading`: the
    plan year for actions that give none, and where to note what was normalised."""
    data = _load(text)
    if data is None:
        raise PlanError([issue("file", "", PlanProblem.EMPTY_FILE)])
    found: list[tuple[Loc, PlanIssue]] = []
    try:
        plan = PlanFile.model_validate(data, context=(reading or Reading()).context())
    except ValidationError as error:
        found += issues_of(error, PlanFile, "top level")
    found += _cross_check(data).issues
    if found:
        raise PlanError(issue for _, issue in sorted(found, key=lambda pair: file_order(pair[0])))
    if not plan.themes:
        raise PlanError([issue("file", "", PlanProblem.NO_THEMES)])
    return plan


def _action(a: ActionInput) -> dict[str, Any]:
    data = a.model_dump(exclude_none=True) | {"partners": list(a.partners), "deputies": list(a.deputies)}
    return data if a.deputies else {k: v for k, v in data.items() if k != "deputies"}


def dump_yaml(themes: Iterable[ThemeInput]) -> str:
    """The plan as YAML that parse_yaml reads back to the same plan."""
    data = {
        "themes": [t.model_dump(exclude={"actions"}) | {"actions": [_action(a) for a in t.actions]} for t in themes]
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


__all__ = ["dump_yaml", "parse_yaml"]
