"""The runtime publishes what a unit of work stored, without waiting for the outbox relay.

The relay here sweeps once at start and then only after an hour, so every event below can
only have been published by the runtime: after the HTTP request that stored a report, and
after the consumed message that stored one, before its offset was committed. A forgotten
publish would show as a missing event, not as a delay.
"""

from __future__ import annotations

import uuid

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.intake.app import create_app
from shared import topics
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.integration.conftest import StartProbe, running
from tests.integration.test_intake_ingress import PARTNER_INGRESS, _published, _report_id
from tests.integration.test_intake_service import WEB, intake_settings

pytestmark = pytest.mark.integration

AN_HOUR_S = 3600.0


async def test_events_are_published_by_the_runtime_not_left_to_the_relay(
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    probe: StartProbe,
) -> None:
    settings = intake_settings(
        kafka_settings, mongo_settings, database_name, outbox_relay_interval_s=AN_HOUR_S
    )
    submission_id = uuid.uuid4()
    published_id = str(_report_id(submission_id))
    watch = await probe(topics.REPORT_SUBMITTED)

    app = create_app(settings)
    async with running(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            # The relay's sweep at start may race a first report; once a first report is
            # through, that sweep is over, and only the runtime can publish the next ones.
            warm_up = await client.post(
                "/v1/reports", json=factories.submission_body(), headers=WEB
            )
            await watch.wait_for(topics.REPORT_SUBMITTED, warm_up.json()["report_id"])
            answer = await client.post("/v1/reports", json=factories.submission_body(), headers=WEB)
        posted_id = answer.json()["report_id"]
        await producer.send_and_wait(
            PARTNER_INGRESS, _published(submission_id), key=published_id.encode()
        )
        after_request = await watch.wait_for(topics.REPORT_SUBMITTED, posted_id)
        after_message = await watch.wait_for(topics.REPORT_SUBMITTED, published_id)

    assert answer.status_code == 202
    assert [record.key for record in after_request] == [posted_id.encode()]
    assert [record.key for record in after_message] == [published_id.encode()]
