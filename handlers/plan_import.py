"""What an admin is told after importing a plan (or trying one): the words for Store.import_plan's result
and for what the reader normalised. The command line and the chat print the same words.

A value from the file appears only as storage handed it over, an Excerpt of its first characters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from handlers.formatting import long_day
from handlers.plan_problems import quote
from storage.plan_file import ImportResult, KeptField
from storage.plan_notes import NoteKind, ReadNote
from storage.records import UnreachableOwner

#: How many refs or rows a line names before it says how many more there are.
LIST_MAX = 10


@dataclass(frozen=True, slots=True)
class ImportHints:
    """How the admin gives an import's options where they ran it: the command line's flags by default."""

    overwrite: str = "import it again with --overwrite"
    retire_missing: str = "import the file again with --retire-missing"
    plan_year: str = "from --plan-year"


#: An import from a file sent in chat, whose options are words typed with the file.
CHAT_HINTS = ImportHints(
    overwrite="send the file again with the word overwrite",
    retire_missing="send the file again with the words retire missing",
    plan_year="the plan year you gave",
)


def import_note(file_name: str) -> str:
    """The note on the history rows an import writes."""
    return f"Imported from {file_name}"


def _day(iso: str) -> str:
    return long_day(date.fromisoformat(iso), weekday=False)


def _some(items: Sequence[str], limit: int = LIST_MAX) -> str:
    """'RS-01, RS-02 and 3 more'."""
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _places(notes: Sequence[ReadNote]) -> str:
    """'(3 rows: 2, 5, 7)' or '(2 actions: RS-01, RS-03)'; '' for notes about no action."""
    rows = sorted({n.row for n in notes if n.row is not None})
    if rows:
        return f" ({_count(len(rows), 'row')}: {_some([str(r) for r in rows])})"
    refs = sorted({n.ref for n in notes if n.ref is not None})
    if refs:
        return f" ({_count(len(refs), 'action')}: {_some(refs)})"
    return ""


def _value(note: ReadNote) -> str:
    return quote(note.value) if note.value is not None else ""


#: How notes are grouped (beside their kind) and worded, one line a group.
_GROUPS: dict[NoteKind, tuple[Callable[[ReadNote], Any], Callable[[Sequence[ReadNote], ImportHints], str]]] = {
    NoteKind.WINDOWS_1252: (
        lambda n: None,
        lambda g, h: "The file was read as Windows-1252 text (Excel's plain CSV), not UTF-8.",
    ),
    NoteKind.UK_DATE: (
        lambda n: n.field,
        lambda g, h: (
            f"{g[0].field}: {_count(len(g), 'UK date')} read day first, e.g. {_value(g[0])} as {_day(g[0].read_as)}"
        ),
    ),
    NoteKind.COUNCIL: (
        lambda n: (n.value.text.lower() if n.value else "", n.read_as),
        lambda g, h: f"{g[0].field} {_value(g[0])} read as {g[0].read_as}",
    ),
    NoteKind.STATUS_WORD: (
        lambda n: (n.value.text.lower() if n.value else "", n.read_as),
        lambda g, h: f"status {_value(g[0])} read as '{g[0].read_as}'",
    ),
    NoteKind.OWNER_IDENTITY: (
        lambda n: n.read_as,
        lambda g, h: (
            f"owner: {_count(len(g), 'email')} read as owner_email"
            if g[0].read_as == "owner_email"
            else f"owner: {_count(len(g), 'chat identity', 'chat identities')} read as owner_key"
        ),
    ),
    NoteKind.PLAN_YEAR_FROM_DUE: (
        lambda n: n.read_as,
        lambda g, h: f"plan_year blank: {g[0].read_as}, the financial year of the due date",
    ),
    NoteKind.PLAN_YEAR_GIVEN: (
        lambda n: n.read_as,
        lambda g, h: f"plan_year blank: {g[0].read_as}, {h.plan_year}",
    ),
}


def notes_text(notes: Iterable[ReadNote], hints: ImportHints = ImportHints()) -> list[str]:
    """What the reader normalised, one line a kind of change, in the order first met: "status 'On track'
    read as 'in progress' (12 rows: 3, 4, 9, ...)"."""
    groups: dict[tuple[NoteKind, Any], list[ReadNote]] = {}
    for note in notes:
        key_of, _ = _GROUPS[note.kind]
        groups.setdefault((note.kind, key_of(note)), []).append(note)
    return [_GROUPS[kind][1](group, hints) + _places(group) for (kind, _), group in groups.items()]


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    return str(value).replace(",", ", ") if isinstance(value, str) else str(value)


