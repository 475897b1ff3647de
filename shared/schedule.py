"""A ticker's agenda: which clocks (or alerts) need looking at next, ordered by when.

Why not ask Mongo on every tick? The local Mongo-wire server ignores non-unique indexes, so
"clocks whose next threshold is due" would scan every open clock on every tick: work that
grows with the number of open clocks. Instead each instance keeps a min-heap of
(next threshold time, report id), filled from Mongo once at start and on a slow resync, and
kept current by the events it handles. A tick pops only what is due: O(k log n) for k due
clocks, whatever n is. Entries may be stale (a clock retargeted or stopped since): the
handler re-reads the clock before acting, and Mongo's guarded writes make every threshold
announced once even when two instances both act on it.
"""

from __future__ import annotations

import heapq
import uuid
from datetime import datetime


class Schedule:  # keyed by a report (SLA clocks) or an alert (escalation ladders)
    """A min-heap of upcoming thresholds, one live entry per clock."""

    def __init__(self) -> None:
        self._heap: list[tuple[datetime, str]] = []
        self._next: dict[str, datetime] = {}

    def __len__(self) -> int:
        return len(self._next)

    def plan(self, report_id: uuid.UUID, at: datetime | None) -> None:
        """Set (or with None, clear) when a clock needs looking at next."""
        key = str(report_id)
        if at is None:
            self._next.pop(key, None)
            return
        if self._next.get(key) == at:
            return
        self._next[key] = at
        heapq.heappush(self._heap, (at, key))

    def pop_due(self, now: datetime) -> list[uuid.UUID]:
        """The clocks whose next threshold is at or before `now`; they leave the agenda."""
        due: list[uuid.UUID] = []
        while self._heap and self._heap[0][0] <= now:
            at, key = heapq.heappop(self._heap)
            if self._next.get(key) == at:  # not superseded by a later plan
                del self._next[key]
                due.append(uuid.UUID(key))
        return due
