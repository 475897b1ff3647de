"""Who gets into intake's API, and how often: per client address, per failed key, per key.

Every request spends a token of its client address, so one address cannot starve the others
that share a channel key; a key that fails to authenticate spends a token of a much slower
bucket of that address, so guessing keys stops at 429; an authenticated request spends a
token of its key too, the ceiling of the whole channel.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.api_keys import ApiKeys, Caller, UnauthenticatedError
from shared.rate_limits import RateLimiter


class TooManyRequestsError(Exception):
    """Over a rate limit: try again in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many requests; retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Admission:
    """The rate limits and keys a request passes before its body is read."""

    keys: ApiKeys
    per_address: RateLimiter
    failed_keys: RateLimiter
    per_key: RateLimiter

    def admit(self, address: str, now: float) -> None:
        """Any request, with or without a key: TooManyRequestsError past its address's limit."""
        _spend(self.per_address, address, now)

    def authenticate(self, address: str, authorization: str | None, now: float) -> Caller:
        """The caller of a valid key; UnauthenticatedError, or TooManyRequestsError once
        the address failed too often (checked first, so a valid key is no way round it)."""
        self.admit(address, now)
        if (wait := self.failed_keys.waiting(address, now)) is not None:
            raise TooManyRequestsError(wait)
        try:
            caller = self.keys.authenticate(authorization)
        except UnauthenticatedError:
            self.failed_keys.retry_after(address, now)
            raise
        _spend(self.per_key, caller.key_id, now)
        return caller


def _spend(limiter: RateLimiter, key: str, now: float) -> None:
    if (wait := limiter.retry_after(key, now)) is not None:
        raise TooManyRequestsError(wait)
