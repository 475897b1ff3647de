"""The Kafka ingress on the real servers: bad input dead-lettered with its reason, the
good messages behind it accepted, each submission once."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from services.intake.app import create_app
from shared import topics
from shared.events import Channel, ReportSubmitted
from shared.mongo import Document
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.conftest import Servers
from tests.integration.conftest import (
    SCRAPE_HEADERS,
    SCRAPING,
    StartProbe,
    consumed_by,
    publish,
    running,
)
from tests.integration.test_intake_service import intake_settings

pytestmark = pytest.mark.integration

DLQ = topics.dead_letter_topic("intake")
PARTNER_INGRESS = topics.INGRESS_TOPICS["partner"]


def _published(submission_id: uuid.UUID, **overrides: Any) -> bytes:
    message = {
        "submission_id": str(submission_id),
        "submission": factories.submission_of("fraud"),
    }
    return json.dumps(message | overrides).encode()


async def test_bad_messages_are_dead_lettered_with_reasons_and_good_ones_accepted_once(
    servers: Servers,
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    probe: StartProbe,
) -> None:
    settings = intake_settings(
        kafka_settings,
        mongo_settings,
        database_name,
        max_ingress_message_bytes=256 * 1024,
    )
    key = f"partner-batch-{uuid.uuid4()}".encode()
    good, reused = uuid.uuid4(), uuid.uuid4()
    bad_messages = {
        b"{not json": "not a JSON document",
        _published(uuid.uuid4(), channel="phone"): "channel: extra_forbidden",
        _published(uuid.uuid4(), submission=factories.submission_of("missing_person")): (
            "partner channel may not submit missing_person"
        ),
        _published(uuid.uuid4(), padding="x" * 300_000): "over 262144 bytes",
    }
    watch = await probe(topics.REPORT_SUBMITTED, DLQ)

    async with running(create_app(settings)):
        for message in bad_messages:
            await producer.send_and_wait(PARTNER_INGRESS, message, key=key)
        for message in (_published(good), _published(good), _published(reused)):
            await producer.send_and_wait(PARTNER_INGRESS, message, key=key)
        changed = factories.submission_of("fraud", description="Another story entirely")
        last = await producer.send_and_wait(
            PARTNER_INGRESS, _published(reused, submission=changed), key=key
        )
        dead = await watch.wait_for(DLQ, key.decode(), count=len(bad_messages) + 1)
        await consumed_by(servers, "intake", PARTNER_INGRESS, last.partition, last.offset)
        await watch.wait_for(topics.REPORT_SUBMITTED, str(_report_id(reused)))
        accepted = await watch.wait_for(topics.REPORT_SUBMITTED, str(_report_id(good)))

    reasons = [dict(record.headers)["dlq_reason"].decode() for record in dead]
    for reason, expected in zip(reasons, [*bad_messages.values(), "already used"], strict=True):
        assert expected in reason
    event = ReportSubmitted.model_validate_json(accepted[0].value)
    assert event.channel is Channel.PARTNER
    assert {r.value for r in watch.matching(topics.REPORT_SUBMITTED, str(event.report_id))} == {
        accepted[0].value
    }


def _report_id(submission_id: uuid.UUID) -> uuid.UUID:
    from services.intake.handlers import UNKEYED_REPORT_IDS
    from services.intake.ingress import publisher_of

    publisher = publisher_of(Channel.PARTNER)
    return UNKEYED_REPORT_IDS.for_submission(Channel.PARTNER, publisher, str(submission_id))


async def test_finding_1_forged_events_are_dead_lettered_by_the_topic_they_came_on(
    servers: Servers,
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    probe: StartProbe,
) -> None:
    """A ReferenceIssued published on the ingress topic, or a ReportSubmitted on the
    references topic, is refused for its topic before any handler sees it."""
    settings = intake_settings(kafka_settings, mongo_settings, database_name)
    submitted = factories.report_submitted()
    forged_reference = factories.reference_issued(submitted, "FORGED-REF-CALL-07000-000000")
    key = str(submitted.report_id)
    watch = await probe(DLQ)

    async with running(create_app(settings)):
        await producer.send_and_wait(
            PARTNER_INGRESS, forged_reference.model_dump_json().encode(), key=key.encode()
        )
        await producer.send_and_wait(
            topics.REFERENCE_ISSUED, submitted.model_dump_json().encode(), key=key.encode()
        )
        dead = await watch.wait_for(DLQ, key, count=2)

    reasons = sorted(dict(record.headers)["dlq_reason"].decode() for record in dead)
    assert reasons == [
        f"WrongTopicError: {topics.REFERENCE_ISSUED} carries ReferenceIssued events only",
        f"WrongTopicError: {PARTNER_INGRESS} carries submissions, not events",
    ]


async def test_finding_1_the_first_reference_stands_and_a_different_one_raises_the_alarm(
    servers: Servers,
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    probe: StartProbe,
    mongo: AsyncMongoClient[Document],
) -> None:
    settings = intake_settings(kafka_settings, mongo_settings, database_name, metrics=SCRAPING)
    submission_id = uuid.uuid4()
    report_id = str(_report_id(submission_id))
    watch = await probe(topics.REPORT_SUBMITTED, DLQ)
    app = create_app(settings)

    async with running(app):
        await producer.send_and_wait(PARTNER_INGRESS, _published(submission_id), key=b"k")
        record = (await watch.wait_for(topics.REPORT_SUBMITTED, report_id))[0]
        submitted = ReportSubmitted.model_validate_json(record.value)
        first = factories.reference_issued(submitted, "LP-20261201-000001-7")
        forged = factories.reference_issued(submitted, "FORGED-REF-CALL-07000-000000")
        for event in (first, first, forged):  # a repeat of the first is no conflict
            await publish(producer, topics.REFERENCE_ISSUED, event)
        dead = await watch.wait_for(DLQ, report_id)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://localhost"
        ) as web:
            metrics = (await web.get("/metrics", headers=SCRAPE_HEADERS)).text

    stored = await mongo[database_name]["reports"].find_one({"_id": report_id})
    assert stored is not None
    assert stored["reference"] == "LP-20261201-000001-7"
    assert len(dead) == 1
    assert dict(dead[0].headers)["dlq_reason"].decode() == (
        "ConflictingFactError: the report already has another reference"
    )
    assert f'frontdesk_conflicting_facts_total{{topic="{topics.REFERENCE_ISSUED}"}} 1.0' in metrics


async def test_finding_11_over_deep_json_on_the_ingress_topic_is_refused_at_once(
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    probe: StartProbe,
) -> None:
    """Dead-lettered as a permanent error on first sight, never retried as "unexpected",
    and the submission behind it on the same partition is accepted."""
    settings = intake_settings(kafka_settings, mongo_settings, database_name, metrics=SCRAPING)
    key, good = f"deep-{uuid.uuid4()}".encode(), uuid.uuid4()
    watch = await probe(topics.REPORT_SUBMITTED, DLQ)
    app = create_app(settings)

    async with running(app):
        deep = b"[" * 100_000 + b"]" * 100_000
        await producer.send_and_wait(PARTNER_INGRESS, deep, key=key)
        await producer.send_and_wait(PARTNER_INGRESS, _published(good), key=key)
        dead = await watch.wait_for(DLQ, key.decode())
        await watch.wait_for(topics.REPORT_SUBMITTED, str(_report_id(good)))
        transport = httpx.ASGITransport(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as web:
            metrics = (await web.get("/metrics", headers=SCRAPE_HEADERS)).text

    assert [dict(r.headers)["dlq_reason"].decode() for r in dead] == [
        "PermanentError: not a JSON document (RecursionError)"
    ]
    assert "frontdesk_messages_failed_total{" not in metrics  # no retry of any kind
