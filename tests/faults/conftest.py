"""Fault-suite fixtures: the system as processes, and a summary table of recoveries."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from tests.conftest import Servers
from tests.faults.harness import System
from tests.faults.ledger import LedgerReader

RESULTS: list[dict[str, Any]] = []


@pytest.fixture
async def producer_to_stack(servers: Servers) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(**servers.kafka_options(), acks="all")
    await producer.start()
    yield producer
    await producer.stop()


@pytest.fixture
async def reader() -> AsyncIterator[LedgerReader]:
    ledger_reader = LedgerReader()
    yield ledger_reader
    await ledger_reader.close()


@pytest.fixture
def system(servers: Servers) -> Iterator[System]:
    if servers.mail_dir is None:
        pytest.fail("the fault suite needs the local test stack that `make test` starts")
    running = System()
    try:
        yield running
    finally:
        running.stop()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not RESULTS:
        return
    terminalreporter.write_sep("=", "fault suite: recoveries")
    terminalreporter.write_line(
        f"{'fault':<42} {'reports':>7} {'lost':>4} {'duplicated':>10} {'recovery (s)':>12}"
        f" {'alerts':>6} {'steps':>5} {'pages':>5} {'repeats':>7}"
    )
    for row in RESULTS:
        terminalreporter.write_line(
            f"{row['fault']:<42} {row['reports']:>7} {row['lost']:>4} "
            f"{row['duplicated']:>10} {row['recovery_s']:>12.1f}"
            f" {row['alerts']:>6} {row['steps']:>5} {row['pages']:>5} {row['repeats']:>7}"
        )
    _staff_summary(terminalreporter)


def _staff_summary(terminalreporter: Any) -> None:
    """The rows with staff actions: what the operator did (and how many actions were sent
    again with the same key), and what became of it."""
    rows = [row for row in RESULTS if "actions" in row]
    if not rows:
        return
    terminalreporter.write_sep("=", "fault suite: staff actions")
    terminalreporter.write_line(
        f"{'fault':<42} {'actions':>7} {'events':>6} {'replies':>7} {'lost':>4}"
        f" {'duplicated':>10} {'retried':>7}"
    )
    for row in rows:
        terminalreporter.write_line(
            f"{row['fault']:<42} {row['actions']:>7} {row['events']:>6} {row['replies']:>7}"
            f" {row['staff_lost']:>4} {row['staff_duplicated']:>10} {row['retried']:>7}"
        )
