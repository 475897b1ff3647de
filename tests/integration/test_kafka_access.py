"""Finding 1 of the security issue, on the real broker: every principal signs in with its
own SCRAM-SHA-512 credential and may do only its own work (StandardAuthorizer ACLs from
`shared.kafka_access.grants`)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)

from services import system
from shared import topics
from shared.kafka_access import grants
from shared.principals import channel_principal, service_principal
from shared.settings import KafkaSettings
from tests.conftest import Servers

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))

import stack

pytestmark = pytest.mark.integration

STACK = stack.STACKS["test"]


def _signed_in_as(servers: Servers, principal: str) -> dict[str, Any]:
    if servers.mail_dir is None:
        pytest.fail("the Kafka ACL tests need the local test stack that `make test` starts")
    password = STACK.kafka_passwords()[principal]
    settings = KafkaSettings(
        bootstrap_servers=servers.kafka_bootstrap,
        username=principal,
        password=password,  # type: ignore[arg-type]
    )
    return settings.client_options()


@asynccontextmanager
async def _producer(options: dict[str, Any]) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(**options, acks="all", request_timeout_ms=10_000)
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


async def _refused_writes(producer: AIOKafkaProducer, names: list[str]) -> list[str]:
    refused = []
    for name in names:
        try:
            await producer.send_and_wait(name, b"{}", key=b"acl-test")
        except TopicAuthorizationFailedError:
            refused.append(name)
    return refused


@pytest.mark.parametrize("service", system.SERVICES)
async def test_finding_1_a_service_principal_cannot_produce_to_another_services_topic(
    servers: Servers, service: str
) -> None:
    own = {*system.PRODUCES[service], topics.dead_letter_topic(service)}
    foreign = sorted(set(system.TOPICS) - own)
    async with _producer(_signed_in_as(servers, service_principal(service))) as producer:
        refused = await _refused_writes(producer, foreign)
        # Its own dead-letter topic it may write (nothing consumes it but operators).
        own_write = await producer.send_and_wait(
            topics.dead_letter_topic(service), b"{}", key=b"acl-test"
        )
    assert refused == foreign
    assert own_write.offset >= 0


@pytest.mark.parametrize("channel", sorted(topics.INGRESS_TOPICS))
async def test_finding_1_a_channel_may_write_only_its_ingress_topic(
    servers: Servers, channel: str
) -> None:
    others = sorted(set(system.TOPICS) - {topics.INGRESS_TOPICS[channel]})
    async with _producer(_signed_in_as(servers, channel_principal(channel))) as producer:
        refused = await _refused_writes(producer, others)
    assert refused == others


async def _read(consumer: AIOKafkaConsumer) -> None:
    try:
        await consumer.start()
        await consumer.getmany(timeout_ms=5_000)
    finally:
        await consumer.stop()


@pytest.mark.parametrize("channel", sorted(topics.INGRESS_TOPICS))
@pytest.mark.parametrize("in_a_group", [True, False])
@pytest.mark.parametrize("name", system.TOPICS)
async def test_finding_1_a_channel_cannot_read_anything(
    servers: Servers, name: str, in_a_group: bool, channel: str
) -> None:
    """Neither in a consumer group nor fetching on its own."""
    principal = channel_principal(channel)
    options = _signed_in_as(servers, principal)
    group = principal if in_a_group else None
    consumer = AIOKafkaConsumer(name, **options, group_id=group, auto_offset_reset="earliest")
    with pytest.raises((GroupAuthorizationFailedError, TopicAuthorizationFailedError)):
        await _read(consumer)


@pytest.mark.parametrize("service", system.SERVICES)
async def test_finding_1_a_service_principal_reads_only_the_topics_it_consumes(
    servers: Servers, service: str
) -> None:
    options = _signed_in_as(servers, service_principal(service))
    readable = []
    for name in sorted(set(system.TOPICS) - set(system.CONSUMES[service])):
        consumer = AIOKafkaConsumer(name, **options, enable_auto_commit=False)
        try:
            await _read(consumer)
            readable.append(name)
        except TopicAuthorizationFailedError:
            pass
    assert readable == []


async def test_finding_1_a_client_without_credentials_is_not_let_in(servers: Servers) -> None:
    _signed_in_as(servers, "operator")  # fails clearly on a stack without SASL
    anonymous = KafkaSettings(bootstrap_servers=servers.kafka_bootstrap, username=None)
    producer = AIOKafkaProducer(**anonymous.client_options(), request_timeout_ms=5_000)
    try:
        with pytest.raises(KafkaConnectionError):
            await producer.start()
    finally:
        await producer.stop()


def test_every_grant_is_for_a_known_principal_and_topic() -> None:
    """No ACL names a topic or principal that does not exist (a typo would fail open on
    nothing but closed on the service, which then could not work)."""
    known_principals = {service_principal(s) for s in system.SERVICES} | {
        channel_principal(c) for c in topics.INGRESS_TOPICS
    }
    known_names = set(system.TOPICS) | set(system.SERVICES)
    assert {grant.principal for grant in grants(system.SYSTEM)} == known_principals
    assert {grant.name for grant in grants(system.SYSTEM)} <= known_names
