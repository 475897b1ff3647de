"""The ticker: a named periodic job, run in the app's lifespan, with the injected clock."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter

import structlog
from prometheus_client import Gauge

from services.sla_watchdog.handlers import Watchdog
from services.sla_watchdog.ports import MAX_ROWS, ClockRows
from shared.clock import Clock, pause
from shared.outbox import published_after

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
            for report_id in watchdog.due():
                await _check(watchdog, report_id)
        except Exception as error:  # noqa: BLE001 - the ticker must outlive any one failure
            log.warning("tick_failed", error=type(error).__name__)
        await pause(tick_interval_s, stopping)


async def _check(watchdog: Watchdog, report_id: uuid.UUID) -> None:
    """Check one clock, publishing its announcements as soon as it is checked; a clock
    whose check fails is checked again at the next tick, not left for the resync."""
    try:
        async with published_after():
            await watchdog.check(report_id)
    except Exception as error:  # noqa: BLE001 - one clock's failure must not stop the others
        watchdog.check_again(report_id)
        log.warning("clock_check_failed", report_id=str(report_id), error=type(error).__name__)


async def run_clock_gauges(
    clocks: ClockRows, gauge: Gauge, clock: Clock, interval_s: float, stopping: asyncio.Event
) -> None:
    """Keep `frontdesk_open_clocks{state}` current: a scan every `interval_s`, never per tick."""
    while not stopping.is_set():
        try:
            rows = await clocks.rows({"state": "running"}, MAX_ROWS * 100)
            now = clock.now()
            counts = Counter(row.state(now) for row in rows)
            for state in ("running", "at_risk", "breached"):
                gauge.labels(state=state).set(counts.get(state, 0))
        except Exception as error:  # noqa: BLE001 - the gauges must outlive any one failure
            log.warning("clock_gauges_failed", error=type(error).__name__)
        await pause(interval_s, stopping)
