"""The open-clock gauges, kept current by a periodic scan (the ticker itself is
`shared.ticker`, which the watchdog's use cases drive as its `Agenda`)."""

from __future__ import annotations

import asyncio
from collections import Counter

import structlog
from prometheus_client import Gauge

from services.sla_watchdog.ports import Clocks
from shared.clock import Clock, pause

log = structlog.get_logger(__name__)

#: The most running clocks one scan counts.
SCAN_LIMIT = 500_000


async def run_clock_gauges(
    clocks: Clocks, gauge: Gauge, clock: Clock, interval_s: float, stopping: asyncio.Event
) -> None:
    """Keep `frontdesk_open_clocks{state}` current: a scan every `interval_s`, never per tick."""
    while not stopping.is_set():
        try:
            running = await clocks.open_clocks(SCAN_LIMIT)
            now = clock.now()
            counts = Counter(sla_clock.standing(now) for sla_clock in running)
            for state in ("running", "at_risk", "breached"):
                gauge.labels(state=state).set(counts.get(state, 0))
        except Exception as error:  # noqa: BLE001 - the gauges must outlive any one failure
            log.warning("clock_gauges_failed", error=type(error).__name__)
        await pause(interval_s, stopping)
