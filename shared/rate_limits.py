"""Token buckets per key (an API key, a client address), in bounded memory: the one rate
limiter every HTTP edge uses (intake's admission, the reference issuer's failed keys)."""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    tokens: float
    updated_at: float


@dataclass
class RateLimiter:
    """A token bucket per key (an API key, a client address): `burst` requests at once,
    refilled at `per_second`.

    At most `max_buckets` are kept, the least recently used dropped first, so a flood of
    addresses cannot grow memory without bound; a dropped bucket starts full again, which is
    exact for a bucket idle for `burst / per_second` seconds. Per process: with several
    intake instances the effective limit is per instance.
    """

    per_second: float
    burst: int
    max_buckets: int = 100_000
    _buckets: OrderedDict[str, _Bucket] = field(default_factory=OrderedDict)

    def retry_after(self, key: str, now: float) -> int | None:
        """None if the request may go now (and spends a token); else whole seconds to wait."""
        bucket = self._refilled(key, now)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return None
        return self._wait(bucket)

    def waiting(self, key: str, now: float) -> int | None:
        """Like `retry_after`, but spends nothing: is this key's bucket empty now?"""
        bucket = self._refilled(key, now)
        return None if bucket.tokens >= 1 else self._wait(bucket)

    def _refilled(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.pop(key, None) or _Bucket(float(self.burst), now)
        bucket.tokens = min(
            float(self.burst), bucket.tokens + (now - bucket.updated_at) * self.per_second
        )
        bucket.updated_at = now
        self._buckets[key] = bucket  # the most recently used is last
        while len(self._buckets) > self.max_buckets:
            self._buckets.popitem(last=False)
        return bucket

    def _wait(self, bucket: _Bucket) -> int:
        return max(1, math.ceil((1 - bucket.tokens) / self.per_second))

    def __len__(self) -> int:
        return len(self._buckets)
