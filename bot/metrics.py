"""Prometheus metrics, in a registry of our own (so tests and several apps never collide)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST


#: Label values come from closed sets, so nothing anyone sends can add a time series: an unknown command, form
#: id, outcome or channel is counted as UNKNOWN.
UNKNOWN = "unknown"
CHANNELS = frozenset({"slack", "teams", "local"})
OUTCOMES = frozenset({"ok", "usage", "denied", "not_found", "conflict", "error"})


class Metrics:
    def __init__(self, *, commands: Iterable[str] = ()) -> None:
        self.commands = frozenset(commands)
        self.registry = CollectorRegistry()
        self._children: dict[tuple[str, str, str], tuple] = {}
        self.requests = Counter(
            "ictbot_commands_total",
            "Commands handled, by channel, command and outcome",
            ["channel", "command", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "ictbot_command_seconds",
            "Time to handle a command, by channel and command",
            ["channel", "command"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )
        self.notifications = Counter(
            "ictbot_notifications_total",
            "Notification deliveries, by channel and result",
            ["channel", "result"],
            registry=self.registry,
        )

    def observe(self, channel: str, command: str, outcome: str, seconds: float) -> None:
        key = (
            channel if channel in CHANNELS else UNKNOWN,
            command if command in self.commands else UNKNOWN,
            outcome if outcome in OUTCOMES else UNKNOWN,
        )
        children = self._children.get(key)
        if children is None:  # labels() looks up under a lock: do it once per combination
            children = self._children[key] = (
                self.requests.labels(*key),
                self.latency.labels(*key[:2]),
            )
        children[0].inc()
        children[1].observe(seconds)

    @contextmanager
    def timed(self):
        start = time.perf_counter()
        box = {"seconds": 0.0}
        try:
            yield box
        finally:
            box["seconds"] = time.perf_counter() - start

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
