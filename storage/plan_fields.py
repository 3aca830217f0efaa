"""How each field of a plan file is read: the value types of the models in storage.plan_file.

Every rule takes what YAML or CSV gave (text, a number, a list) and returns the normalised value, or
raises a PydanticCustomError whose type is a PlanProblem and whose context holds the details, a value
from the file only as an Excerpt of its first few characters (storage.plan_issues). Text is cleaned on the way in
(storage.text.clean_text): a NUL is refused, other control and bidi-control characters are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationInfo

from storage.enums import ALL_COUNCILS, ActionStatus, Council, Rag
from storage.errors import InvalidInput
from storage.plan_issues import Excerpt, PlanProblem, bad, excerpt
from storage.plan_notes import NoteKind, note
from storage.refs import user_key
from storage.text import clean_text

# Column sizes in storage.models.
NAME_MAX = 200
TITLE_MAX = 300
OWNER_MAX = 200
EMAIL_MAX = 254
KEY_MAX = 200
DEPUTIES_MAX = 1000

ALL_PARTNERS: tuple[str, ...] = tuple(c.value for c in ALL_COUNCILS)
#: The councils as their staff write them (lower case, spaces collapsed, full stops dropped).
COUNCILS: dict[str, str] = {
    **{c.value.lower(): c.value for c in ALL_COUNCILS},
    **{f"{c.value.lower()} {suffix}": c.value for c in ALL_COUNCILS for suffix in ("bc", "borough council")},
    "mbc": Council.MAIDSTONE.value,
    "sbc": Council.SWALE.value,
    "twbc": Council.TUNBRIDGE_WELLS.value,
}
#: Words that name every partner at once.
ALL_PARTNER_WORDS = frozenset({"all", "all councils", "all three", "all partners", "mks", "mid kent services"})

#: Status words as plan owners write them -> ActionStatus values.
STATUS_WORDS: dict[str, str] = {
    **{s.value: s.value for s in ActionStatus},
    "not yet started": ActionStatus.NOT_STARTED.value,
    "to do": ActionStatus.NOT_STARTED.value,
    "planned": ActionStatus.NOT_STARTED.value,
    "on track": ActionStatus.IN_PROGRESS.value,
    "delayed": ActionStatus.IN_PROGRESS.value,
    "ongoing": ActionStatus.IN_PROGRESS.value,
    "started": ActionStatus.IN_PROGRESS.value,
    "underway": ActionStatus.IN_PROGRESS.value,
    "under way": ActionStatus.IN_PROGRESS.value,
    "in hand": ActionStatus.IN_PROGRESS.value,
    "done": ActionStatus.COMPLETE.value,
    "completed": ActionStatus.COMPLETE.value,
    "finished": ActionStatus.COMPLETE.value,
    "closed": ActionStatus.COMPLETE.value,
    "on hold": ActionStatus.BLOCKED.value,
    "stalled": ActionStatus.BLOCKED.value,
    "stuck": ActionStatus.BLOCKED.value,
}

_THEME_CODE = re.compile(r"[A-Z]{2,4}")
_ACTION_REF = re.compile(r"[A-Z]{2,4}-[0-9]{1,3}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PLAN_YEAR = re.compile(r"([0-9]{4})/([0-9]{2})")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UK_DATE = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})(?: 00:00(?::00)?)?")
_PROGRESS = re.compile(r"([0-9]{1,3})\s*%?")
#: What an identity key looks like (storage.refs.user_key has the rule): slack:U..., teams:..., local:name.
_USER_KEY = re.compile(r"(?:slack|teams|local):\S+", re.IGNORECASE)


def blank(value: Any) -> bool:
    """Nothing given: the key is there but empty (YAML `due:`, an empty CSV cell)."""
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any, *, multiline: bool = True) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float | date):
        raise bad(PlanProblem.NOT_TEXT, value=excerpt(value))
    raw = str(value)
    if "\0" in raw:
        raise bad(PlanProblem.HAS_NUL)
    cleaned = clean_text(raw, multiline=multiline).strip()
    if not cleaned and raw.strip():
        raise bad(PlanProblem.ONLY_CONTROLS)
    return cleaned


def line(limit: int) -> Callable[[Any], str]:
    """One line of text (newlines and tabs become spaces) of at most `limit` characters."""

    def check(value: Any) -> str:
        cleaned = text(value, multiline=False)
        if len(cleaned) > limit:
            raise bad(PlanProblem.TOO_LONG, length=len(cleaned), limit=limit)
        return cleaned

    return check


class _Missing:
    def __repr__(self) -> str:
        return "OWNER_MISSING"


#: Put in place of the owner (by storage.plan_file) when an action names none in owner, owner_email or owner_key.
OWNER_MISSING: Any = _Missing()


def owner(value: Any) -> str:
    if value is OWNER_MISSING:
        raise bad(PlanProblem.NO_OWNER)
    return line(OWNER_MAX)(value)


def theme_code(value: Any) -> str:
    code = text(value, multiline=False).upper()
    if not _THEME_CODE.fullmatch(code):
        raise bad(PlanProblem.NOT_THEME_CODE, value=excerpt(value))
    return code


def action_ref(value: Any) -> str:
    ref = text(value, multiline=False).upper()
    if not _ACTION_REF.fullmatch(ref):
        raise bad(PlanProblem.NOT_ACTION_REF, value=excerpt(value))
    return ref


def email(value: Any) -> str:
    address = text(value, multiline=False).lower()
    if len(address) > EMAIL_MAX or not _EMAIL.fullmatch(address):
        raise bad(PlanProblem.NOT_EMAIL, value=excerpt(value))
    return address


def looks_like_email(value: Any) -> bool:
    return isinstance(value, str) and bool(_EMAIL.fullmatch(value.strip()))


def looks_like_key(value: Any) -> bool:
    return isinstance(value, str) and bool(_USER_KEY.fullmatch(value.strip()))


def identity_key(value: Any) -> str:
    """A chat identity as stored: 'Slack:U012AB3CD ' -> 'slack:U012AB3CD', 'local:Sam' -> 'local:sam'."""
    raw = text(value, multiline=False)
    try:
        key = user_key(raw)
    except InvalidInput:
        raise bad(PlanProblem.NOT_USER_KEY, value=excerpt(value)) from None
    if len(key) > KEY_MAX:
        raise bad(PlanProblem.TOO_LONG, length=len(key), limit=KEY_MAX)
    return key


def deputies(value: Any) -> tuple[str, ...]:
    """Identity keys or emails, as a list or as text separated by ; or ,; each once, in the order given."""
    if isinstance(value, tuple | list):
        names = list(value)
    elif isinstance(value, str):
        names = re.split(r"[;,]", value)
    else:
        raise bad(PlanProblem.NOT_DEPUTY, value=excerpt(value))
    chosen: list[str] = []
    for name in names:
        if blank(name):
            continue
        if looks_like_key(name):
            who = identity_key(name)
        elif looks_like_email(name):
            who = email(name)
        else:
            raise bad(PlanProblem.NOT_DEPUTY, value=excerpt(name))
        if who not in chosen:
            chosen.append(who)
    if len(",".join(chosen)) > DEPUTIES_MAX:
        raise bad(PlanProblem.TOO_LONG, length=len(",".join(chosen)), limit=DEPUTIES_MAX)
    return tuple(chosen)


def partners(value: Any, info: ValidationInfo | None = None) -> tuple[str, ...]:
    """Council names as a list or as text separated by ; or , (any case); at least one, in a fixed order."""
    if isinstance(value, tuple | list):
        names = list(value)
    elif isinstance(value, str):
        names = re.split(r"[;,]", value)
    else:
        raise bad(PlanProblem.NOT_COUNCIL_LIST, value=excerpt(value))
    chosen: set[str] = set()
    unknown: list[Excerpt] = []
    for name in names:
        key = " ".join(text(name, multiline=False).lower().replace(".", "").split())
        if key in ALL_PARTNER_WORDS:
            chosen.update(ALL_PARTNERS)
            note(info, NoteKind.COUNCIL, name.strip(), ", ".join(ALL_PARTNERS))
        elif key in COUNCILS:
            chosen.add(COUNCILS[key])
            if key != COUNCILS[key].lower():
                note(info, NoteKind.COUNCIL, name.strip(), COUNCILS[key])
        elif key:
            unknown.append(excerpt(name))
    if unknown:
        raise bad(PlanProblem.UNKNOWN_PARTNERS, values=tuple(unknown), allowed=ALL_PARTNERS)
    if not chosen:
        raise bad(PlanProblem.NO_PARTNER)
    return tuple(c for c in ALL_PARTNERS if c in chosen)


def plan_year(value: Any) -> str:
    """A plan year like 2019/20. None: the file gave none and none could be worked out (see
    storage.plan_file.ActionInput)."""
    if value is None:
        raise bad(PlanProblem.NO_PLAN_YEAR)
    year = text(value, multiline=False)
    match = _PLAN_YEAR.fullmatch(year)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise bad(PlanProblem.NOT_PLAN_YEAR, value=excerpt(value))
    return year


def financial_year(day: date) -> str:
    """The plan year (April to March) a day falls in: 30/06/2020 -> 2020/21, 15/03/2021 -> 2020/21."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def due(value: Any, info: ValidationInfo | None = None) -> date:
    """A date: ISO (2020-06-30) or UK (30/06/2020, 30.06.2020, as Excel writes them on a UK machine)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    day = text(value, multiline=False)
    try:
        if _DATE.fullmatch(day):
            return date.fromisoformat(day)
        if match := _UK_DATE.fullmatch(day):
            read = date(int(match[3]), int(match[2]), int(match[1]))
            note(info, NoteKind.UK_DATE, day, read.isoformat())
            return read
    except ValueError:
        pass
    raise bad(PlanProblem.NOT_DATE, value=excerpt(value))


def status_key(value: Any) -> str:
    """'In_Progress', 'in-progress' -> 'in progress' (not checked against ActionStatus)."""
    return " ".join(text(value, multiline=False).lower().replace("_", " ").replace("-", " ").split())


def status(value: Any, info: ValidationInfo | None = None) -> str:
    """An ActionStatus value, from its own words or the ones owners use ('On track', 'Done', 'On hold')."""
    key = status_key(value)
    try:
        read = STATUS_WORDS[key]
    except KeyError:
        raise bad(PlanProblem.NOT_STATUS, value=excerpt(value), allowed=tuple(s.value for s in ActionStatus)) from None
    if key != read:
        note(info, NoteKind.STATUS_WORD, value.strip() if isinstance(value, str) else value, read)
    return read


def percent(value: Any) -> int:
    """A whole number from 0 to 100, as a number or text like '40' or '40%'."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and (match := _PROGRESS.fullmatch(value.strip())):
        number = int(match[1])
    else:
        number = -1
    if not 0 <= number <= 100:
        raise bad(PlanProblem.NOT_PERCENT, value=excerpt(value))
    return number


