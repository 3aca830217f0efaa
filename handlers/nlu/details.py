"""The details in a message: request and action references in any common spelling, percentages, RAG words,
action statuses, councils and their places, dates, and words of urgency. Each reader takes the text as typed
(without the forwarded mail headers) and never raises."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from handlers.vocabulary import THEME_WORDS
from storage.enums import Council, WorkSetting
from storage.plan_fields import COUNCILS, STATUS_WORDS
from storage.refs import TicketRef

# ------------------------------------------------------------ request references

_MAX_REF = 999_999_999
# ICT-12, ict 12, ict12; not "ICT 2019-2024" (a span of years).
_ICT_REF = re.compile(r"\bict[-\s]?0*([1-9]\d{0,8})\b(?![-/]\d)", re.IGNORECASE)
# "ticket 12", "request no 9", "call #18", "ref 1044".
_WORD_REF = re.compile(
    r"\b(?:ticket|request|call|ref|reference|job|case|incident)s?\s*(?:no\.?\s*|number\s*)?#?\s*0*([1-9]\d{0,8})\b",
    re.IGNORECASE,
)
# "#27", written for a request in a message to the service desk's bot.
_HASH_REF = re.compile(r"(?<![\w#])#0*([1-9]\d{0,8})\b")


def ticket_refs(text: str) -> tuple[TicketRef, ...]:
    """Every request reference, in the order written, each once."""
    found: list[tuple[int, int]] = []
    for pattern in (_ICT_REF, _WORD_REF, _HASH_REF):
        found += [(m.start(), int(m[1])) for m in pattern.finditer(text) if int(m[1]) <= _MAX_REF]
    return _unique(TicketRef(number) for _, number in sorted(found))


# ------------------------------------------------------------ action references

_CODES = "|".join(code.lower() for code in THEME_WORDS)
# RS-05, rs-5, GOV-12: any theme code with a hyphen (not ICT, the request prefix).
_HYPHEN_ACTION = re.compile(r"\b(?!ict-|inc-)([a-z]{2,4})-(\d{1,3})\b(?![-/]\d)", re.IGNORECASE)
# INC-3, inc 3, inc3: a major incident.
_INC_REF = re.compile(r"\binc[-\s]?0*([1-9]\d{0,8})\b", re.IGNORECASE)
INCIDENT_WORD = "incref"


def incident_refs(text: str) -> tuple[str, ...]:
    """Every major incident reference (INC-3), in the order written, each once."""
    return _unique(f"INC-{int(m[1])}" for m in _INC_REF.finditer(text))


# rs05, rs 5, WF2: the plan's own theme codes, where a lone word could not be meant ("in 10 mins" is not IN-10).
_LOOSE_ACTION = re.compile(
    rf"\b({_CODES})\s?(\d{{1,2}})\b(?![-/:.]\d|\s*(?:%|mins?|minutes|hours?|days?|weeks?))", re.I
)


def action_ref(code: str, number: str) -> str:
    """The reference as the plan writes it: RS-05."""
    return f"{code.upper()}-{int(number):02d}"


def _english_in(m: re.Match[str]) -> bool:
    """'in 3', 'in3': English, unless written IN-3 or IN3."""
    return m[1].lower() == "in" and (" " in m[0] or m[1] != "IN")


def action_refs(text: str) -> tuple[str, ...]:
    found = [(m.start(), action_ref(m[1], m[2])) for m in _HYPHEN_ACTION.finditer(text)]
    found += [(m.start(), action_ref(m[1], m[2])) for m in _LOOSE_ACTION.finditer(text) if not _english_in(m)]
    return _unique(ref for _, ref in sorted(found))


# ------------------------------------------------------------ numbers and words of the plan

_PERCENT = re.compile(r"\b(\d{1,3})\s*(?:%|per\s?cent\b|pc\b)", re.IGNORECASE)
_RAG = re.compile(r"\b(red|amber|green)\b", re.IGNORECASE)
_STATUS_PHRASES = {**STATUS_WORDS, "unblocked": "in progress", "not blocked": "in progress"}
_STATUS = re.compile(
    r"\b(" + "|".join(sorted((re.escape(w) for w in _STATUS_PHRASES), key=len, reverse=True)) + r")\b", re.I
)


def percentages(text: str) -> tuple[int, ...]:
    return _unique(int(m[1]) for m in _PERCENT.finditer(text) if int(m[1]) <= 100)


def rag_words(text: str) -> tuple[str, ...]:
    return _unique(m[1].lower() for m in _RAG.finditer(text))


def statuses(text: str) -> tuple[str, ...]:
    """Action statuses (storage.enums.ActionStatus values) from the words owners use: 'done', 'on hold'."""
    return _unique(_STATUS_PHRASES[m[1].lower()] for m in _STATUS.finditer(text))


# ------------------------------------------------------------ councils and places

#: Offices and towns, and the council they belong to.
PLACES: dict[str, str] = {
    "maidstone house": Council.MAIDSTONE.value,
    "the gateway": Council.MAIDSTONE.value,
    "maidstone": Council.MAIDSTONE.value,
    "swale house": Council.SWALE.value,
    "sittingbourne": Council.SWALE.value,
    "sheerness": Council.SWALE.value,
    "faversham": Council.SWALE.value,
    "sheppey": Council.SWALE.value,
    "isle of sheppey": Council.SWALE.value,
    "royal tunbridge wells": Council.TUNBRIDGE_WELLS.value,
    "tunbridge wells town hall": Council.TUNBRIDGE_WELLS.value,
    "the town hall": Council.TUNBRIDGE_WELLS.value,
    "town hall": Council.TUNBRIDGE_WELLS.value,
    "southborough": Council.TUNBRIDGE_WELLS.value,
    "paddock wood": Council.TUNBRIDGE_WELLS.value,
    "cranbrook": Council.TUNBRIDGE_WELLS.value,
}
_NAMED = {**COUNCILS, **PLACES}
_PLACE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in _NAMED), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def councils_and_places(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The councils named, or whose offices and towns are (Swale House -> Swale), and those places."""
    councils, places = [], []
    for m in _PLACE.finditer(text.replace(".", "")):
        key = " ".join(m[1].lower().split())
        councils.append(_NAMED[key])
        if key in PLACES:
            places.append(" ".join(m[1].split()))
    return _unique(councils), _unique(places)


