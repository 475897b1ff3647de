"""The fault suite's machinery: the system as processes, a steady load, and the time until
every consumer group has caught up again (the ledger of what happened is in `ledger`)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from services import system
from shared import topics
from shared.settings import KafkaSettings
from tests import factories

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))

import run as system_runner
import stack as stacks

STACK = stacks.STACKS["test"]


def kafka_options() -> dict[str, object]:
    """The test stack's Kafka as its operator (a super user), from `stack.py exec`'s env."""
    return KafkaSettings(bootstrap_servers=f"127.0.0.1:{STACK.kafka_port}").client_options()


PORT_OFFSET = 10_000
WEB_KEY = {"Authorization": "Bearer local-web-key"}
FAILPOINT_DEADLINE_S = 120
SETTINGS = {
    "INTAKE_RATE_LIMIT_BURST": "100000",
    "INTAKE_ADDRESS_RATE_LIMIT_BURST": "100000",
    # A send claimed by a notifier killed mid-send is taken over when its lease runs out:
    # shorter sends (fewer, quicker attempts) allow a shorter lease, so recovery is quicker.
    "NOTIFIER_CLAIM_LEASE_S": "20",
    "NOTIFIER_SEND_ATTEMPTS": "2",
    "SMTP_TIMEOUT_S": "5",
    # Possible emergencies climb a 3-step ladder every 3 s (the suite's own policy); a page
    # claimed by an alerting service killed mid-send is taken over when its lease runs out.
    "ALERTING_POLICY_FILE": str(Path(__file__).with_name("alerts.toml")),
    "ALERTING_PAGE_LEASE_S": "30",  # above 2 tries x (Notify's 10 s timeout + 2 s backoff)
    "ALERTING_PAGE_ATTEMPTS": "2",
    "ALERTING_PAGE_BACKOFF_MAX_S": "2",
    "ALERTING_WEBHOOK_TIMEOUT_S": "5",
}
#: One report in this many of a load may be an emergency (the classifier's immediate danger).
EMERGENCY_EVERY = 4
EMERGENCY_DESCRIPTION = "Someone is trying to break in through my back door right now."


class System:
    """The services (the console among them) as processes on the test stack, which faults
    may kill."""

    def __init__(self, skip_backlog: bool = True) -> None:
        if skip_backlog:  # earlier tests' messages are not this test's load
            asyncio.run(move_groups(to_end=True))
        self.running = {
            item.service.name: item
            for item in system_runner.start_services(STACK, PORT_OFFSET, SETTINGS)
        }

    def signal(self, name: str, signum: signal.Signals) -> None:
        os.kill(self.running[name].process.pid, signum)

    def kill(self, name: str) -> None:
        self.signal(name, signal.SIGKILL)
        self.running[name].process.wait(timeout=30)

    def terminate(self, name: str) -> None:
        self.signal(name, signal.SIGTERM)
        self.running[name].process.wait(timeout=60)

    def start(self, name: str, **settings: str) -> None:
        self.running[name] = system_runner.start_service(
            STACK, name, PORT_OFFSET, SETTINGS | settings
        )

    def run_until_failpoint(self, name: str, failpoint: str, passage: int, **settings: str) -> None:
        """Start a service armed to kill itself (SIGKILL) at a fail point, and wait for it."""
        armed = SETTINGS | settings | {"FRONTDESK_FAILPOINTS": f"{failpoint}={passage}"}
        running = system_runner.launch_service(STACK, name, PORT_OFFSET, armed)
        self.running[name] = running
        try:
            code = running.process.wait(timeout=FAILPOINT_DEADLINE_S)
        except subprocess.TimeoutExpired:
            running.process.kill()
            running.process.wait()
            raise AssertionError(
                f"{name} did not reach {failpoint} {passage} times in {FAILPOINT_DEADLINE_S} s"
            ) from None
        assert code == -signal.SIGKILL, f"{name} exited with {code}, not at {failpoint}"

    def stop(self) -> None:
        system_runner.stop_services(list(self.running.values()))

    @property
    def intake_url(self) -> str:
        return f"http://127.0.0.1:{self.running['intake'].port}"


@dataclass
class Load:
    """A steady stream of reports, each retried with its Idempotency-Key until accepted;
    every `EMERGENCY_EVERY`th may be an emergency, which raises an alert."""

    system: System
    reports: int
    rate_per_s: float
    accepted: dict[str, str] = field(default_factory=dict)  # idempotency key -> report id
    emergencies: set[str] = field(default_factory=set)  # report ids
    refused: int = 0

    async def run(self) -> None:
        async with httpx.AsyncClient(timeout=10) as client:
            tasks = []
            for number in range(self.reports):
                key, emergency = f"fault-{uuid.uuid4()}", number % EMERGENCY_EVERY == 0
                tasks.append(asyncio.create_task(self._submit(client, key, emergency)))
                await asyncio.sleep(1 / self.rate_per_s)  # the load's own pace, not a wait
            await asyncio.gather(*tasks)

    async def _submit(self, client: httpx.AsyncClient, key: str, emergency: bool) -> None:
        deadline = time.monotonic() + 180
        text = {"description": EMERGENCY_DESCRIPTION} if emergency else {}
        body = factories.submission_body(**text)
        while time.monotonic() < deadline:
            try:
                answer = await client.post(
                    f"{self.system.intake_url}/v1/reports",
                    json=body,
                    headers=WEB_KEY | {"Idempotency-Key": key},
                )
                if answer.status_code == 202:
                    self.accepted[key] = answer.json()["report_id"]
                    if emergency:
                        self.emergencies.add(self.accepted[key])
                    return
            except httpx.HTTPError:
                pass  # intake is down or restarting: try again with the same key
            self.refused += 1
            await asyncio.sleep(0.5)


async def _partitions(consumer: AIOKafkaConsumer) -> list[TopicPartition]:
    await consumer.getmany(timeout_ms=1000)
    return list(consumer.assignment())


async def positions_reached(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for partition, end in ends.items():
        if await consumer.position(partition) < end:
            return False
    return True


async def total_lag(groups: Iterable[str] = system.CONSUMES) -> int:
    """Messages not yet committed by these service groups (all by default), over their
    input topics."""
    admin = AIOKafkaAdminClient(**kafka_options())
    consumer = AIOKafkaConsumer(**kafka_options())
    await admin.start()
    await consumer.start()
    try:
        lag = 0
        for group in groups:
            group_topics = system.CONSUMES[group]
            committed = await admin.list_consumer_group_offsets(group)
            partitions = [
                TopicPartition(topic, number)
                for topic in group_topics
                for number in await topic_partitions(consumer, topic)
            ]
            ends = await consumer.end_offsets(partitions)
            for tp, end in ends.items():
                meta = committed.get(tp)
                lag += end - (meta.offset if meta is not None and meta.offset >= 0 else 0)
        return lag
    finally:
        await consumer.stop()
        await admin.close()


async def topic_partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    known = consumer.partitions_for_topic(topic)
    if not known:
        await consumer._client.force_metadata_update()
        known = consumer.partitions_for_topic(topic)
    return set(known or ())


def restart_server(server: str) -> None:
    """Stop one of the test stack's servers and start it again (its data survives)."""
    stacks.stop_server(STACK, server)
    stacks.start_server(STACK, server)


