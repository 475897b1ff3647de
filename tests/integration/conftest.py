"""Fixtures for tests on the real servers: settings, probes, running apps."""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import pytest
import uvicorn
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from fastapi import FastAPI
from pydantic import SecretStr
from pymongo import AsyncMongoClient

from shared.events import Event
from shared.mongo import Document
from shared.serve import server_config
from shared.settings import KafkaSettings, MetricsSettings, MongoSettings, ServiceSettings
from tests.conftest import Servers

pytestmark = pytest.mark.integration

T = TypeVar("T")
StartProbe = Callable[..., Awaitable["TopicProbe"]]
DEADLINE_S = 30.0
#: `/metrics` answers only a scraper with the token; tests that read metrics configure it.
SCRAPE_TOKEN = "scrape-token-of-the-integration-tests"
SCRAPING = MetricsSettings(token=SecretStr(SCRAPE_TOKEN))
SCRAPE_HEADERS = {"Authorization": f"Bearer {SCRAPE_TOKEN}"}


async def eventually(
    check: Callable[[], Awaitable[T | None]], deadline_s: float = DEADLINE_S, what: str = ""
) -> T:
    """Poll `check` until it returns something, or fail after `deadline_s` seconds."""
    deadline = time.monotonic() + deadline_s
    while True:
        result = await check()
        if result is not None and result is not False:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {deadline_s:.0f}s waiting for {what or check}")
        await asyncio.sleep(0.1)


class TopicProbe:
    """Reads topics from the beginning, in a group of its own, and finds records in them."""

    def __init__(self, bootstrap: str, topics: list[str]) -> None:
        self._consumer = AIOKafkaConsumer(
            *topics,
            **KafkaSettings(bootstrap_servers=bootstrap).client_options(),
            group_id=f"probe-{uuid.uuid4()}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        self.records: list[Any] = []

    async def start(self) -> None:
        await self._consumer.start()

    async def stop(self) -> None:
        await self._consumer.stop()

    async def poll(self) -> None:
        """Read whatever arrived since the last look."""
        batches = await self._consumer.getmany(timeout_ms=200)
        for batch in batches.values():
            self.records.extend(batch)

    def matching(self, topic: str, key: str) -> list[Any]:
        return [r for r in self.records if r.topic == topic and r.key == key.encode()]

    async def wait_for(self, topic: str, key: str, count: int = 1) -> list[Any]:
        """Records on `topic` with `key`, once at least `count` arrived."""

        async def enough() -> list[Any] | None:
            if len(self.matching(topic, key)) < count:
                await self.poll()
            found = self.matching(topic, key)
            return found if len(found) >= count else None

        return await eventually(enough, what=f"{count} record(s) on {topic} for {key}")


@pytest.fixture
async def probe(servers: Servers) -> AsyncIterator[StartProbe]:
    probes: list[TopicProbe] = []

    async def start(*topics: str) -> TopicProbe:
        topic_probe = TopicProbe(servers.kafka_bootstrap, list(topics))
        await topic_probe.start()
        probes.append(topic_probe)
        return topic_probe

    yield start
    for topic_probe in probes:
        await topic_probe.stop()


@pytest.fixture
async def producer(servers: Servers) -> AsyncIterator[AIOKafkaProducer]:
    kafka = AIOKafkaProducer(**servers.kafka_options(), enable_idempotence=True, acks="all")
    await kafka.start()
    yield kafka
    await kafka.stop()


async def publish(producer: AIOKafkaProducer, topic: str, event: Event) -> Any:
    """Publish an event as the services do; returns the record's metadata."""
    value = event.model_dump_json().encode()
    return await producer.send_and_wait(topic, value, key=event.kafka_key())


@pytest.fixture
def kafka_settings(servers: Servers) -> KafkaSettings:
    return KafkaSettings(bootstrap_servers=servers.kafka_bootstrap)


@pytest.fixture
def mongo_settings(servers: Servers) -> MongoSettings:
    return MongoSettings(uri=servers.mongo_uri)


@pytest.fixture
def database_name() -> str:
    """A database of the test's own, so tests never see each other's documents."""
    return f"test_{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def mongo(servers: Servers) -> AsyncIterator[AsyncMongoClient[Document]]:
    client: AsyncMongoClient[Document] = AsyncMongoClient(servers.mongo_uri, tz_aware=True)
    yield client
    await client.close()


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[FastAPI]:
    """Run an app's lifespan (broker, Mongo, background jobs) around a block."""
    async with app.router.lifespan_context(app):
        yield app


async def consumed_by(
    servers: Servers, group: str, topic: str, partition: int, offset: int
) -> None:
    """Wait until `group` committed past `offset` of a partition: the record was handled."""
    checker = AIOKafkaConsumer(**servers.kafka_options(), group_id=group)
    await checker.start()
    try:

        async def past() -> bool | None:
            committed = await checker.committed(TopicPartition(topic, partition))
            return committed is not None and committed > offset

        await eventually(past, what=f"{group} to commit past {topic}[{partition}]@{offset}")
    finally:
        await checker.stop()


def free_port() -> int:
    """A loopback port nothing listens on now."""
    return _free_port()


def _free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return int(probe_socket.getsockname()[1])


@asynccontextmanager
async def served_on_free_port(
    app: FastAPI, settings: ServiceSettings | None = None, port: int | None = None
) -> AsyncIterator[int]:
    """Run an app (lifespan included) under uvicorn on a free port (or `port`, from
    `free_port()`, for an app that must know its address first); yields the port.

    With `settings`, uvicorn is configured as `make run` configures it (read deadlines,
    trusted proxies): the same `server_config`."""
    port = port or _free_port()
    config = (
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None)
        if settings is None
        else server_config(app, settings, port=port)
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return server.started

    try:
        await eventually(started, what="the app to serve")
        yield port
    finally:
        server.should_exit = True
        await task
