"""Pure SLA clock rules: targets, and when a clock stops. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class ClockState(StrEnum):
    RUNNING = "running"
    MET = "met"


@dataclass(frozen=True)
class TargetPolicy:
    """How long the reply may take: per grade, or the default before a grade is known."""

    default: timedelta
    by_grade: dict[int, timedelta]

    def target(self, grade: int | None) -> timedelta:
        return self.default if grade is None else self.by_grade.get(grade, self.default)


@dataclass(frozen=True)
class SlaClock:
    """One report's reply promise."""

    started_at: datetime
    due_at: datetime
    grade: int | None
    state: ClockState
    stopped_at: datetime | None = None

    @property
    def late(self) -> bool:
        return self.stopped_at is not None and self.stopped_at > self.due_at

    def elapsed(self, now: datetime) -> timedelta:
        return (self.stopped_at or now) - self.started_at

    def remaining(self, now: datetime) -> timedelta:
        return self.due_at - (self.stopped_at or now)


def due_at(started_at: datetime, grade: int | None, policy: TargetPolicy) -> datetime:
    """When the reply is due, for a clock started at `started_at`."""
    return started_at + policy.target(grade)
