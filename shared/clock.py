"""Time as a dependency, so deadline logic can be tested with a frozen or jumping clock."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Tells the current time, always timezone-aware UTC."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock, optionally shifted (a drill of a clock that jumped)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self._offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


async def pause(seconds: float, stopping: asyncio.Event) -> None:
    """Wait `seconds` between rounds of a background job, or less if `stopping` is set."""
    with suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
