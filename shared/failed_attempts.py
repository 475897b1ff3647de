"""Failed attempts per client address in a sliding window, so keys cannot be guessed.

After `limit` failures within `window_s`, a client waits until its oldest failure leaves the
window. Per process: with several instances the effective limit is per instance.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

#: Past this many clients, those with no failure left in the window are forgotten.
SWEEP_ABOVE_CLIENTS = 10_000


@dataclass
class FailedAttempts:
    """Recent failures of each client address."""

    limit: int
    window_s: float
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def retry_after(self, client: str, now: float) -> int | None:
        """None if `client` may try now; else how many whole seconds to wait."""
        recent = self._recent(client, now)
        if len(recent) < self.limit:
            return None
        return max(1, math.ceil(recent[0] + self.window_s - now))

    def record(self, client: str, now: float) -> None:
        """Count one failure of `client`."""
        self._recent(client, now).append(now)
        if len(self._failures) > SWEEP_ABOVE_CLIENTS:
            self._sweep(now)

    def _recent(self, client: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(client, deque())
        while failures and failures[0] <= now - self.window_s:
            failures.popleft()
        return failures

    def _sweep(self, now: float) -> None:
        for client in list(self._failures):
            if not self._recent(client, now):
                del self._failures[client]