async def rewind_groups() -> None:
    """Move every service group back to offset 0 of its input topics (services stopped)."""
    await move_groups(to_end=False)


async def move_groups(*, to_end: bool) -> None:
    """Commit every service group's offsets at the start or the end of its input topics,
    while the services are stopped: a replay, or a start without other tests' backlog."""
    for group, group_topics in system.CONSUMES.items():
        consumer = AIOKafkaConsumer(
            **kafka_options(),
            group_id=group,
            enable_auto_commit=False,
        )
        await consumer.start()
        try:
            partitions = [
                TopicPartition(topic, number)
                for topic in group_topics
                for number in await topic_partitions(consumer, topic)
            ]
            if not partitions:
                continue  # the topics do not exist yet: no backlog to skip or replay
            consumer.assign(partitions)
            ends = await consumer.end_offsets(partitions) if to_end else {}
            await consumer.commit({partition: ends.get(partition, 0) for partition in partitions})
        finally:
            await consumer.stop()


async def dead_letters(since_ms: int) -> dict[str, list[tuple[str, str]]]:
    """Per service, the (original topic, reason) of each dead letter written since then."""
    dlq_topics = [topics.dead_letter_topic(service) for service in system.CONSUMES]
    consumer = AIOKafkaConsumer(
        *dlq_topics,
        **kafka_options(),
        group_id=f"dlq-reader-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    await consumer.start()
    try:
        partitions = list(consumer.assignment()) or await _partitions(consumer)
        ends = await consumer.end_offsets(partitions)
        while not await positions_reached(consumer, ends):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    if record.timestamp >= since_ms:
                        headers = {k: v.decode() for k, v in record.headers}
                        found[headers["dlq_service"]].append(
                            (headers["dlq_topic"], headers["dlq_reason"])
                        )
    finally:
        await consumer.stop()
    return found
