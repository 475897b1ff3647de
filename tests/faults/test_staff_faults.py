"""Staff actions under kill -9: while reports flow, an operator claims each, replies from a
standard text and closes it with an outcome message, retrying with the same Idempotency-Key
whatever the console did not answer; the console (or the notifier) is killed twice mid-way.
Then each action's event is on Kafka once, each message sent and emailed once, and the
reports' own ledger holds as in every row."""

from __future__ import annotations

import asyncio
import functools

import pytest

from tests.conftest import Servers, demo_access_token
from tests.faults.harness import EMERGENCY_EVERY, Load, System
from tests.faults.ledger import LedgerReader
from tests.faults.rows import REPORTS, run_with_fault
from tests.faults.staff import ACTION_EVENTS, OPERATOR, BearerToken, StaffDriver
from tests.integration.conftest import eventually

pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]

#: Every report but the possible emergencies gets every action.
ACTIONS = len(ACTION_EVENTS) * (REPORTS - REPORTS // EMERGENCY_EVERY)


async def _answered_at_least(staff: StaffDriver, count: int) -> bool:
    return staff.actions() >= count


@pytest.mark.parametrize("service", ["console", "notifier"])
async def test_staff_actions_while_kill_9_a_service_twice(
    system: System, reader: LedgerReader, servers: Servers, service: str
) -> None:
    staff = StaffDriver(
        system, BearerToken(functools.partial(demo_access_token, servers, OPERATOR))
    )

    async def kill_twice_mid_way(_load: Load) -> None:
        for target in (ACTIONS // 4, ACTIONS // 2):
            await eventually(functools.partial(_answered_at_least, staff, target), deadline_s=120)
            await asyncio.to_thread(system.kill, service)
            await asyncio.to_thread(system.start, service)

    await run_with_fault(
        f"staff actions, kill -9 {service} x2", system, reader, kill_twice_mid_way, staff=staff
    )

    assert staff.actions() == ACTIONS
