"""The console's read model on the real servers: a report's events published to their
topics out of order and twice each are folded, once each, into the record staff see; its
alerts (the board once on the SLA watchdog) as the alerting service meant them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from services.console.adapters import MongoReportViews
from services.console.app import create_app
from services.console.records import QueueFilter
from shared.events import AlertKind, Event
from shared.mongo import Document
from shared.settings import KafkaSettings, MongoSettings
from shared.topics import topic_for
from tests import alert_factories, factories
from tests.conftest import Servers, console_settings
from tests.factories import NOW
from tests.integration.conftest import consumed_by, publish, running

pytestmark = pytest.mark.integration

REFERENCE = "LP-20261130-000042-C"


def _journey() -> list[Event]:
    submitted = factories.report_submitted()
    return [
        factories.reply_delivered(submitted, at=NOW + timedelta(minutes=3)),
        factories.sla_target_set(submitted, version=1, due_in=timedelta(hours=1), grade=2),
        factories.reference_issued(submitted, REFERENCE),
        factories.reply_sent(submitted, at=NOW + timedelta(minutes=3)),
        factories.report_classified(submitted, grade=2, route="crime_bureau"),
        factories.sla_target_set(submitted, version=0),
        submitted,
    ]


async def test_a_reports_events_out_of_order_and_twice_fold_once_each(
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    mongo: AsyncMongoClient[Document],
    servers: Servers,
) -> None:
    settings = console_settings(servers, database_name)
    events = _journey()
    report_id = events[-1].report_id
    views = MongoReportViews(mongo[database_name])

    async with running(create_app(settings)):
        for event in events:
            await publish(producer, topic_for(event.event_type), event)
        repeats = [
            (topic_for(e.event_type), await publish(producer, topic_for(e.event_type), e))
            for e in events  # each again: a redelivery
        ]
        for topic, sent in repeats:
            await consumed_by(servers, "console", topic, sent.partition, sent.offset)
        stored = await mongo[database_name]["reports"].find_one({"_id": str(report_id)})
        record = await views.report(report_id)
        rows = await views.queue(QueueFilter(), NOW, 100)

    assert stored is not None
    assert (len(stored["events"]), stored["version"]) == (7, 7)
    assert record is not None
    assert (record.reference, record.grade, record.route) == (REFERENCE, 2, "crime_bureau")
    (reply,) = record.replies
    assert (reply.state, reply.channel) == ("delivered", "email")
    assert reply.subject == "Your report LP-20261130-000001-G"
    assert reply.body is not None
    assert reply.body.startswith("Dear Alex Example")
    assert record.sla is not None
    assert (record.sla.due_at, record.sla.target_version) == (NOW + timedelta(hours=1), 1)
    assert len(record.timeline) == 7
    (row,) = [row for row in rows if row.report_id == report_id]
    assert (row.reference, row.state) == (REFERENCE, "running")
    assert row.due_at == NOW + timedelta(hours=1)


async def test_alert_events_out_of_order_and_twice_end_as_the_alerting_service_meant(
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    mongo: AsyncMongoClient[Document],
    servers: Servers,
) -> None:
    settings = console_settings(servers, database_name)
    report = factories.report_submitted()
    escalating = alert_factories.alert_raised(report, AlertKind.SLA_BREACHED, NOW)
    taken_on = alert_factories.alert_raised(
        report, AlertKind.SLA_AT_RISK, NOW + timedelta(minutes=1)
    )
    ended = alert_factories.alert_raised(report, AlertKind.REPLY_FAILED, NOW + timedelta(minutes=2))
    acknowledged = alert_factories.alert_acknowledged(taken_on, at=NOW + timedelta(minutes=4))
    events: list[Event] = [
        alert_factories.alert_escalated(escalating, 2),
        alert_factories.alert_escalated(escalating, 1),
        escalating,
        escalating,
        acknowledged,
        taken_on,
        acknowledged,
        alert_factories.alert_resolved(ended),
        ended,
        alert_factories.alert_escalated(taken_on, 1),
        report,
    ]
    views = MongoReportViews(mongo[database_name])

    async with running(create_app(settings)):
        sent = [
            (topic_for(e.event_type), await publish(producer, topic_for(e.event_type), e))
            for e in events
        ]
        for topic, metadata in sent:
            await consumed_by(servers, "console", topic, metadata.partition, metadata.offset)
        record = await views.report(report.report_id)

    assert record is not None
    alerts = {alert.alert_id: alert for alert in record.alerts}
    assert (alerts[escalating.alert_id].state, alerts[escalating.alert_id].step) == ("open", 2)
    taken = alerts[taken_on.alert_id]
    assert (taken.state, taken.step, taken.acknowledged_by) == ("acknowledged", 1, "Sgt Duty")
    assert taken.raised_at == taken_on.occurred_at
    assert alerts[ended.alert_id].state == "resolved"
    assert [alert.alert_id for alert in record.alerts] == [
        escalating.alert_id,
        taken_on.alert_id,
        ended.alert_id,
    ]