# ------------------------------------------------------------ dates

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True)) + "|sept"
_DAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)} | {"weds": 2, "thurs": 3, "tues": 1}
_DAY = "|".join(sorted((*_DAYS, *(d.lower() for d in calendar.day_abbr)), key=len, reverse=True))
_DATE = re.compile(
    r"\b(?:"
    rf"(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})"
    rf"|(?P<d>\d{{1,2}})[/.](?P<m>\d{{1,2}})(?:[/.](?P<y>\d{{4}}|\d{{2}}))?"
    rf"|(?P<end>end\s+of\s+(?:(?P<end_next>next\s+)?(?:the\s+)?month|(?P<end_month>{_MONTH})))"
    rf"|(?P<dm>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm_month>{_MONTH})(?:\s+(?P<dm_year>\d{{4}}))?"
    rf"|(?P<next_week>next\s+week)"
    rf"|(?P<rel>today|tomorrow)"
    rf"|(?P<weekday>{_DAY})"
    r")\b",
    re.IGNORECASE,
)


#: Words that say where someone is working, by WorkSetting value; the first found wins.
_SETTINGS = (
    (
        WorkSetting.HOME.value,
        re.compile(
            r"\b(wfh|(?:working |work )?(?:from|at) home|home (?:wifi|wi-fi|broadband|router|internet|office)|"
            r"my (?:broadband|router|home))\b",
            re.IGNORECASE,
        ),
    ),
    (
        WorkSetting.BOROUGH.value,
        re.compile(
            r"\b(on site|site visits?|out in the borough|out and about|on the road|in the (?:car|van|field)|"
            r"on a (?:visit|home visit|site visit|inspection)|at the depot|depot|on an inspection|off site)\b",
            re.IGNORECASE,
        ),
    ),
    (
        WorkSetting.OFFICE.value,
        re.compile(
            r"\b(in (?:the|our) office|at my desk|hot ?desk|meeting room|council chamber|reception|"
            r"maidstone house|the gateway|swale house|town hall|(?:in|at) the civic centre|(?:on|in) the (?:\w+ )?floor)\b",
            re.IGNORECASE,
        ),
    ),
)


def work_setting(text: str) -> str | None:
    """Home, a council office or out in the borough, when the text says; None when it does not."""
    found = [(m.start(), setting) for setting, pattern in _SETTINGS if (m := pattern.search(text))]
    return min(found)[1] if found else None


