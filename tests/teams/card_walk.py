"""Finding the parts of an Adaptive Card a test looks at, however deeply they are nested."""

from __future__ import annotations

from collections.abc import Callable


def nodes(card: dict, match: Callable[[dict], bool], *, skip: tuple[str, ...] = ()) -> list[dict]:
    """Every object in `card` that `match`es, in document order; the values under `skip` keys are not
    looked into (a card's `fallback` or `refresh`, say)."""
    found: list[dict] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if match(node):
                found.append(node)
            for key, value in node.items():
                if key not in skip:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


def of_type(*types: str) -> Callable[[dict], bool]:
    return lambda node: node.get("type") in types