def rag(value: Any) -> str:
    try:
        return Rag(text(value, multiline=False).lower()).value
    except ValueError:
        raise bad(PlanProblem.NOT_RAG, value=excerpt(value), allowed=tuple(r.value for r in Rag)) from None


def flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise bad(PlanProblem.NOT_FLAG, value=excerpt(value))
    return value


def _noting(rule: Callable[[Any, ValidationInfo | None], Any]) -> BeforeValidator:
    """The rule as a validator that is handed pydantic's ValidationInfo (the Reading to note in)."""

    def check(value: Any, info: ValidationInfo) -> Any:
        return rule(value, info)

    return BeforeValidator(check)


Text = Annotated[str, BeforeValidator(text)]
Name = Annotated[str, BeforeValidator(line(NAME_MAX))]
Title = Annotated[str, BeforeValidator(line(TITLE_MAX))]
Owner = Annotated[str, BeforeValidator(owner)]
ThemeCode = Annotated[str, BeforeValidator(theme_code)]
ActionRef = Annotated[str, BeforeValidator(action_ref)]
Email = Annotated[str, BeforeValidator(email)]
UserKey = Annotated[str, BeforeValidator(identity_key)]
Deputies = Annotated[tuple[str, ...], BeforeValidator(deputies)]
Partners = Annotated[tuple[str, ...], _noting(partners)]
PlanYear = Annotated[str, BeforeValidator(plan_year)]
Due = Annotated[date, _noting(due)]
Status = Annotated[str, _noting(status)]
RagRating = Annotated[str, BeforeValidator(rag)]
Flag = Annotated[bool, BeforeValidator(flag)]