def dates(text: str, today: date) -> tuple[date, ...]:
    """The days meant, read as a UK writer means them and as a due date: a day without a year is the next one
    to come ('30/06' in July is next year's), a weekday is the coming one, 'end of March' its last day."""
    found = []
    for m in _DATE.finditer(text):
        day = _date(m, today)
        if day is not None:
            found.append(day)
    return _unique(found)


def _date(m: re.Match[str], today: date) -> date | None:
    try:
        if m["iso"]:
            return date.fromisoformat(m["iso"])
        if m["d"]:
            year = m["y"]
            if year:
                return date(int(year) + (2000 if len(year) == 2 else 0), int(m["m"]), int(m["d"]))
            return _coming(today, int(m["m"]), int(m["d"]))
        if m["end"]:
            if m["end_month"]:
                month = _month(m["end_month"])
                return _coming(today, month, calendar.monthrange(today.year, month)[1])
            year, month = today.year, today.month + (1 if m["end_next"] else 0)
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
            return date(year, month, calendar.monthrange(year, month)[1])
        if m["dm"]:
            month, number = _month(m["dm_month"]), int(m["dm"])
            return date(int(m["dm_year"]), month, number) if m["dm_year"] else _coming(today, month, number)
        if m["next_week"]:
            return today + timedelta(days=7 - today.weekday())  # next Monday
        if m["rel"]:
            return today + timedelta(days=1 if m["rel"].lower() == "tomorrow" else 0)
        weekday = _weekday(m["weekday"])
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    except ValueError:  # 31/02, 45/13: not a day
        return None


def _month(word: str) -> int:
    return _MONTHS.get(word.lower(), 9)  # 'sept'


def _weekday(word: str) -> int:
    word = word.lower()
    return _DAYS[word] if word in _DAYS else next(i for i, d in enumerate(calendar.day_abbr) if d.lower() == word)


def _coming(today: date, month: int, number: int) -> date:
    """The next `number` of `month` on or after today (a month's last day is kept in February's case)."""
    year = today.year
    if (month, number) < (today.month, today.day):
        year += 1
    if month == 2 and number == 29 and not calendar.isleap(year):
        number = 28
    return date(year, month, number)


# ------------------------------------------------------------ urgency

URGENT = re.compile(
    r"\b(urgent(?:ly)?|asap|emergency|straight away|right now|immediately|chief exec\w*|full council"
    r"|committee|presenting|in \d+ (?:mins?|minutes)|meeting starts)\b",
    re.IGNORECASE,
)
WIDESPREAD = re.compile(
    r"\b(everyone|every one|nobody|no one|noone|whole (?:office|team|floor|building|council)|all staff"
    r"|across (?:the )?\w+|outage|(?:is|are) down|service down|system down)\b",
    re.IGNORECASE,
)
NOT_URGENT = re.compile(r"\b(not urgent|no rush|low priority|when you get a chance|no hurry|whenever)\b", re.I)


def urgency_words(text: str) -> tuple[str, ...]:
    """Words that say how soon: 'urgent', 'in 10 mins', 'nobody can', 'no rush'."""
    quiet = NOT_URGENT.findall(text)
    loud = [w for w in URGENT.findall(text) if not any(w.lower() in q.lower() for q in quiet)]
    return _unique(w.lower() for w in (*loud, *WIDESPREAD.findall(text), *quiet))


def _unique(items) -> tuple:
    return tuple(dict.fromkeys(items))


# ------------------------------------------------------------ the text the intent is read from

#: What stands for each kind of detail in the text the intent rules read.
TICKET_WORD, ACTION_WORD, PERCENT_WORD = "ticketref", "actionref", "pct"


def masked(text: str) -> str:
    """The text with each reference and percentage replaced by a word for its kind ('RS-05 is at 40%' ->
    'actionref is at pct'), so the rules read the shape of a message, not its numbers."""
    text = _PERCENT.sub(f" {PERCENT_WORD} ", text)
    text = _INC_REF.sub(f" {INCIDENT_WORD} ", text)
    for pattern in (_ICT_REF, _WORD_REF, _HASH_REF):
        text = pattern.sub(f" {TICKET_WORD} ", text)
    text = _HYPHEN_ACTION.sub(f" {ACTION_WORD} ", text)
    return _LOOSE_ACTION.sub(lambda m: m[0] if _english_in(m) else f" {ACTION_WORD} ", text)
