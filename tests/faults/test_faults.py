"""Try hard to break "every accepted report gets exactly one reply": a steady load through
the whole pipeline on the real servers while one fault is injected, then the ledger."""

from __future__ import annotations

import asyncio
import functools
import signal
import time
from collections.abc import Awaitable, Callable

import pytest
from aiokafka import AIOKafkaProducer

from tests.faults.conftest import RESULTS
from tests.faults.harness import (
    GROUP_TOPICS,
    Load,
    System,
    dead_letters,
    read_ledger,
    restart_server,
    rewind_groups,
    total_lag,
)
from tests.integration.conftest import eventually

pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]

POISONED_TOPICS = sorted({topic for group in GROUP_TOPICS.values() for topic in group})
REPORTS = 120
RATE_PER_S = 20.0
SETTLE_S = 240.0


async def _accepted_at_least(load: Load, count: int) -> bool:
    return len(load.accepted) >= count


async def _lag_is_zero() -> bool:
    return await total_lag() == 0


async def _complete(load: Load, started: float) -> bool:
    ledger = await read_ledger(started)
    return ledger.complete(list(load.accepted.values()))


async def _run_with_fault(
    name: str, system: System, fault: Callable[[Load], Awaitable[None]]
) -> None:
    """Run the load, inject the fault a third of the way in, check the ledger."""
    started = time.time()
    load = Load(system, REPORTS, RATE_PER_S)
    load_task = asyncio.create_task(load.run())
    await eventually(functools.partial(_accepted_at_least, load, REPORTS // 3), deadline_s=60)
    await fault(load)
    fault_ended = time.monotonic()
    await load_task
    await eventually(
        functools.partial(_complete, load, started),
        deadline_s=SETTLE_S,
        what="every accepted report's reply and SLA outcome",
    )
    await eventually(_lag_is_zero, deadline_s=SETTLE_S, what="all consumer lag back to zero")
    recovery = time.monotonic() - fault_ended
    ledger = await read_ledger(started)
    problems = ledger.problems(list(load.accepted.values()))
    RESULTS.append(
        {
            "fault": name,
            "reports": len(load.accepted),
            "lost": 0 if not problems else len(problems),
            "duplicated": sum(1 for p in problems if "= (1, 1, 1, 1)" not in p),
            "recovery_s": recovery,
        }
    )
    assert len(load.accepted) == REPORTS
    assert problems == []


@pytest.mark.parametrize(
    "service", ["intake", "classifier", "reference_issuer", "notifier", "sla_watchdog"]
)
async def test_kill_9_a_service_twice_mid_stream(system: System, service: str) -> None:
    async def kill_twice(load: Load) -> None:
        for target in (REPORTS // 3, REPORTS // 2):
            await eventually(functools.partial(_accepted_at_least, load, target), deadline_s=120)
            await asyncio.to_thread(system.kill, service)
            await asyncio.to_thread(system.start, service)

    await _run_with_fault(f"kill -9 {service} x2", system, kill_twice)


@pytest.mark.parametrize("server", ["kafka", "mongo"])
async def test_stop_and_start_a_server(system: System, server: str) -> None:
    async def restart(_load: Load) -> None:
        await asyncio.to_thread(restart_server, server)

    await _run_with_fault(f"restart {server}", system, restart)


async def test_sigterm_a_service_under_load(system: System) -> None:
    async def terminate(_load: Load) -> None:
        await asyncio.to_thread(system.terminate, "notifier")
        await asyncio.to_thread(system.start, "notifier")

    await _run_with_fault("SIGTERM notifier", system, terminate)


async def test_pause_a_service_past_its_session_timeout(system: System) -> None:
    async def pause(load: Load) -> None:
        system.signal("reference_issuer", signal.SIGSTOP)
        paused_until = load.accepted.copy()
        await eventually(
            functools.partial(_accepted_at_least, load, min(REPORTS, len(paused_until) + 40)),
            deadline_s=120,
        )
        system.signal("reference_issuer", signal.SIGCONT)

    await _run_with_fault("SIGSTOP reference_issuer", system, pause)


async def test_poison_in_every_input_topic_is_set_aside_and_the_rest_flows(
    system: System, producer_to_stack: AIOKafkaProducer
) -> None:
    poisoned_at_ms = int(time.time() * 1000)

    async def poison(_load: Load) -> None:
        for topic in POISONED_TOPICS:
            await producer_to_stack.send_and_wait(topic, b"{poison", key=b"poison")

    await _run_with_fault("poison in every input topic", system, poison)

    found = await dead_letters(poisoned_at_ms)
    for service, service_topics in GROUP_TOPICS.items():
        expected = set(service_topics) & set(POISONED_TOPICS)
        assert {topic for topic, _ in found[service]} == expected, service
        assert all(reason.startswith("invalid event") for _, reason in found[service])


async def test_replaying_every_topic_from_offset_0_changes_nothing(system: System) -> None:
    loads: list[Load] = []

    async def remember(load: Load) -> None:
        loads.append(load)

    started = time.time()
    await _run_with_fault("none, then replay from offset 0", system, remember)
    ours = set(loads[0].accepted.values())
    before = (await read_ledger(started)).restricted_to(ours)
    system.stop()
    await rewind_groups()
    system.running = System(skip_backlog=False).running
    await eventually(_lag_is_zero, deadline_s=SETTLE_S, what="the replay to be consumed")
    after = (await read_ledger(started)).restricted_to(ours)

    assert len(before.references) == len(ours)
    assert after == before
