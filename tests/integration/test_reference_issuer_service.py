"""The reference issuer on the real servers: one valid reference per report, however often."""

from __future__ import annotations

import pytest
from aiokafka import AIOKafkaProducer

from services.reference_issuer.app import create_app
from services.reference_issuer.settings import ReferenceIssuerSettings
from shared import topics
from shared.events import ReferenceIssued
from shared.references import validate_reference
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.conftest import Servers
from tests.integration.conftest import StartProbe, consumed_by, publish, running

pytestmark = pytest.mark.integration


async def test_each_report_gets_one_reference_through_redelivery(
    servers: Servers,
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    probe: StartProbe,
) -> None:
    settings = ReferenceIssuerSettings(
        kafka=kafka_settings, mongo=mongo_settings, database=database_name
    )
    reports = [factories.report_submitted() for _ in range(5)]
    watch = await probe(topics.REFERENCE_ISSUED)

    async with running(create_app(settings)):
        for report in reports:
            await publish(producer, topics.REPORT_SUBMITTED, report)
        last = None
        for report in reports:
            last = await publish(producer, topics.REPORT_SUBMITTED, report)
        issued = [
            ReferenceIssued.model_validate_json(
                (await watch.wait_for(topics.REFERENCE_ISSUED, str(r.report_id)))[0].value
            )
            for r in reports
        ]
        assert last is not None
        await consumed_by(
            servers, "reference_issuer", topics.REPORT_SUBMITTED, last.partition, last.offset
        )

    references = [event.reference for event in issued]
    assert len(set(references)) == len(reports)
    assert all(validate_reference(reference).force_code == "LP" for reference in references)
    for report in reports:
        assert len(watch.matching(topics.REFERENCE_ISSUED, str(report.report_id))) == 1
