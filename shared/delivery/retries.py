"""Retrying what may pass (a busy provider, a dropped connection) with exponential backoff
and jitter, within a bound; only a TemporaryDeliveryError is tried again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from shared.delivery.errors import TemporaryDeliveryError

T = TypeVar("T")


class Retries:
    """How often, and how patiently, a channel tries before it gives up."""

    def __init__(self, attempts: int, backoff_max_s: float) -> None:
        self.attempts = attempts
        self.backoff_max_s = backoff_max_s

    async def run(self, attempt: Callable[[], Awaitable[T]]) -> T:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential_jitter(multiplier=0.2, max=self.backoff_max_s),
            retry=retry_if_exception_type(TemporaryDeliveryError),
            reraise=True,
        )
        async for try_ in retrying:
            with try_:
                return await attempt()
        raise AssertionError("unreachable: tenacity re-raises the last error")
