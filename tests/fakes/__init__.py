"""Fakes of our own ports, for unit tests (never of aiokafka or the Mongo driver): the
shared clock and event log here, each service's stores in a module of its own."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from shared.events import Event


class FrozenClock:
    """A clock that only moves when told to."""

    def __init__(self, now: datetime = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def advance(self, by: timedelta) -> None:
        self._now += by


class EventLog:
    """The events a fake store keeps with its writes, as a Mongo adapter keeps them in the
    written document's outbox: `pending` per report, `published` in the order written (the
    runtime publishes what a use case stored; with a fake, storing is the use case's act)."""

    def __init__(self) -> None:
        self.published: list[Event] = []
        self.pending: dict[uuid.UUID, list[Event]] = {}

    def add_pending(self, report_id: uuid.UUID, events: list[Event]) -> None:
        self.pending.setdefault(report_id, []).extend(events)
        self.published.extend(events)
