"""The watchdog's board of alerts on the real servers: alert events published to Kafka, out
of order and twice, end up on `GET /v1/alerts` as the alerting service meant them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from services.sla_watchdog.app import create_app
from services.sla_watchdog.settings import SlaWatchdogSettings
from shared import topics
from shared.events import AlertKind
from shared.mongo import Document
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.factories import NOW
from tests.integration.conftest import eventually, publish, running

pytestmark = pytest.mark.integration


async def test_alert_events_out_of_order_and_twice_show_on_the_board(
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    mongo: AsyncMongoClient[Document],
) -> None:
    settings = SlaWatchdogSettings(
        kafka=kafka_settings, mongo=mongo_settings, database=database_name
    )
    report = factories.report_submitted()
    escalating = factories.alert_raised(report, AlertKind.SLA_BREACHED, NOW)
    taken_on = factories.alert_raised(report, AlertKind.SLA_AT_RISK, NOW + timedelta(minutes=1))
    ended = factories.alert_raised(report, AlertKind.REPLY_FAILED, NOW + timedelta(minutes=2))
    acknowledged = factories.alert_acknowledged(taken_on, at=NOW + timedelta(minutes=4))
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    client = httpx.AsyncClient(transport=transport, base_url="http://localhost")

    async def board() -> list[dict[str, Any]]:
        """This report's alerts: the topics also hold earlier tests' alert events."""
        listed: list[dict[str, Any]] = (await client.get("/v1/alerts")).json()
        return [item for item in listed if item["report_id"] == str(report.report_id)]

    async def both_as_they_end() -> list[dict[str, Any]] | None:
        listed = await board()
        seen = [(item["kind"], item["state"], item["step"]) for item in listed]
        done = [("sla_breached", "open", 2), ("sla_at_risk", "acknowledged", 1)]
        return listed if seen == done else None

    alerts = mongo[database_name]["alerts"]

    async def resolved_with_its_raised_facts() -> Document | None:
        found = await alerts.find_one({"_id": str(ended.alert_id), "raised_at": {"$exists": True}})
        return found if found is not None and found["state"] == "resolved" else None

    async with running(app), client:
        for topic, event in (
            (topics.ALERT_ESCALATED, factories.alert_escalated(escalating, 2)),
            (topics.ALERT_ESCALATED, factories.alert_escalated(escalating, 1)),
            (topics.ALERT_RAISED, escalating),
            (topics.ALERT_RAISED, escalating),
            (topics.ALERT_ACKNOWLEDGED, acknowledged),
            (topics.ALERT_RAISED, taken_on),
            (topics.ALERT_ACKNOWLEDGED, acknowledged),
            (topics.ALERT_RESOLVED, factories.alert_resolved(ended)),
            (topics.ALERT_RAISED, ended),
            (topics.ALERT_ESCALATED, factories.alert_escalated(taken_on, 1)),
        ):
            await publish(producer, topic, event)
        await eventually(resolved_with_its_raised_facts, what="the resolved alert's facts")
        first, second = await eventually(both_as_they_end, what="the board as the events end")

    assert (first["alert_id"], first["state"]) == (str(escalating.alert_id), "open")
    assert (first["steps"], first["escalates_at"]) == (3, None)  # the top of its ladder
    assert (first["reference"], first["grade"], first["route"]) == (
        escalating.reference,
        escalating.grade,
        escalating.route,
    )
    assert (second["alert_id"], second["state"]) == (str(taken_on.alert_id), "acknowledged")
    assert (second["acknowledged_by"], second["escalates_at"]) == ("Sgt Duty", None)
    assert datetime.fromisoformat(second["raised_at"]) == taken_on.occurred_at
