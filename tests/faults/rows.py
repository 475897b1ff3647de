"""How one row of the fault suite runs: the load (and, in the staff rows, an operator working
on its reports) while one fault is injected, then the wait for every effect and the ledger,
and the row's figures for the suite's summary."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable
from typing import Any

from tests.faults.conftest import RESULTS
from tests.faults.harness import EMERGENCY_EVERY, Load, System, total_lag
from tests.faults.ledger import Ledger, LedgerReader
from tests.faults.staff import StaffDriver
from tests.integration.conftest import eventually

REPORTS = 120
RATE_PER_S = 20.0
SETTLE_S = 240.0


async def accepted_at_least(load: Load, count: int) -> bool:
    return len(load.accepted) >= count


async def lag_is_zero() -> bool:
    return await total_lag() == 0


async def complete(
    reader: LedgerReader, load: Load, started: float, staff: StaffDriver | None = None
) -> bool:
    ledger = await reader.read(started)
    done = ledger.complete(list(load.accepted.values()), load.emergencies)
    return done and (staff is None or ledger.staff.complete(staff.answered))


async def run_with_fault(
    name: str,
    system: System,
    reader: LedgerReader,
    fault: Callable[[Load], Awaitable[None]],
    rate_per_s: float = RATE_PER_S,
    staff: StaffDriver | None = None,
) -> None:
    """Run the load (and the staff driver, if any), inject the fault a third of the way
    into the load, check the ledger."""
    started = time.time()
    load = Load(system, REPORTS, rate_per_s)
    fault_ended = await _load_through(load, fault, staff)
    await eventually(
        functools.partial(complete, reader, load, started, staff),
        deadline_s=SETTLE_S,
        what="every accepted report's reply and SLA outcome (and every staff message)",
    )
    await eventually(lag_is_zero, deadline_s=SETTLE_S, what="all consumer lag back to zero")
    recovery = time.monotonic() - fault_ended
    ledger = await reader.read(started)
    ours = list(load.accepted.values())
    problems = ledger.problems(ours, load.emergencies)
    row = result(name, ledger, ours, load.emergencies, recovery)
    if staff is not None:
        problems += ledger.staff.problems(staff.answered)
        row |= ledger.staff.totals(staff.answered) | {"retried": len(staff.retried)}
    RESULTS.append(row)
    assert len(load.accepted) == REPORTS
    assert len(load.emergencies) == REPORTS // EMERGENCY_EVERY
    assert problems == []


async def _load_through(
    load: Load, fault: Callable[[Load], Awaitable[None]], staff: StaffDriver | None
) -> float:
    """The load (and the operator's work) with the fault a third of the way in; when the
    fault ended. Whatever is left running when something fails is cancelled."""
    load_task = asyncio.create_task(load.run())
    staff_task = asyncio.create_task(staff.follow(load, load_task)) if staff else None
    try:
        await eventually(functools.partial(accepted_at_least, load, REPORTS // 3), deadline_s=60)
        await fault(load)
        fault_ended = time.monotonic()
        await load_task
        if staff_task is not None:
            await staff_task
    finally:
        for task in (load_task, staff_task):
            if task is not None and not task.done():
                task.cancel()
    return fault_ended


def result(
    name: str, ledger: Ledger, ours: list[str], emergencies: set[str], recovery_s: float
) -> dict[str, Any]:
    """One row of the suite's summary: reports, then their alerts, steps and pages."""
    lost, duplicated = ledger.lost_and_duplicated(ours, emergencies)
    return {
        "fault": name,
        "reports": len(ours),
        "lost": lost,
        "duplicated": duplicated,
        "recovery_s": recovery_s,
        **ledger.alerts.totals(emergencies),
    }
