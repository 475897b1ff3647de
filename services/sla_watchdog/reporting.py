"""Operations views of the clocks and alerts, pure: states, queues, compliance, reply times
and the board of alerts.

Compliance counts open clocks already past their target as late, not only closed ones:
an on-time rate that ignored the overdue queue would flatter a force most when it is
furthest behind (as Austin 311 found).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

OpsState = Literal["running", "at_risk", "breached", "met", "met_late"]


@dataclass(frozen=True)
class ClockRow:
    """One clock as operations see it."""

    report_id: uuid.UUID
    report_type: str | None
    channel: str | None
    force_code: str | None
    grade: int | None
    route: str | None
    started_at: datetime
    due_at: datetime
    stopped_at: datetime | None
    announced: tuple[str, ...]

    def state(self, now: datetime) -> OpsState:
        if self.stopped_at is not None:
            return "met_late" if self.stopped_at > self.due_at else "met"
        if now >= self.due_at:
            return "breached"
        return "at_risk" if self.announced else "running"

    def remaining(self, now: datetime) -> timedelta:
        return self.due_at - (self.stopped_at or now)


@dataclass(frozen=True)
class Compliance:
    """How well the promise was kept over a window."""

    on_time: int
    late: int
    open_overdue: int
    open_in_time: int
    p50_reply_s: float | None
    p90_reply_s: float | None

    @property
    def rate(self) -> float | None:
        decided = self.on_time + self.late + self.open_overdue
        return None if decided == 0 else self.on_time / decided


def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least p% at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def compliance(rows: list[ClockRow], now: datetime) -> Compliance:
    """Compliance of the clocks started in a window (the caller chose the window)."""
    states = [row.state(now) for row in rows]
    replies = [
        (row.stopped_at - row.started_at).total_seconds()
        for row in rows
        if row.stopped_at is not None
    ]
    return Compliance(
        on_time=states.count("met"),
        late=states.count("met_late"),
        open_overdue=states.count("breached"),
        open_in_time=states.count("running") + states.count("at_risk"),
        p50_reply_s=percentile(replies, 50),
        p90_reply_s=percentile(replies, 90),
    )


def queue(rows: list[ClockRow], now: datetime) -> list[ClockRow]:
    """Open clocks, the nearest to breaking (or most overdue) first."""
    open_rows = [row for row in rows if row.stopped_at is None]
    return sorted(open_rows, key=lambda row: row.remaining(now))


class AlertState(StrEnum):
    OPEN = "open"  # nobody acknowledged yet: its ladder climbs
    ACKNOWLEDGED = "acknowledged"  # a person took it on
    RESOLVED = "resolved"  # needs nobody any more: final


@dataclass(frozen=True)
class AlertRow:
    """One alert as the operations board shows it (steps count from 0, as the events do)."""

    alert_id: uuid.UUID
    report_id: uuid.UUID
    kind: str
    state: AlertState
    reference: str | None
    grade: int | None
    route: str | None
    raised_at: datetime
    step: int
    escalates_at: datetime | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None

    @property
    def steps(self) -> int | None:
        """How many steps its ladder has: known once the top is told (no next step)."""
        return self.step + 1 if self.escalates_at is None else None

    @property
    def next_step_at(self) -> datetime | None:
        """When the next step is told: only while open (acknowledging stops the ladder)."""
        return self.escalates_at if self.state is AlertState.OPEN else None


def open_first(rows: list[AlertRow]) -> list[AlertRow]:
    """Open alerts first, then acknowledged ones; the newest first within each."""
    newest_first = sorted(rows, key=lambda row: row.raised_at, reverse=True)
    return sorted(newest_first, key=lambda row: row.state is not AlertState.OPEN)
