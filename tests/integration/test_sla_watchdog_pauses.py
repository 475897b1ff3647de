"""The watchdog's reply clock on the real servers: a request for information pauses it
once, the reporter's answer resumes it once with the due time moved on (told again as the
target), and a contact that reached the reporter stops it once, however often each event
is delivered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from services.sla_watchdog import SERVICE
from services.sla_watchdog.app import create_app
from services.sla_watchdog.settings import SlaWatchdogSettings
from shared import topics
from shared.events import (
    Event,
    KeptBy,
    ResumedBecause,
    SlaMet,
    SlaPaused,
    SlaResumed,
    SlaTargetSet,
)
from shared.mongo import Document
from shared.settings import KafkaSettings, MongoSettings
from tests import factories, staff_factories
from tests.conftest import Servers
from tests.factories import NOW
from tests.fakes import FrozenClock
from tests.integration.conftest import StartProbe, consumed_by, publish, running

pytestmark = pytest.mark.integration

HOUR = timedelta(hours=1)


async def _twice(producer: AIOKafkaProducer, servers: Servers, topic: str, event: Event) -> None:
    """Deliver an event twice, and wait until the watchdog handled the repeat."""
    await publish(producer, topic, event)
    repeat = await publish(producer, topic, event)
    await consumed_by(servers, SERVICE, topic, repeat.partition, repeat.offset)


@pytest.fixture
def settings(
    kafka_settings: KafkaSettings, mongo_settings: MongoSettings, database_name: str
) -> SlaWatchdogSettings:
    return SlaWatchdogSettings(
        kafka=kafka_settings, mongo=mongo_settings, database=database_name, tick_interval_s=0.05
    )


async def test_a_request_pauses_once_and_the_answer_resumes_once_with_the_due_time_moved(
    settings: SlaWatchdogSettings,
    producer: AIOKafkaProducer,
    probe: StartProbe,
    servers: Servers,
    mongo: AsyncMongoClient[Document],
) -> None:
    submitted = factories.report_submitted()
    key = str(submitted.report_id)
    asked = staff_factories.information_requested(submitted, 1, at=NOW + HOUR)
    answer = factories.report_updated(submitted).model_copy(update={"occurred_at": NOW + 3 * HOUR})
    watch = await probe(topics.SLA_TARGET_SET, topics.SLA_PAUSED, topics.SLA_RESUMED)

    async with running(create_app(settings, FrozenClock(NOW + 2 * HOUR))):
        await publish(producer, topics.REPORT_SUBMITTED, submitted)
        await watch.wait_for(topics.SLA_TARGET_SET, key)
        await _twice(producer, servers, topics.INFORMATION_REQUESTED, asked)
        (paused_record,) = await watch.wait_for(topics.SLA_PAUSED, key)
        await _twice(producer, servers, topics.REPORT_UPDATED, answer)
        (resumed_record,) = await watch.wait_for(topics.SLA_RESUMED, key)
        first, moved = await watch.wait_for(topics.SLA_TARGET_SET, key, count=2)
    stored = await mongo[settings.database]["clocks"].find_one({"_id": key})

    paused = SlaPaused.model_validate_json(paused_record.value)
    assert (paused.paused_at, paused.request_id) == (NOW + HOUR, asked.message.request_id)
    resumed = SlaResumed.model_validate_json(resumed_record.value)
    assert resumed.because is ResumedBecause.REPORTER_ANSWERED
    assert (resumed.paused_seconds, resumed.due_at) == (2 * 3600, NOW + 26 * HOUR)
    told = SlaTargetSet.model_validate_json(moved.value)
    assert told.due_at == NOW + 26 * HOUR
    assert told.target_version == SlaTargetSet.model_validate_json(first.value).target_version
    assert len(watch.matching(topics.SLA_PAUSED, key)) == 1
    assert len(watch.matching(topics.SLA_RESUMED, key)) == 1
    assert stored is not None
    assert "pause" not in stored
    assert stored["due_at"] == NOW + 26 * HOUR


async def test_a_contact_that_reached_the_reporter_stops_the_clock_once(
    settings: SlaWatchdogSettings,
    producer: AIOKafkaProducer,
    probe: StartProbe,
    servers: Servers,
) -> None:
    submitted = factories.report_submitted()
    key = str(submitted.report_id)
    contact = staff_factories.contact_recorded(submitted, at=NOW + 2 * HOUR)
    watch = await probe(topics.SLA_TARGET_SET, topics.SLA_MET)

    async with running(create_app(settings, FrozenClock(NOW + 3 * HOUR))):
        await publish(producer, topics.REPORT_SUBMITTED, submitted)
        await watch.wait_for(topics.SLA_TARGET_SET, key)
        await _twice(producer, servers, topics.CONTACT_RECORDED, contact)
        (record,) = await watch.wait_for(topics.SLA_MET, key)

    met = SlaMet.model_validate_json(record.value)
    assert (met.kept_by, met.stopped_at, met.late) == (
        KeptBy.CONTACT_RECORDED,
        NOW + 2 * HOUR,
        False,
    )
    assert met.elapsed_seconds == 2 * 3600
    assert len(watch.matching(topics.SLA_MET, key)) == 1
