"""The ticker: a named periodic job, run in the app's lifespan, with the injected clock."""

from __future__ import annotations

import asyncio
import time

import structlog

from services.sla_watchdog.handlers import Watchdog

log = structlog.get_logger(__name__)


async def run_ticker(
    watchdog: Watchdog, tick_interval_s: float, resync_interval_s: float, stopping: asyncio.Event
) -> None:
    """Announce passed thresholds every `tick_interval_s`; put every running clock back on
    the agenda at start and every `resync_interval_s`, for clocks another instance started."""
    next_resync = 0.0
    while not stopping.is_set():
        try:
            if time.monotonic() >= next_resync:
                await watchdog.resync()
                next_resync = time.monotonic() + resync_interval_s
            await watchdog.tick()
        except Exception as error:  # noqa: BLE001 - the ticker must outlive any one failure
            log.warning("tick_failed", error=type(error).__name__)
        try:
            await asyncio.wait_for(stopping.wait(), timeout=tick_interval_s)
        except TimeoutError:
            continue
