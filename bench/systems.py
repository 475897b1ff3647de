"""The three systems the benchmark compares, each able to start, take a report, and stop.

- `Chain`: the ceiling, raw aiokafka stages (`bench.chain`), with or without Mongo;
- `Pipeline`: the five services as processes, reports submitted over HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx
from aiokafka import AIOKafkaProducer, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from bench import chain
from bench.measure import Matcher
from services import system
from shared import topics
from shared.settings import KafkaSettings
from shared.topics import DEFAULT_PARTITIONS
from tests import factories

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "deploy" / "local"))

import run as system_runner
import stack as stacks

STACK = stacks.STACKS["bench"]
BOOTSTRAP = f"127.0.0.1:{STACK.kafka_port}"
MONGO_URI = f"mongodb://127.0.0.1:{STACK.mongo_port}"
PORT_OFFSET = 20_000
SERVERS = ("kafka", "mongo", "smtp", "notify")
WEB_KEY = {"Authorization": "Bearer local-web-key"}
READY_DEADLINE_S = 60.0
ACCEPTED = 202
SUBMIT_DEADLINE_S = 60.0


class System(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def submitted_topic(self) -> str: ...

    @property
    def reply_topic(self) -> str: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, number: int) -> str: ...

    def matchers(self) -> dict[str, Matcher]: ...

    def pids(self) -> dict[str, int]: ...

    def groups(self) -> dict[str, list[str]]:
        """Each consumer group of the system, and the topics it consumes."""

    async def mongo_commands(self) -> dict[str, float]:
        """Data commands each process has sent to Mongo so far (empty where not counted)."""


def start_stack() -> None:
    """The bench stack, from empty data (so no earlier run's topics or groups)."""
    stacks.stop(STACK)
    stacks.wipe(STACK)
    stacks.start(STACK)
    # This process, and the chain stages it starts, talk to Kafka as the stack's operator.
    os.environ.update(STACK.environment())


def stop_stack() -> None:
    stacks.stop(STACK)


def server_pids() -> dict[str, int]:
    """The bench stack's servers (Kafka, Mongo-wire, SMTP sink, Notify stand-in)."""
    return {
        server: int(STACK.pid_file(server).read_text())
        for server in SERVERS
        if STACK.pid_file(server).exists()
    }


def _key(record: ConsumerRecord[bytes, bytes]) -> str | None:
    return record.key.decode() if record.key else None


@dataclass
class Chain:
    """The raw relay chain: the same hops as the pipeline, nothing else."""

    name: str
    prefix: str
    with_mongo: bool
    processes: dict[str, subprocess.Popen[str]] = field(default_factory=dict)
    producer: AIOKafkaProducer | None = None
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    sequence: Iterator[int] = field(default_factory=itertools.count)
    payload: bytes = field(
        default_factory=lambda: factories.report_submitted().model_dump_json().encode()
    )

    @property
    def submitted_topic(self) -> str:
        return chain.topic(self.prefix, chain.SUBMITTED)

    @property
    def reply_topic(self) -> str:
        return chain.topic(self.prefix, chain.SENT)

    async def start(self) -> None:
        await _create_topics(chain.all_topics(self.prefix))
        for stage in chain.STAGES:
            self.processes[stage] = await asyncio.to_thread(self._launch, stage)
        for stage, process in self.processes.items():
            await asyncio.wait_for(asyncio.to_thread(_ready, stage, process), READY_DEADLINE_S)
        self.producer = AIOKafkaProducer(
            **KafkaSettings(bootstrap_servers=BOOTSTRAP).client_options(),
            acks="all",
            enable_idempotence=True,
        )
        await self.producer.start()

    def _launch(self, stage: str) -> subprocess.Popen[str]:
        command = [sys.executable, "-m", "bench.chain", stage, "--prefix", self.prefix]
        command += ["--bootstrap", BOOTSTRAP]
        command += ["--mongo", MONGO_URI] if self.with_mongo else []
        return subprocess.Popen(  # noqa: S603 - our own module, our own arguments
            command, stdout=subprocess.PIPE, text=True, cwd=stacks.ROOT
        )

    async def stop(self) -> None:
        if self.producer is not None:
            await self.producer.stop()
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            process.wait(timeout=30)

    async def send(self, number: int) -> str:
        assert self.producer is not None
        key = f"{self.run_id}-{next(self.sequence)}"  # unique across phases, unlike number
        await self.producer.send_and_wait(self.submitted_topic, self.payload, key=key.encode())
        return key

    def matchers(self) -> dict[str, Matcher]:
        return {self.submitted_topic: _key, self.reply_topic: _key}

    def pids(self) -> dict[str, int]:
        stages = {f"stage {name}": p.pid for name, p in self.processes.items()}
        return stages | server_pids()

    async def mongo_commands(self) -> dict[str, float]:
        return {}

    def groups(self) -> dict[str, list[str]]:
        return {
            f"{self.prefix}.{name}": [chain.topic(self.prefix, t) for t in stage.consumes]
            for name, stage in chain.STAGES.items()
        }


def _ready(stage: str, process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    line = process.stdout.readline()
    if line.strip() != "ready":
        raise RuntimeError(f"chain stage {stage} did not start (exit {process.poll()})")


async def _create_topics(names: list[str]) -> None:
    admin = AIOKafkaAdminClient(**KafkaSettings(bootstrap_servers=BOOTSTRAP).client_options())
    await admin.start()
    try:
        missing = set(names) - set(await admin.list_topics())
        new = [NewTopic(name, DEFAULT_PARTITIONS, 1) for name in sorted(missing)]
        if new:
            with contextlib.suppress(TopicAlreadyExistsError):  # created meanwhile: fine
                await admin.create_topics(new)
    finally:
        await admin.close()


def _acknowledgement(record: ConsumerRecord[bytes, bytes]) -> str | None:
    event: dict[str, Any] = json.loads(record.value or b"{}")
    return str(event["report_id"]) if event.get("reply_kind") == "acknowledgement" else None


@dataclass
class Pipeline:
    """The five services as processes; reports go in over HTTP, as the public's do."""

    settings: dict[str, str] = field(default_factory=dict)
    name: str = "pipeline"
    submitted_topic: str = topics.REPORT_SUBMITTED
    reply_topic: str = topics.REPLY_SENT
    running: list[Any] = field(default_factory=list)
    client: httpx.AsyncClient | None = None
    body: dict[str, Any] = field(default_factory=factories.submission_body)

    async def start(self) -> None:
        unlimited = {
            "INTAKE_RATE_LIMIT_BURST": "1000000",
            "INTAKE_ADDRESS_RATE_LIMIT_BURST": "1000000",
        }
        settings = unlimited | self.settings
        self.running = await asyncio.to_thread(
            system_runner.start_services, STACK, PORT_OFFSET, settings
        )
        port = next(r.port for r in self.running if r.service.name == "intake")
        self.client = httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}",
            headers=WEB_KEY,
            timeout=60,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=64),
        )

    async def stop(self) -> None:
        if self.client is not None:
            await self.client.aclose()
        await asyncio.to_thread(system_runner.stop_services, self.running)

    async def send(self, number: int) -> str:
        assert self.client is not None
        key = f"bench-{uuid.uuid4()}"
        started = time.monotonic()
        while True:
            try:
                answer = await self.client.post(
                    "/v1/reports", json=self.body, headers={"Idempotency-Key": key}
                )
            except httpx.TransportError:
                # A pooled keep-alive connection the server closed as it was reused: the
                # same report again, as a client with an idempotency key safely may.
                answer = None
            if answer is not None and answer.status_code == ACCEPTED:
                return str(answer.json()["report_id"])
            if time.monotonic() - started > SUBMIT_DEADLINE_S:
                said = "nothing" if answer is None else f"{answer.status_code}: {answer.text}"
                raise RuntimeError(f"intake answered {said}")
            await asyncio.sleep(0.1)  # a 503 or 429: the same report again, as a client would

    def matchers(self) -> dict[str, Matcher]:
        return {self.submitted_topic: _key, self.reply_topic: _acknowledgement}

    def pids(self) -> dict[str, int]:
        services = {r.service.name: r.process.pid for r in self.running}
        return services | server_pids()

    def groups(self) -> dict[str, list[str]]:
        return {service: list(consumed) for service, consumed in system.CONSUMES.items()}

    async def mongo_commands(self) -> dict[str, float]:
        """Each service's `frontdesk_mongo_commands_total` for the data commands."""
        async with httpx.AsyncClient(headers=METRICS_KEY, timeout=10) as client:
            return {
                item.service.name: _data_commands(
                    (await client.get(f"http://127.0.0.1:{item.port}/metrics")).text
                )
                for item in self.running
            }


#: The commands that read or write documents (not pings, handshakes or index builds).
DATA_COMMANDS = ("find", "getMore", "insert", "update", "delete", "findAndModify", "aggregate")
METRICS_KEY = {"Authorization": f"Bearer {system_runner.LOCAL_ONLY_SETTINGS['METRICS_TOKEN']}"}


def _data_commands(exposition: str) -> float:
    total = 0.0
    for line in exposition.splitlines():
        if line.startswith("frontdesk_mongo_commands_total{"):
            labels, value = line.rsplit(" ", 1)
            if any(f'command="{name}"' in labels for name in DATA_COMMANDS):
                total += float(value)
    return total
