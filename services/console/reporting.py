"""Compliance figures and the queue's order, pure, over the console's queue rows (adapted
from the SLA watchdog's operations views, which it replaces).

Compliance counts open reports already past their target as late, not only answered ones:
an on-time rate that ignored the overdue queue would flatter a force most when it is
furthest behind (as Austin 311 found). Anonymous reports promise no reply and count in
no figure; reports not yet given a target count as open in time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.console.records import QueueRow

#: The states of a report still waiting for its reply.
OPEN_STATES = frozenset({"new", "running", "at_risk", "breached"})


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


def reply_seconds(row: QueueRow) -> float | None:
    """From receipt to the reply, for an answered report."""
    if row.met_at is None or row.received_at is None:
        return None
    return (row.met_at - row.received_at).total_seconds()


def compliance(rows: list[QueueRow]) -> Compliance:
    """Compliance of the reports received in a window (the caller chose the window, and
    the rows' states were decided at one `now`)."""
    states = [row.state for row in rows]
    replies = [seconds for row in rows if (seconds := reply_seconds(row)) is not None]
    return Compliance(
        on_time=states.count("met"),
        late=states.count("met_late"),
        open_overdue=states.count("breached"),
        open_in_time=states.count("running") + states.count("at_risk") + states.count("new"),
        p50_reply_s=percentile(replies, 50),
        p90_reply_s=percentile(replies, 90),
    )


def remaining(row: QueueRow, now: datetime) -> timedelta | None:
    """Time left before the promise breaks (negative once broken); None without a target."""
    return None if row.due_at is None else row.due_at - now


#: Where a report stands in the queue, by its clock: running (0), paused (1), none (2).
RUNNING, PAUSED, NO_RUNNING_CLOCK = 0, 1, 2


def queue_group(state: str, paused: bool = False) -> int:
    """The queue's three parts: running clocks (breached ones among them), paused clocks,
    and reports with no running clock (no target yet, anonymous, or promise kept)."""
    if state in {"new", "no_clock", "met", "met_late"}:
        return NO_RUNNING_CLOCK
    return PAUSED if paused else RUNNING


def queue_order(rows: list[QueueRow], now: datetime) -> list[QueueRow]:
    """Open reports (not closed): running clocks, the most overdue first, then the nearest
    to breaking; paused clocks after them, by due time; then those with no running clock,
    the longest waiting first."""

    def key(row: QueueRow) -> tuple[int, timedelta, str]:
        group, left = queue_group(row.state, row.paused), remaining(row, now)
        if group != NO_RUNNING_CLOCK and left is not None:
            return (group, left, str(row.report_id))
        return (NO_RUNNING_CLOCK, (row.received_at or now) - now, str(row.report_id))

    return sorted((row for row in rows if row.work_state != "closed"), key=key)
