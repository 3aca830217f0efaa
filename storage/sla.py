"""SLA clocks in business hours: targets per priority, counted Monday to Friday within the desk's hours
(default 08:30-17:00 Europe/London), England and Wales bank holidays excluded (storage.schedule), unless a
priority runs around the clock. A request's clock stops while it waits on the requester: the time paused
is added to its target, so its due time moves on by exactly that much business time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage.enums import Priority
from storage.schedule import DEFAULT_TIMEZONE, is_working_day

#: The desk's published targets, in business time: a "day" is one working day of the desk's hours.
DEFAULT_TARGETS = {Priority.P1.value: "4h", Priority.P2.value: "8h", Priority.P3.value: "3d", Priority.P4.value: "5d"}


def split_target(text: str) -> tuple[float, str]:
    """'4h' -> (4.0, 'h'), '1.5d' -> (1.5, 'd'): minutes, hours or working days; ValueError otherwise."""
    value, unit = text.strip()[:-1], text.strip()[-1:].lower()
    try:
        amount = float(value)
    except ValueError:
        amount = 0.0
    if amount <= 0 or not unit or unit not in "mhd":
        raise ValueError(f"'{text}' is not a target like 4h, 90m or 3d")
    return amount, unit


def _parse_target(text: str, day: timedelta) -> timedelta:
    """'4h', '30m', '3d' (working days of the desk's hours), '1.5h'."""
    amount, unit = split_target(text)
    return {"m": timedelta(minutes=amount), "h": timedelta(hours=amount), "d": day * amount}[unit]


@dataclass(frozen=True)
class SlaPolicy:
    """How a request's SLA clock runs. `targets`: by priority, as written ('4h', '3d'); `all_hours`: the
    priorities whose clock runs around the clock; `at_risk`: the share of the target used at which a
    request is at risk."""

    targets: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    opens: time = time(8, 30)
    closes: time = time(17, 0)
    timezone: str = DEFAULT_TIMEZONE
    all_hours: frozenset[str] = frozenset()
    at_risk: float = 0.75

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError("the desk must close after it opens")
        for priority in Priority:
            if priority.value not in self.targets:
                raise ValueError(f"no SLA target for {priority.value}")
            self.target(priority.value)  # a bad target fails here, at start-up

    @property
    def working_day(self) -> timedelta:
        return datetime.combine(datetime.min, self.closes) - datetime.combine(datetime.min, self.opens)

    def target(self, priority: str) -> timedelta:
        return _parse_target(self.targets[priority], self.working_day)

    def due(self, start: datetime, priority: str, paused: timedelta = timedelta()) -> datetime:
        """When a request of `priority` raised at `start`, paused for `paused` business time, is due."""
        return self.add(start, self.target(priority) + paused, priority)

    def at_risk_from(self, start: datetime, priority: str, paused: timedelta = timedelta()) -> datetime:
        """When such a request becomes at risk: `at_risk` of its target used."""
        return self.add(start, self.target(priority) * self.at_risk + paused, priority)

    def add(self, start: datetime, duration: timedelta, priority: str) -> datetime:
        """`duration` of business time after `start`."""
        if priority in self.all_hours:
            return start + duration
        left = duration
        for opens, closes in self._windows(start):
            begin = max(opens, start)
            if begin + left <= closes:
                return (begin + left).astimezone(UTC)
            left -= closes - begin
        raise AssertionError("unreachable: the windows never end")

    def between(self, start: datetime, end: datetime, priority: str) -> timedelta:
        """The business time from `start` to `end` (zero when `end` is not later)."""
        if end <= start:
            return timedelta()
        if priority in self.all_hours:
            return end - start
        total = timedelta()
        for opens, closes in self._windows(start):
            if opens >= end:
                return total
            total += min(closes, end) - max(opens, start)
        raise AssertionError("unreachable: the windows never end")

    def _windows(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The desk's open hours from the day `start` falls on, as UTC datetimes, the past ones skipped."""
        zone = ZoneInfo(self.timezone)
        day = start.astimezone(zone).date()
        while True:
            if is_working_day(day):
                opens = datetime.combine(day, self.opens, zone).astimezone(UTC)
                closes = datetime.combine(day, self.closes, zone).astimezone(UTC)
                if closes > start:
                    yield opens, closes
            day += timedelta(days=1)


def parse_targets(text: str) -> dict[str, str]:
    """'P1=4h, P2=8h, P3=3d, P4=5d' (any priorities left out keep their default target)."""
    targets = dict(DEFAULT_TARGETS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        priority, _, target = part.partition("=")
        priority = priority.strip().upper()
        if priority not in targets or not target.strip():
            raise ValueError(f"'{part}' is not like P2=8h")
        targets[priority] = target.strip()
    return targets
