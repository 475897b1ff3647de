"""The runtime publishes what a unit of work stored, without waiting for the outbox relay.

The relay here sweeps once at start and then only after an hour, so every event below can
only have been published by the runtime: after the HTTP request that stored the report
(intake), and before the offset of the consumed message that caused it was committed
(the classifier). A forgotten publish would show as a missing event, not as a delay.
"""

from __future__ import annotations

import httpx
import pytest

from services.classifier.app import create_app as create_classifier
from services.classifier.settings import ClassifierSettings
from services.intake.app import create_app as create_intake
from shared import topics
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.integration.conftest import StartProbe, running
from tests.integration.test_intake_service import WEB, intake_settings

pytestmark = pytest.mark.integration

AN_HOUR_S = 3600.0


async def test_events_are_published_by_the_runtime_not_left_to_the_relay(
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    probe: StartProbe,
) -> None:
    intake = create_intake(
        intake_settings(
            kafka_settings, mongo_settings, database_name, outbox_relay_interval_s=AN_HOUR_S
        )
    )
    classifier = create_classifier(
        ClassifierSettings(
            kafka=kafka_settings,
            mongo=mongo_settings,
            database=f"{database_name}_classifier",
            outbox_relay_interval_s=AN_HOUR_S,
        )
    )
    watch = await probe(topics.REPORT_SUBMITTED, topics.REPORT_CLASSIFIED)

    async with running(intake), running(classifier):
        transport = httpx.ASGITransport(app=intake)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            answer = await client.post("/v1/reports", json=factories.submission_body(), headers=WEB)
        report_id = answer.json()["report_id"]
        (submitted,) = await watch.wait_for(topics.REPORT_SUBMITTED, report_id)
        (classified,) = await watch.wait_for(topics.REPORT_CLASSIFIED, report_id)

    assert answer.status_code == 202
    assert submitted.key == report_id.encode()
    assert classified.key == report_id.encode()
