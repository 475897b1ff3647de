"""The whole system as processes, on the test stack, for end-to-end tests."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Servers

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))

import run as system
import stack

from tests.faults.harness import move_groups

#: The services' ports in tests: the `make run` ports plus this, so both can run at once.
PORT_OFFSET = 10_000


@pytest.fixture(scope="module")
def running_system(servers: Servers) -> Iterator[dict[str, int]]:
    """Start the six services on the test stack; yields each service's HTTP port."""
    if servers.mail_dir is None:
        pytest.fail("end-to-end tests need the local test stack that `make test` starts")
    asyncio.run(move_groups(to_end=True))  # earlier tests' messages are not ours to process
    running = system.start_services(
        stack.STACKS["test"],
        port_offset=PORT_OFFSET,
        # Contract tests send many requests, all from 127.0.0.1, some with keys they make up.
        settings={
            "INTAKE_RATE_LIMIT_BURST": "100000",
            "INTAKE_ADDRESS_RATE_LIMIT_BURST": "100000",
        },
    )
    try:
        yield {item.service.name: item.port for item in running}
    finally:
        system.stop_services(running)


#: The local-only web channel key that `deploy/local/run.py` configures.
WEB_KEY = {"Authorization": "Bearer local-web-key"}
#: The local-only staff key of the alerting service's operations API (`deploy/local/run.py`).
STAFF_KEY = {"Authorization": "Bearer local-staff-key"}
#: The local-only token Notify's delivery receipts carry (`deploy/local/stack.py`).
RECEIPT_TOKEN = {"Authorization": f"Bearer {stack.RECEIPT_TOKEN}"}
