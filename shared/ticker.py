"""The ticker: a periodic job, run in an app's lifespan, that checks what its agenda says is
due (SLA clocks whose threshold passed, alerts whose next step is due), with the injected
clock. Both the SLA watchdog and the alerting service run it; `shared.schedule` is the
agenda they keep."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Protocol

import structlog

from shared.clock import pause
from shared.outbox import published_after

log = structlog.get_logger(__name__)


class Agenda(Protocol):
    """What a ticker drives: things due by now, checked one by one."""

    def due(self) -> list[uuid.UUID]:
        """What is due now; it leaves the agenda (`check` plans it again if needed)."""

    async def check(self, key: uuid.UUID) -> None:
        """Act on one due item, once, and plan its next check."""

    def check_again(self, key: uuid.UUID) -> None:
        """Put an item whose check failed back on the agenda, due at once."""

    async def resync(self) -> None:
        """Fill the agenda from the store (at start, and for items another instance took)."""


async def run_ticker(
    agenda: Agenda, tick_interval_s: float, resync_interval_s: float, stopping: asyncio.Event
) -> None:
    """Check what is due every `tick_interval_s`; resync at start and every
    `resync_interval_s`."""
    next_resync = 0.0
    while not stopping.is_set():
        try:
            if time.monotonic() >= next_resync:
                await agenda.resync()
                next_resync = time.monotonic() + resync_interval_s
            for key in agenda.due():
                await _check(agenda, key)
        except Exception as error:  # noqa: BLE001 - the ticker must outlive any one failure
            log.warning("tick_failed", error=type(error).__name__)
        await pause(tick_interval_s, stopping)


async def _check(agenda: Agenda, key: uuid.UUID) -> None:
    """Check one item, publishing what it stored as soon as it is checked; an item whose
    check fails is checked again at the next tick, not left for the resync."""
    try:
        async with published_after():
            await agenda.check(key)
    except Exception as error:  # noqa: BLE001 - one item's failure must not stop the others
        agenda.check_again(key)
        log.warning("check_failed", key=str(key), error=type(error).__name__)
