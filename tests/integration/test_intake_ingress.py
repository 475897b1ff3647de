"""The Kafka ingress on the real servers: bad input dead-lettered with its reason, the
good messages behind it accepted, each submission once."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from shared import topics
from shared.events import Channel, ReportSubmitted
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.conftest import Servers
from tests.integration.conftest import StartProbe, consumed_by, running

pytestmark = pytest.mark.integration

DLQ = topics.dead_letter_topic("intake")


def _published(submission_id: uuid.UUID, **overrides: Any) -> bytes:
    message = {
        "submission_id": str(submission_id),
        "channel": "partner",
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
    settings = IntakeSettings(
        kafka=kafka_settings,
        mongo=mongo_settings,
        database=database_name,
        max_ingress_message_bytes=4096,
    )
    key = f"partner-batch-{uuid.uuid4()}".encode()
    good, reused = uuid.uuid4(), uuid.uuid4()
    bad_messages = {
        b"{not json": "invalid event",
        _published(uuid.uuid4(), channel="carrier-pigeon"): "channel",
        _published(uuid.uuid4(), submission=factories.submission_of("missing_person")): (
            "partner channel may not submit missing_person"
        ),
        _published(uuid.uuid4(), padding="x" * 5000): "over 4096 bytes",
    }
    watch = await probe(topics.REPORT_SUBMITTED, DLQ)

    async with running(create_app(settings)):
        for message in bad_messages:
            await producer.send_and_wait(topics.SUBMISSION_RECEIVED, message, key=key)
        for message in (_published(good), _published(good), _published(reused)):
            await producer.send_and_wait(topics.SUBMISSION_RECEIVED, message, key=key)
        changed = factories.submission_of("fraud", description="Another story entirely")
        last = await producer.send_and_wait(
            topics.SUBMISSION_RECEIVED, _published(reused, submission=changed), key=key
        )
        dead = await watch.wait_for(DLQ, key.decode(), count=len(bad_messages) + 1)
        await consumed_by(
            servers, "intake", topics.SUBMISSION_RECEIVED, last.partition, last.offset
        )
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
    from services.intake.handlers import report_id_for

    return report_id_for(Channel.PARTNER, str(submission_id))
