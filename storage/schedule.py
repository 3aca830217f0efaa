"""When the strategy cycle's jobs are due: working days (weekends and England and Wales bank holidays off),
and 09:00 local time on a given day. Pure functions of the dates they are given; nothing reads the clock."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

DEFAULT_TIMEZONE = "Europe/London"
#: The time of day every job is due, local time.
DUE_TIME = time(9, 0)


@functools.lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_before(day: date, count: int) -> date:
    """The working day `count` working days before `day` (`day` itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    found = day
    left = count
    while left:
        found -= timedelta(days=1)
        if is_working_day(found):
            left -= 1
    return found


def working_days_between(start: date, end: date) -> int:
    """How many working days come after `start`, up to and including `end` (0 when `end` is not later)."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += is_working_day(day)
    return days


def local_day(moment: datetime, timezone: str = DEFAULT_TIMEZONE) -> date:
    """The calendar day `moment` falls on, in `timezone`."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def due_on(day: date, timezone: str = DEFAULT_TIMEZONE) -> datetime:
    """09:00 local time on `day`, as a UTC datetime (09:00 is 09:00 GMT in winter and 08:00 UTC in summer)."""
    return datetime.combine(day, DUE_TIME, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def start_of(day: date, timezone: str = DEFAULT_TIMEZONE) -> datetime:
    """Midnight local time at the start of `day`, as a UTC datetime."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def daily(start: datetime, end: datetime, timezone: str = DEFAULT_TIMEZONE) -> Iterator[datetime]:
    """Every 09:00 local time in (start, end], oldest first."""
    day = local_day(start, timezone)
    while (moment := due_on(day, timezone)) <= end:
        if moment > start:
            yield moment
        day += timedelta(days=1)


def mondays(start: datetime, end: datetime, timezone: str = DEFAULT_TIMEZONE) -> Iterator[datetime]:
    """Every Monday 09:00 local time in (start, end], oldest first."""
    return (moment for moment in daily(start, end, timezone) if local_day(moment, timezone).weekday() == 0)


def next_daily(after: datetime, timezone: str = DEFAULT_TIMEZONE, *, monday_only: bool = False) -> datetime:
    """The first 09:00 local time (on a Monday, with monday_only) after `after`."""
    for moment in daily(after, after + timedelta(days=8), timezone):
        if not monday_only or local_day(moment, timezone).weekday() == 0:
            return moment
    raise AssertionError("unreachable: every week has a Monday")
