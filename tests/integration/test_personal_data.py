"""A canary planted in reports, good and poisonous, appears in no log line or DLQ reason."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
import structlog
from aiokafka import AIOKafkaProducer

from services.classifier.app import create_app
from services.classifier.settings import ClassifierSettings
from services.intake.app import create_app as create_intake
from shared import topics
from shared.logging import configure_logging
from shared.settings import KafkaSettings, LogSettings, MongoSettings
from tests import factories
from tests.integration.conftest import StartProbe, publish, running
from tests.integration.test_intake_service import WEB, intake_settings

pytestmark = pytest.mark.integration

CANARY = "canary-5d1e@example.org"
#: A canary that is a valid name (names hold only letters and name punctuation).
NAME_CANARY = "Canarywen Quillfeather"


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    structlog.reset_defaults()
    configure_logging(LogSettings(format="json", level="DEBUG"), "classifier", stream=stream)
    yield stream
    logging.getLogger().handlers.clear()
    logging.getLogger().setLevel(logging.WARNING)
    structlog.reset_defaults()


async def test_no_personal_data_in_logs_or_dead_letter_reasons(
    log_stream: io.StringIO,
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    probe: StartProbe,
) -> None:
    settings = ClassifierSettings(
        kafka=kafka_settings, mongo=mongo_settings, database=database_name
    )
    good = factories.report_submitted(
        description=f"My neighbour {CANARY} saw it", contact=factories.contact(email=CANARY)
    )
    poison = good.model_dump(mode="json") | {"report_type": CANARY}
    key = str(good.report_id)
    watch = await probe(topics.REPORT_CLASSIFIED, topics.dead_letter_topic("classifier"))

    async with running(create_app(settings)):
        await producer.send_and_wait(
            topics.REPORT_SUBMITTED, json.dumps(poison).encode(), key=key.encode()
        )
        await publish(producer, topics.REPORT_SUBMITTED, good)
        await watch.wait_for(topics.REPORT_CLASSIFIED, key)
        (dead,) = await watch.wait_for(topics.dead_letter_topic("classifier"), key)

    lines = log_stream.getvalue().splitlines()
    assert any("message_dead_lettered" in line for line in lines)
    assert [line for line in lines if CANARY in line] == []
    assert CANARY not in dict(dead.headers)["dlq_reason"].decode()


async def test_no_personal_data_from_an_http_submission_reaches_the_logs(
    log_stream: io.StringIO,
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    probe: StartProbe,
) -> None:
    settings = intake_settings(kafka_settings, mongo_settings, database_name)
    contact = {"name": NAME_CANARY, "email": CANARY, "preferred_channel": "email"}
    good = factories.submission_body(description=f"It was {CANARY}", contact=contact)
    bad = factories.submission_body(description=CANARY, answers={"crime_kind": CANARY})
    app = create_intake(settings)
    watch = await probe(topics.REPORT_SUBMITTED)

    async with running(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            accepted = await client.post("/v1/reports", json=good, headers=WEB)
            refused = await client.post("/v1/reports", json=bad, headers=WEB)
        await watch.wait_for(topics.REPORT_SUBMITTED, accepted.json()["report_id"])

    lines = log_stream.getvalue().splitlines()
    assert (accepted.status_code, refused.status_code) == (202, 422)
    assert any("report_accepted" in line for line in lines)
    assert [line for line in lines if CANARY in line or NAME_CANARY in line] == []
    assert CANARY not in refused.text