def _kept(kept: Sequence[KeptField]) -> list[str]:
    by_ref: dict[str, list[KeptField]] = {}
    for k in kept:
        by_ref.setdefault(k.ref, []).append(k)
    return [
        f"  {ref}: " + "; ".join(f"{k.field} {_shown(k.current)} (the file says {_shown(k.in_file)})" for k in fields)
        for ref, fields in by_ref.items()
    ]


def _unreachable(owner: UnreachableOwner) -> str:
    if owner.owner_key and owner.owner_email:
        why = "nobody known has this chat identity or email"
    elif owner.owner_key:
        why = "nobody known has this chat identity"
    elif owner.owner_email:
        why = "nobody known has this email"
    else:
        why = "no email or chat identity given"
    return f"  {owner.ref} {owner.owner}: {why}"


def import_summary_text(
    result: ImportResult, notes: Iterable[ReadNote] = (), *, file_name: str, hints: ImportHints = ImportHints()
) -> str:
    """Everything an import did (or in a dry run would do), for the admin who ran it; `hints` say how to give
    the options it suggests."""
    lines = [
        f"Dry run of {file_name}: nothing has been changed. The import would do this:"
        if result.dry_run
        else f"Imported {file_name}."
    ]
    if result.sample_actions_removed:
        lines.append(f"The sample plan ({_count(result.sample_actions_removed, 'action')}) was replaced.")
    lines.append(
        f"Themes: {result.themes_created} added, {result.themes_updated} updated. "
        f"Actions: {len(result.added)} added, {len(result.changed)} changed, {len(result.unchanged)} unchanged."
    )
    if result.added:
        lines.append(f"Added: {_some(result.added)}.")
    if result.changed:
        lines.append("Changed: " + "; ".join(f"{ref} ({', '.join(fields)})" for ref, fields in result.changed) + ".")
    if result.restored:
        lines.append(f"Restored (retired before, back in the file): {_some(result.restored)}.")
    if result.carried_forward:
        lines.append(
            f"Left alone, carried forward to a later plan year: {_some(result.carried_forward)}."
            " That year's copy is closed; change the action in its later year instead."
        )
    if result.kept:
        lines.append("Kept (changed in chat since the last import):")
        lines += _kept(result.kept)
        lines.append(f"To use the file's values instead, {hints.overwrite}.")
    if result.retired:
        lines.append(f"Retired (not in the file): {_some(result.retired)}.")
    elif result.missing:
        lines.append(f"Not in the file, still in the plan: {_some(result.missing)}.")
        lines.append(f"To retire them, {hints.retire_missing}.")
    if result.board_meetings_added:
        days = ", ".join(_day(d.isoformat()) for d in result.board_meetings_added)
        lines.append(f"Board meetings added: {len(result.board_meetings_added)} ({days}).")
    if result.unreachable:
        lines.append(f"Owners the bot cannot reach in chat ({len(result.unreachable)}):")
        lines += [_unreachable(owner) for owner in result.unreachable]
        lines.append(
            "They get no reminders until they talk to the bot with that email, "
            "or you set it: ictbot users email KEY EMAIL."
        )
    read = notes_text(notes, hints)
    if read:
        lines.append("Read from the file:")
        lines += [f"  {line}" for line in read]
    return "\n".join(lines)


__all__ = ["CHAT_HINTS", "LIST_MAX", "ImportHints", "import_note", "import_summary_text", "notes_text"]
