"""The local servers do what the services need: aiokafka on Kafka 4, PyMongo on the wire."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from pymongo import AsyncMongoClient, ReturnDocument
from pymongo.errors import DuplicateKeyError

from shared.mongo import Document
from tests.conftest import Servers

pytestmark = pytest.mark.integration


async def _new_topic(servers: Servers, prefix: str) -> str:
    """A topic of the test's own: the broker creates none by itself (`auto.create.topics`
    is off, so a typo in a topic name fails instead of making a new topic)."""
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(**servers.kafka_options())
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()
    return name


async def _consume(servers: Servers, topic: str, group: str, count: int) -> list[bytes]:
    consumer = AIOKafkaConsumer(
        topic,
        **servers.kafka_options(),
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    values: list[bytes] = []
    try:
        while len(values) < count:
            record = await asyncio.wait_for(consumer.getone(), timeout=30)
            values.append(record.value)
            await consumer.commit()
    finally:
        await consumer.stop()
    return values


async def test_aiokafka_produces_idempotently_and_a_group_resumes_after_restart(
    servers: Servers,
) -> None:
    topic, group = await _new_topic(servers, "compat"), f"group-{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(**servers.kafka_options(), enable_idempotence=True, acks="all")
    await producer.start()
    try:
        for number in range(10):
            await producer.send_and_wait(topic, str(number).encode(), key=b"one-partition")
    finally:
        await producer.stop()

    first = await _consume(servers, topic, group, 4)
    after_restart = await _consume(servers, topic, group, 6)

    assert first == [b"0", b"1", b"2", b"3"]
    assert after_restart == [str(n).encode() for n in range(4, 10)]


async def test_committed_offsets_are_visible_to_the_group(servers: Servers) -> None:
    topic, group = await _new_topic(servers, "commit"), f"group-{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(**servers.kafka_options(), acks="all")
    await producer.start()
    metadata = await producer.send_and_wait(topic, b"x", partition=0)
    await producer.stop()

    await _consume(servers, topic, group, 1)

    checker = AIOKafkaConsumer(**servers.kafka_options(), group_id=group)
    await checker.start()
    try:
        committed = await checker.committed(TopicPartition(topic, 0))
    finally:
        await checker.stop()
    assert committed == metadata.offset + 1


async def test_the_mongo_wire_server_speaks_a_wire_version_pymongo_accepts(
    servers: Servers,
) -> None:
    client: AsyncMongoClient[Document] = AsyncMongoClient(servers.mongo_uri)
    try:
        hello = await client.admin.command("hello")
        assert (await client.admin.command("ping"))["ok"] == 1
    finally:
        await client.close()
    assert hello["maxWireVersion"] >= 9


async def test_unique_indexes_hold_and_upserted_counters_never_repeat(servers: Servers) -> None:
    client: AsyncMongoClient[Document] = AsyncMongoClient(servers.mongo_uri)
    database = client[f"test_{uuid.uuid4().hex[:12]}"]
    try:
        await database.things.create_index("reference", unique=True)
        await database.things.insert_one({"reference": "LP-1"})
        with pytest.raises(DuplicateKeyError):
            await database.things.insert_one({"reference": "LP-1"})

        async def take() -> int:
            counter = await database.counters.find_one_and_update(
                {"_id": "LP-20261130"},
                {"$inc": {"last": 1}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
            assert counter is not None
            return int(counter["last"])

        taken = await asyncio.gather(*(take() for _ in range(100)))
    finally:
        await client.drop_database(database.name)
        await client.close()
    assert sorted(taken) == list(range(1, 101))
