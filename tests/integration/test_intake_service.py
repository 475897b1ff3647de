"""Intake on the real servers: accepted means stored, then published; nothing is lost."""

from __future__ import annotations

import uuid

import httpx
import pytest
from pymongo import AsyncMongoClient

from services.intake.adapters import MongoReports
from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from shared import topics
from shared.events import ReportSubmitted
from shared.mongo import Document
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.integration.conftest import StartProbe, eventually, running

pytestmark = pytest.mark.integration


def _settings(kafka: KafkaSettings, mongo: MongoSettings, database: str) -> IntakeSettings:
    return IntakeSettings(kafka=kafka, mongo=mongo, database=database, outbox_relay_interval_s=0.2)


async def test_an_accepted_report_is_stored_then_published_with_its_channel(
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    mongo: AsyncMongoClient[Document],
    probe: StartProbe,
) -> None:
    app = create_app(_settings(kafka_settings, mongo_settings, database_name))
    watch = await probe(topics.REPORT_SUBMITTED)

    async with running(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            answer = await client.post("/v1/reports", json=factories.submission_body())
            invalid = await client.post(
                "/v1/reports", json=factories.submission_body(report_type="spaceship")
            )
        report_id = answer.json()["report_id"]
        (record,) = await watch.wait_for(topics.REPORT_SUBMITTED, report_id)

    assert answer.status_code == 202
    assert answer.json()["reply_expected"] is True
    event = ReportSubmitted.model_validate_json(record.value)
    assert event.channel.value == "web"
    stored = await mongo[database_name]["reports"].find_one({"_id": report_id})
    assert stored is not None
    assert stored["outbox"] == []
    assert invalid.status_code == 422
    assert invalid.json()["detail"][0]["loc"] == ["body", "report_type"]


async def test_a_report_stored_but_never_published_is_relayed_after_a_restart(
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    mongo: AsyncMongoClient[Document],
    probe: StartProbe,
) -> None:
    class KafkaUnreachable:
        async def publish(self, message: Document) -> None:
            raise ConnectionError("intake died before publishing")

    orphan = factories.report_submitted(report_id=uuid.uuid4())
    await MongoReports(mongo[database_name], KafkaUnreachable()).add(orphan)
    watch = await probe(topics.REPORT_SUBMITTED)

    async with running(create_app(_settings(kafka_settings, mongo_settings, database_name))):
        (record,) = await watch.wait_for(topics.REPORT_SUBMITTED, str(orphan.report_id))

        async def drained() -> bool:
            stored = await mongo[database_name]["reports"].find_one({"_id": str(orphan.report_id)})
            return stored is not None and stored["outbox"] == []

        await eventually(drained, what="the relayed event to leave the outbox")

    assert ReportSubmitted.model_validate_json(record.value) == orphan
