"""Try hard to break "every accepted report gets exactly one reply" (and "every step of a
possible emergency's alert is told and paged once"): a steady load through the whole
pipeline on the real servers while one fault is injected, then the ledger."""

from __future__ import annotations

import asyncio
import functools
import signal
import time

import pytest
from aiokafka import AIOKafkaProducer

from services.system import CONSUMES
from shared.failpoints import AFTER_STORE, BEFORE_COMMIT
from tests.faults.conftest import RESULTS
from tests.faults.harness import (
    Load,
    System,
    dead_letters,
    restart_server,
    rewind_groups,
    total_lag,
)
from tests.faults.ledger import LedgerReader
from tests.faults.rows import (
    RATE_PER_S,
    REPORTS,
    SETTLE_S,
    accepted_at_least,
    complete,
    lag_is_zero,
    result,
    run_with_fault,
)
from tests.integration.conftest import eventually

pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]

POISONED_TOPICS = sorted({topic for group in CONSUMES.values() for topic in group})
KILLED_SERVICES = [
    "intake",
    "classifier",
    "reference_issuer",
    "notifier",
    "sla_watchdog",
    "alerting",
]


@pytest.mark.parametrize("service", KILLED_SERVICES)
async def test_kill_9_a_service_twice_mid_stream(
    system: System, reader: LedgerReader, service: str
) -> None:
    async def kill_twice(load: Load) -> None:
        for target in (REPORTS // 3, REPORTS // 2):
            await eventually(functools.partial(accepted_at_least, load, target), deadline_s=120)
            await asyncio.to_thread(system.kill, service)
            await asyncio.to_thread(system.start, service)

    await run_with_fault(f"kill -9 {service} x2", system, reader, kill_twice)


@pytest.mark.parametrize("service", KILLED_SERVICES)
async def test_kill_9_a_service_in_its_two_windows(
    system: System, reader: LedgerReader, service: str
) -> None:
    """Killed after its Mongo write and before the publish, then after the publish and
    before the offset commit: the moments a crash is most likely to lose or repeat work."""

    async def die_in_each_window(_load: Load) -> None:
        await asyncio.to_thread(system.terminate, service)  # to restart it armed
        for window in (AFTER_STORE, BEFORE_COMMIT):
            await asyncio.to_thread(system.run_until_failpoint, service, window, 3)
        await asyncio.to_thread(system.start, service)

    # a slower load, so that there is work left for both windows after the restarts
    await run_with_fault(
        f"kill -9 {service} in both windows", system, reader, die_in_each_window, 10
    )


@pytest.mark.parametrize("server", ["kafka", "mongo"])
async def test_stop_and_start_a_server(system: System, reader: LedgerReader, server: str) -> None:
    async def restart(_load: Load) -> None:
        await asyncio.to_thread(restart_server, server)

    await run_with_fault(f"restart {server}", system, reader, restart)


async def test_sigterm_a_service_under_load(system: System, reader: LedgerReader) -> None:
    async def terminate(_load: Load) -> None:
        await asyncio.to_thread(system.terminate, "notifier")
        await asyncio.to_thread(system.start, "notifier")

    await run_with_fault("SIGTERM notifier", system, reader, terminate)


async def test_pause_a_service_past_its_session_timeout(
    system: System, reader: LedgerReader
) -> None:
    async def pause(load: Load) -> None:
        system.signal("reference_issuer", signal.SIGSTOP)
        paused_until = load.accepted.copy()
        await eventually(
            functools.partial(accepted_at_least, load, min(REPORTS, len(paused_until) + 40)),
            deadline_s=120,
        )
        system.signal("reference_issuer", signal.SIGCONT)

    await run_with_fault("SIGSTOP reference_issuer", system, reader, pause)


async def test_poison_in_every_input_topic_is_set_aside_and_the_rest_flows(
    system: System, reader: LedgerReader, producer_to_stack: AIOKafkaProducer
) -> None:
    poisoned_at_ms = int(time.time() * 1000)

    async def poison(_load: Load) -> None:
        for topic in POISONED_TOPICS:
            await producer_to_stack.send_and_wait(topic, b"{poison", key=b"poison")

    await run_with_fault("poison in every input topic", system, reader, poison)

    found = await dead_letters(poisoned_at_ms)
    for service, service_topics in CONSUMES.items():
        expected = set(service_topics) & set(POISONED_TOPICS)
        assert {topic for topic, _ in found[service]} == expected, service
        assert all(
            reason.startswith("PermanentError: not a JSON document") for _, reason in found[service]
        )


async def test_replaying_every_topic_from_offset_0_changes_nothing(
    system: System, reader: LedgerReader
) -> None:
    loads: list[Load] = []

    async def remember(load: Load) -> None:
        loads.append(load)

    started = time.time()
    await run_with_fault("none, then replay from offset 0", system, reader, remember)
    ours = set(loads[0].accepted.values())
    before = (await reader.read(started)).restricted_to(ours)
    system.stop()
    await rewind_groups()
    system.running = System(skip_backlog=False).running
    await eventually(lag_is_zero, deadline_s=SETTLE_S, what="the replay to be consumed")
    after = (await reader.read(started)).restricted_to(ours)

    assert len(before.references) == len(ours)
    assert after == before


WARNINGS_AND_BREACH = {"50%": 1, "75%": 1, "90%": 1, "breach": 1}
TWO_DAYS_S = str(2 * 24 * 3600)
TWO_DAYS_AND_AN_HOUR_S = str(2 * 24 * 3600 + 3600)


async def _caught_up(*groups: str) -> bool:
    return await total_lag(groups) == 0


async def _every_threshold_announced(
    reader: LedgerReader, report_ids: set[str], started: float
) -> bool:
    ledger = (await reader.read(started)).restricted_to(report_ids)
    return all(ledger.threshold_counts(r).keys() >= WARNINGS_AND_BREACH.keys() for r in report_ids)


async def test_watchdog_restarts_and_a_forward_clock_jump_announce_each_threshold_once(
    system: System,
    reader: LedgerReader,
) -> None:
    """With no references issued, so no acknowledgement can go out, the watchdog's clock
    jumps two days forward and every threshold of every clock falls due at once; the
    watchdog is killed while announcing them, restarted, killed again and restarted with
    its clock an hour further on. Each breach gets its one holding reply meanwhile."""
    started = time.time()
    await asyncio.to_thread(system.terminate, "reference_issuer")  # every clock stays open
    load = Load(system, REPORTS // 2, RATE_PER_S)
    await load.run()
    ours = set(load.accepted.values())
    await eventually(
        functools.partial(_caught_up, "classifier", "notifier", "sla_watchdog"),
        deadline_s=SETTLE_S,
        what="every clock started and graded",
    )

    await asyncio.to_thread(system.kill, "sla_watchdog")
    jumped = {"SLA_WATCHDOG_CLOCK_OFFSET_S": TWO_DAYS_S}
    await asyncio.to_thread(
        functools.partial(
            system.run_until_failpoint, "sla_watchdog", AFTER_STORE, len(ours) // 3, **jumped
        )
    )
    await asyncio.to_thread(functools.partial(system.start, "sla_watchdog", **jumped))
    await eventually(
        functools.partial(_every_threshold_announced, reader, ours, started),
        deadline_s=SETTLE_S,
        what="every warning and breach announced",
    )
    await asyncio.to_thread(system.kill, "sla_watchdog")
    further = {"SLA_WATCHDOG_CLOCK_OFFSET_S": TWO_DAYS_AND_AN_HOUR_S}
    await asyncio.to_thread(functools.partial(system.start, "sla_watchdog", **further))
    await asyncio.to_thread(system.start, "reference_issuer")
    fault_ended = time.monotonic()
    await eventually(
        functools.partial(complete, reader, load, started),
        deadline_s=SETTLE_S,
        what="every report's acknowledgement and SLA outcome",
    )
    await eventually(lag_is_zero, deadline_s=SETTLE_S, what="all consumer lag back to zero")

    ledger = (await reader.read(started)).restricted_to(ours)
    row = result(
        "watchdog kill -9 x2, clock +2 days",
        ledger,
        list(ours),
        load.emergencies,
        time.monotonic() - fault_ended,
    )
    row["duplicated"] += sum(1 for r in ours if ledger.threshold_counts(r) != WARNINGS_AND_BREACH)
    RESULTS.append(row)
    assert ledger.problems(list(ours), load.emergencies) == []
    assert {r: ledger.threshold_counts(r) for r in ours} == {r: WARNINGS_AND_BREACH for r in ours}
    assert ledger.holding_emails == {r: 1 for r in ours}
