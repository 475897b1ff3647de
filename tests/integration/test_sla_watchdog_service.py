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
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            view = (await client.get(f"/v1/reports/{key}/sla")).json()
            missing = await client.get(f"/v1/reports/{factories.report_submitted().report_id}/sla")

    met = SlaMet.model_validate_json(record.value)
    assert met.elapsed_seconds == 7 * 60
    assert met.late is False
    assert view["state"] == "met"
    assert view["elapsed_seconds"] == 7 * 60
    assert missing.status_code == 404


async def test_the_operations_api_queues_breaches_compliance_and_csv(
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    probe: StartProbe,
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
    urgent, routine, replied = (factories.report_submitted() for _ in range(3))
    app = create_app(settings, time)
    watch = await probe(topics.SLA_MET, topics.SLA_BREACHED)

    async with running(app):
        grade_1 = factories.report_classified(urgent, grade=1)
        await publish(producer, topics.REPORT_CLASSIFIED, grade_1)
        for report in (urgent, routine, replied):
            await publish(producer, topics.REPORT_SUBMITTED, report)
        delivered = factories.reply_delivered(replied, at=NOW + timedelta(minutes=20))
        await publish(producer, topics.REPLY_DELIVERED, delivered)
        await watch.wait_for(topics.SLA_MET, str(replied.report_id))
        await watch.wait_for(topics.SLA_BREACHED, str(urgent.report_id))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:

            async def routine_started() -> bool:
                answer = await client.get(f"/v1/reports/{routine.report_id}/sla")
                return answer.status_code == 200

            await eventually(routine_started, what="the routine report's clock")
            queue = (await client.get("/v1/clocks")).json()
            breaches = (await client.get("/v1/breaches")).json()
            graded = (await client.get("/v1/clocks", params={"grade": 1})).json()
            since = (NOW - timedelta(minutes=1)).isoformat()
            report = (await client.get("/v1/compliance", params={"since": since})).json()
            csv_text = (await client.get("/v1/clocks.csv")).text

            async def breached_gauge() -> bool:
                metrics = (await client.get("/metrics", headers=SCRAPE_HEADERS)).text
                return 'frontdesk_open_clocks{state="breached"} 1.0' in metrics

            await eventually(breached_gauge, what="the open-clocks gauge to count the breach")

    ours = {str(r.report_id) for r in (urgent, routine, replied)}
    mine = [item for item in queue if item["report_id"] in ours]
    assert [item["report_id"] for item in mine] == [str(urgent.report_id), str(routine.report_id)]
    assert mine[0]["state"] == "breached"
    assert [b["report_id"] for b in breaches if b["report_id"] in ours] == [str(urgent.report_id)]
    assert [g["report_id"] for g in graded if g["report_id"] in ours] == [str(urgent.report_id)]
    assert report["open_overdue"] >= 1
    assert report["on_time"] >= 1
    assert csv_text.splitlines()[0].startswith("report_id,state,")
    assert str(urgent.report_id) in csv_text
