"""Pure SLA clock rules: where a clock stands and which thresholds are due. No I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from services.sla_watchdog.policy import Pause, Threshold

#: BSON dates keep milliseconds.
STORED_PRECISION = timedelta(milliseconds=1)


class ClockState(StrEnum):
    RUNNING = "running"
    MET = "met"


#: Where a running clock stands, as the open-clock gauges count it.
OpenStanding = Literal["running", "at_risk", "breached"]


@dataclass(frozen=True)
class SlaClock:
    """One report's reply promise."""

    started_at: datetime
    due_at: datetime
    grade: int | None
    state: ClockState
    stopped_at: datetime | None = None
    thresholds: tuple[Threshold, ...] = ()
    announced: frozenset[str] = field(default_factory=frozenset)
    target_version: int = 0
    resume_by: datetime | None = None  # set while paused: when it resumes without an answer

    @property
    def paused(self) -> bool:
        return self.resume_by is not None

    @property
    def late(self) -> bool:
        return self.stopped_at is not None and self.stopped_at > self.due_at

    def elapsed(self, now: datetime) -> timedelta:
        return (self.stopped_at or now) - self.started_at

    def remaining(self, now: datetime) -> timedelta:
        return self.due_at - (self.stopped_at or now)

    def standing(self, now: datetime) -> OpenStanding:
        """Breached once past due; at risk once any warning (or a failed reply) was told.
        A paused clock is not breached: its due time moves on when it resumes."""
        if now >= self.due_at and not self.paused:
            return "breached"
        return "at_risk" if self.announced else "running"

    def due_thresholds(self, now: datetime) -> list[Threshold]:
        """Thresholds passed by `now` and not yet announced, oldest first (a clock that
        jumped forward announces every one it skipped, in order, then the breach). None
        while paused: the thresholds move on when it resumes."""
        if self.state is not ClockState.RUNNING or self.paused:
            return []
        return [t for t in self.thresholds if t.at <= now and t.name not in self.announced]

    def has_target(self, version: int, marks: list[Threshold]) -> bool:
        """Whether this clock already runs to these thresholds (stored times keep only
        milliseconds, so times within one compare equal)."""
        if self.target_version != version or len(self.thresholds) != len(marks):
            return False
        return all(
            ours.name == theirs.name
            and ours.breach == theirs.breach
            and abs(ours.at - theirs.at) < STORED_PRECISION
            for ours, theirs in zip(self.thresholds, marks, strict=True)
        )

    def next_threshold_at(self) -> datetime | None:
        """When the next unannounced threshold falls, if the clock is still running; while
        paused, when it resumes without an answer."""
        if self.state is not ClockState.RUNNING:
            return None
        if self.resume_by is not None:
            return self.resume_by
        pending = [t.at for t in self.thresholds if t.name not in self.announced]
        return min(pending, default=None)


def paused_between(pauses: Iterable[Pause], start: datetime, end: datetime) -> timedelta:
    """How much of the time from `start` to `end` the clock spent paused."""
    overlaps = (min(resumed, end) - max(paused, start) for paused, resumed in pauses)
    return sum((max(overlap, timedelta()) for overlap in overlaps), timedelta())
