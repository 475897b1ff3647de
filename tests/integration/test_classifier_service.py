"""The classifier on the real servers: graded once, poison dead-lettered, the rest flows."""

from __future__ import annotations

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.classifier.app import create_app
from services.classifier.settings import ClassifierSettings
from shared import topics
from shared.events import ReportClassified, ReportType
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

pytestmark = pytest.mark.integration


async def test_a_poison_message_is_dead_lettered_and_the_next_report_is_graded_once(
    servers: Servers,
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    probe: StartProbe,
) -> None:
    settings = ClassifierSettings(
        kafka=kafka_settings, mongo=mongo_settings, database=database_name, metrics=SCRAPING
    )
    submitted = factories.report_submitted(report_type=ReportType.MISSING_PERSON)
    key = str(submitted.report_id)
    watch = await probe(topics.REPORT_CLASSIFIED, topics.dead_letter_topic("classifier"))

    app = create_app(settings)
    async with running(app):
        await producer.send_and_wait(
            topics.REPORT_SUBMITTED, b'{"event_type": "ReportSubmitted"}', key=key.encode()
        )
        await publish(producer, topics.REPORT_SUBMITTED, submitted)
        redelivered = await publish(producer, topics.REPORT_SUBMITTED, submitted)

        (record,) = await watch.wait_for(topics.REPORT_CLASSIFIED, key)
        (dead,) = await watch.wait_for(topics.dead_letter_topic("classifier"), key)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://classifier") as client:
            metrics = (await client.get("/metrics", headers=SCRAPE_HEADERS)).text
        await consumed_by(
            servers,
            "classifier",
            topics.REPORT_SUBMITTED,
            redelivered.partition,
            redelivered.offset,
        )

    classified = ReportClassified.model_validate_json(record.value)
    assert classified.grade == 1
    assert "vulnerability" in classified.flags
    reason = dict(dead.headers)["dlq_reason"].decode()
    assert "report_id: missing" in reason
    assert len(watch.matching(topics.REPORT_CLASSIFIED, key)) == 1
    assert 'frontdesk_messages_handled_total{topic="report.submitted.v1"}' in metrics
    assert 'frontdesk_dead_letters_total{topic="report.submitted.v1"} 1.0' in metrics
    assert "frontdesk_consumer_lag{" in metrics
