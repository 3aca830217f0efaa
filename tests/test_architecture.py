"""The layering rules, checked on the source itself (import-linter checks the package graph too)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def offenders(packages: list[str], forbidden: tuple[str, ...], *, except_under: str | None = None) -> list[str]:
    bad = []
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if except_under and rel.startswith(except_under):
                continue
            for module in imported_modules(path):
                if module.split(".")[0] in forbidden:
                    bad.append(f"{rel} imports {module}")
    return bad


BOTBUILDER_FAMILY = ("botbuilder", "botframework", "msrest")  # msrest: the Bot Framework SDK's serialiser


def test_botbuilder_is_only_imported_inside_bot_teams():
    assert offenders(["bot", "handlers", "storage"], BOTBUILDER_FAMILY, except_under="bot/teams/") == []


def test_slack_sdks_are_only_imported_inside_bot_slack():
    assert offenders(["bot", "handlers", "storage"], ("slack_bolt", "slack_sdk"), except_under="bot/slack/") == []


def test_handlers_and_storage_import_no_platform_or_web_framework():
    forbidden = ("slack_bolt", "slack_sdk", *BOTBUILDER_FAMILY, "aiohttp", "bot")
    assert offenders(["handlers", "storage"], forbidden) == []


def test_storage_imports_nothing_from_handlers():
    assert offenders(["storage"], ("handlers", "bot")) == []
