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
    """Events a fake store would have published, in order."""

    def __init__(self) -> None:
        self.published: list[Event] = []
        self.pending: dict[uuid.UUID, list[Event]] = {}

    def add_pending(self, report_id: uuid.UUID, events: list[Event]) -> None:
        self.pending.setdefault(report_id, []).extend(events)

    async def publish_pending(self, report_id: uuid.UUID) -> None:
        self.published.extend(self.pending.pop(report_id, []))
