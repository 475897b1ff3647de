"""Who may submit what, and how often: channel API keys, permissions, a rate limit; who may
add to a report."""

from __future__ import annotations

import hashlib
import hmac
import math
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

from shared.api_keys import ApiKeys
from shared.events import Channel, ReportType, UpdateRole

#: Until staff sign in (the console issue), a key of the phone channel is a call handler's:
#: call handlers may add what a caller tells them to any report, whatever its channel.
CALL_HANDLER_CHANNEL = Channel.PHONE


class ForbiddenError(Exception):
    """The channel may not do this."""


def update_role(
    *,
    caller_channel: Channel,
    caller_key_id: str,
    report_channel: Channel,
    report_key_id: str | None,
    reporter_proven: bool,
) -> UpdateRole | None:
    """What allows this caller to add to this report, or None: no one else may.

    The reporter (holding the report's status token), the very channel and key that
    submitted it, or a call handler.
    """
    if reporter_proven:
        return UpdateRole.REPORTER
    if caller_channel is report_channel and caller_key_id == report_key_id:
        return UpdateRole.SUBMITTER
    if caller_channel is CALL_HANDLER_CHANNEL:
        return UpdateRole.CALL_HANDLER
    return None


@dataclass(frozen=True)
class ChannelAccess:
    """API keys of the channels, and the report types each channel may submit."""

    keys: ApiKeys
    allowed_types: dict[Channel, frozenset[ReportType]]

    def authorize(self, channel: Channel, report_type: ReportType, action: str = "submit") -> None:
        """ForbiddenError unless the channel handles reports of this type."""
        if report_type not in self.allowed_types.get(channel, frozenset()):
            raise ForbiddenError(
                f"the {channel.value} channel may not {action} {report_type.value} reports"
            )


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


@dataclass(frozen=True)
class StatusTokens:
    """Unguessable per-report tokens for the reporter's status page: an HMAC of the id.

    Nothing is stored: the same report always has the same token, so a repeated
    idempotent submission can hand it out again.
    """

    secret: bytes

    def token_for(self, report_id: uuid.UUID) -> str:
        return hmac.new(self.secret, report_id.bytes, hashlib.sha256).hexdigest()[:40]

    def matches(self, report_id: uuid.UUID, token: str | None) -> bool:
        if token is None:
            return False
        given = token.encode("utf-8", "replace")  # compare_digest refuses non-ASCII text
        return hmac.compare_digest(self.token_for(report_id).encode(), given)
