"""The SLA watchdog on the real servers: a clock started, stopped once, shown over HTTP."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.sla_watchdog.app import create_app
from services.sla_watchdog.settings import SlaWatchdogSettings
from shared import topics
from shared.events import SlaMet
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.factories import NOW
from tests.integration.conftest import StartProbe, publish, running

pytestmark = pytest.mark.integration


async def test_a_delivered_reply_stops_the_clock_and_the_api_shows_it_met(
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    probe: StartProbe,
) -> None:
    settings = SlaWatchdogSettings(
        kafka=kafka_settings, mongo=mongo_settings, database=database_name
    )
    submitted = factories.report_submitted()
    key = str(submitted.report_id)
    watch = await probe(topics.SLA_MET)
    app = create_app(settings)

    async with running(app):
        await publish(producer, topics.REPORT_SUBMITTED, submitted)
        delivered = factories.reply_delivered(submitted, at=NOW + timedelta(minutes=7))
        await publish(producer, topics.REPLY_DELIVERED, delivered)
        await publish(producer, topics.REPLY_DELIVERED, delivered)
        (record,) = await watch.wait_for(topics.SLA_MET, key)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ops") as client:
            view = (await client.get(f"/v1/reports/{key}/sla")).json()
            missing = await client.get(f"/v1/reports/{factories.report_submitted().report_id}/sla")

    met = SlaMet.model_validate_json(record.value)
    assert met.elapsed_seconds == 7 * 60
    assert met.late is False
    assert view["state"] == "met"
    assert view["elapsed_seconds"] == 7 * 60
    assert missing.status_code == 404
