"""The SLA watchdog on the real servers: a clock started and stopped once, told on Kafka and
kept in its clocks collection; a breach told and counted by the open-clock gauges."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from services.sla_watchdog.app import create_app
from services.sla_watchdog.settings import SlaWatchdogSettings
from shared import topics
from shared.events import SlaBreached, SlaMet, SlaTargetSet
from shared.mongo import Document
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.integration.conftest import (
    SCRAPE_HEADERS,
    SCRAPING,
    StartProbe,
    eventually,
    publish,
    running,
)

pytestmark = pytest.mark.integration


async def test_a_delivered_reply_stops_the_clock_once_and_tells_it_met(
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    probe: StartProbe,
    mongo: AsyncMongoClient[Document],
) -> None:
    settings = SlaWatchdogSettings(
        kafka=kafka_settings, mongo=mongo_settings, database=database_name
    )
    submitted = factories.report_submitted()
    key = str(submitted.report_id)
    watch = await probe(topics.SLA_TARGET_SET, topics.SLA_MET)

    async with running(create_app(settings)):
        await publish(producer, topics.REPORT_SUBMITTED, submitted)
        delivered = factories.reply_delivered(submitted, at=NOW + timedelta(minutes=7))
        await publish(producer, topics.REPLY_DELIVERED, delivered)
        await publish(producer, topics.REPLY_DELIVERED, delivered)
        (target,) = await watch.wait_for(topics.SLA_TARGET_SET, key)
        (record,) = await watch.wait_for(topics.SLA_MET, key)
    stored = await mongo[database_name]["clocks"].find_one({"_id": key})

    told = SlaTargetSet.model_validate_json(target.value)
    assert told.due_at == submitted.received_at + timedelta(hours=24)
    met = SlaMet.model_validate_json(record.value)
    assert met.elapsed_seconds == 7 * 60
    assert met.late is False
    assert watch.matching(topics.SLA_MET, key) == [record]  # the repeat stopped nothing again
    assert stored is not None
    assert (stored["state"], stored["late"]) == ("met", False)


async def test_an_urgent_report_breaches_and_the_gauges_count_it(
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    probe: StartProbe,
    mongo: AsyncMongoClient[Document],
) -> None:
    settings = SlaWatchdogSettings(
        kafka=kafka_settings,
        mongo=mongo_settings,
        database=database_name,
        tick_interval_s=0.05,
        resync_interval_s=0.2,
        metrics=SCRAPING,
    )
    time = FrozenClock(NOW + timedelta(minutes=30))
    urgent, routine = factories.report_submitted(), factories.report_submitted()
    app = create_app(settings, time)
    watch = await probe(topics.SLA_BREACHED)
    clocks = mongo[database_name]["clocks"]

    async with running(app):
        grade_1 = factories.report_classified(urgent, grade=1)
        await publish(producer, topics.REPORT_CLASSIFIED, grade_1)
        for report in (urgent, routine):
            await publish(producer, topics.REPORT_SUBMITTED, report)
        (record,) = await watch.wait_for(topics.SLA_BREACHED, str(urgent.report_id))

        async def routine_running() -> Document | None:
            return await clocks.find_one({"_id": str(routine.report_id), "state": "running"})

        await eventually(routine_running, what="the routine report's clock")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:

            async def counted() -> bool:
                metrics = (await client.get("/metrics", headers=SCRAPE_HEADERS)).text
                return all(
                    f'frontdesk_open_clocks{{state="{state}"}} 1.0' in metrics
                    for state in ("breached", "running")
                )

            await eventually(counted, what="the open-clock gauges to count both clocks")

    breached = SlaBreached.model_validate_json(record.value)
    assert (breached.grade, breached.due_at) == (1, urgent.received_at + timedelta(minutes=15))
    assert watch.matching(topics.SLA_BREACHED, str(routine.report_id)) == []
