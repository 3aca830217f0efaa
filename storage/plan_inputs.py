"""What a plan import is given and what it reports (read from a plan file, or built by a caller)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from storage.enums import ALL_COUNCILS, ActionStatus, Rag

#: Action fields a plan file may leave out. Left out, a new action takes the default and an existing
#: action keeps what it has (so re-importing a plan never wipes the progress owners have posted).
OPTIONAL_ACTION_FIELDS = frozenset(
    {"description", "owner_email", "partners", "plan_year", "due", "status", "progress", "rag"}
)


@dataclass(frozen=True, slots=True)
class ActionInput:
    ref: str
    title: str
    owner: str
    owner_email: str | None = None
    description: str = ""
    partners: tuple[str, ...] = tuple(c.value for c in ALL_COUNCILS)
    plan_year: str = "2019/20"
    due: date | None = None
    status: str = ActionStatus.NOT_STARTED.value
    rag: str = Rag.GREEN.value
    progress: int = 0
    #: Optional fields the plan file gave. An existing action keeps its own value of any other field.
    #: (Default: all of them, as when the whole action is known.)
    given: frozenset[str] = field(default=OPTIONAL_ACTION_FIELDS, compare=False)


@dataclass(frozen=True, slots=True)
class ThemeInput:
    code: str
    name: str
    summary: str = ""
    actions: tuple[ActionInput, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportResult:
    themes_created: int
    themes_updated: int
    actions_created: int
    actions_updated: int
    sample_actions_removed: int = 0
