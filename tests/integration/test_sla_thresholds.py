"""Thresholds on the real servers: two watchdog instances, a frozen and a jumping clock,
every threshold of every report announced once, in order."""

from __future__ import annotations

import functools
from datetime import timedelta

import pytest
from aiokafka import AIOKafkaProducer

from services.sla_watchdog.app import create_app
from services.sla_watchdog.settings import SlaWatchdogSettings
from shared import topics
from shared.events import ReportSubmitted, SlaAtRisk, SlaBreached
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.integration.conftest import StartProbe, eventually, publish, running

pytestmark = pytest.mark.integration

REPORTS = 20
WARNINGS = ["50%", "75%", "90%"]


async def test_two_watchdogs_announce_each_threshold_once_with_a_frozen_then_jumping_clock(
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
        resync_interval_s=0.3,
    )
    time = FrozenClock(NOW)
    graded = [factories.report_submitted() for _ in range(REPORTS)]  # grade 1: 15 minutes
    ungraded = [factories.report_submitted() for _ in range(REPORTS)]  # default: 24 hours
    watch = await probe(topics.SLA_AT_RISK, topics.SLA_BREACHED)

    def announced(report: ReportSubmitted) -> list[str]:
        """Threshold names announced for a report, one per distinct event, in order."""
        key = str(report.report_id)
        at_risk = [
            SlaAtRisk.model_validate_json(r.value) for r in watch.matching(topics.SLA_AT_RISK, key)
        ]
        breached = [
            SlaBreached.model_validate_json(r.value)
            for r in watch.matching(topics.SLA_BREACHED, key)
        ]
        names = {e.event_id: e.threshold for e in at_risk} | {
            e.event_id: "breach" for e in breached
        }
        ordered = sorted([*at_risk, *breached], key=lambda e: e.occurred_at)
        return [names[e.event_id] for e in dict.fromkeys(ordered)]

    async def everyone_announced(reports: list[ReportSubmitted], count: int) -> bool:
        await watch.poll()
        return all(len(set(announced(r))) >= count for r in reports)

    async with running(create_app(settings, time)), running(create_app(settings, time)):
        for report in graded:
            await publish(
                producer, topics.REPORT_CLASSIFIED, factories.report_classified(report, grade=1)
            )
            await publish(producer, topics.REPORT_SUBMITTED, report)
        for report in ungraded:
            await publish(producer, topics.REPORT_SUBMITTED, report)

        for minutes, passed in ((8, 1), (12, 2), (14, 3), (16, 4)):  # frozen, moved in steps
            time.advance(NOW + timedelta(minutes=minutes) - time.now())
            await eventually(
                functools.partial(everyone_announced, graded, passed),
                what=f"the thresholds passed at {minutes} minutes",
            )
        time.advance(timedelta(days=3))  # the clock jumps past everything
        await eventually(
            functools.partial(everyone_announced, ungraded, 4), what="the jump's thresholds"
        )
        await watch.poll()

    for report in graded + ungraded:
        assert announced(report) == [*WARNINGS, "breach"]
