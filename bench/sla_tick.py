"""The SLA watchdog's tick cost with 1,000, 10,000 and 100,000 open clocks.

Each run opens N clocks whose thresholds lie hours ahead, then, 15 times, opens 10 grade-1
clocks, moves the clock 16 minutes on and times the tick that announces their 40 thresholds
(median of the 15). Stores are in memory (the test fakes of our own ports), so what is measured is
the watchdog's own work: the agenda and the handling of what is due. Quoted as ratios to
the 1,000-clock run, measured in the same process.

    python -m bench.sla_tick
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
from datetime import timedelta

import structlog

from services.sla_watchdog.handlers import Watchdog
from services.sla_watchdog.policy import Policy
from tests import factories
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.fakes.sla_watchdog import FakeClocks

DUE_PER_TICK = 10
TICKS = 15


async def _open_clocks(watchdog: Watchdog, count: int) -> None:
    for _ in range(count):
        await watchdog.start_clock(factories.report_submitted())  # 24 h target


async def _tick_cost(open_clocks: int) -> float:
    clock = FrozenClock(NOW)
    watchdog = Watchdog(FakeClocks(), Policy(), clock)
    await _open_clocks(watchdog, open_clocks)
    costs = []
    for tick in range(TICKS):
        for _ in range(DUE_PER_TICK):  # grade 1: all four thresholds within 15 minutes
            report = factories.report_submitted(received_at=clock.now())
            await watchdog.retarget_clock(factories.report_classified(report, grade=1))
            await watchdog.start_clock(report)
        clock.advance(timedelta(minutes=16))
        begin = time.perf_counter()
        handled = await watchdog.tick()
        costs.append(time.perf_counter() - begin)
        assert handled == DUE_PER_TICK, (tick, handled)
    return statistics.median(costs)


async def tick_costs() -> dict[int, float]:
    """Median seconds per tick, by number of open clocks."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    return {n: await _tick_cost(n) for n in (1_000, 10_000, 100_000)}


async def main() -> None:
    results = await tick_costs()
    baseline = results[1_000]
    print(f"{'open clocks':>12} {'tick (ms)':>10} {'ratio to 1,000':>15}")
    for count, cost in results.items():
        print(f"{count:>12,} {cost * 1000:>10.3f} {cost / baseline:>15.2f}")


if __name__ == "__main__":
    asyncio.run(main())
