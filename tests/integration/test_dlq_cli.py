"""`frontdesk dlq` on the real servers: list, show, and replay each dead letter once."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from typer.testing import CliRunner

from services.classifier.app import create_app
from services.classifier.settings import ClassifierSettings
from services.cli import app
from shared import topics
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.integration.conftest import StartProbe, running

pytestmark = pytest.mark.integration


async def test_a_dead_letter_is_listed_shown_and_replayed_once_after_the_fix(
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    probe: StartProbe,
) -> None:
    settings = ClassifierSettings(
        kafka=kafka_settings, mongo=mongo_settings, database=database_name
    )
    report = factories.report_submitted()
    broken = report.model_dump(mode="json") | {"report_type": "not-yet-known"}
    key = f"dlq-cli-{uuid.uuid4()}".encode()
    watch = await probe(topics.dead_letter_topic("classifier"), topics.REPORT_SUBMITTED)
    runner = CliRunner()

    async with running(create_app(settings)):
        await producer.send_and_wait(topics.REPORT_SUBMITTED, json.dumps(broken).encode(), key=key)
        (dead,) = await watch.wait_for(topics.dead_letter_topic("classifier"), key.decode())
        listed = await asyncio.to_thread(runner.invoke, app, ["dlq", "list", "classifier"])
        position = f"{dead.partition}:{dead.offset}"
        shown = await asyncio.to_thread(runner.invoke, app, ["dlq", "show", "classifier", position])
        first = await asyncio.to_thread(runner.invoke, app, ["dlq", "replay", "classifier"])
        second = await asyncio.to_thread(runner.invoke, app, ["dlq", "replay", "classifier"])
        replayed = await watch.wait_for(topics.REPORT_SUBMITTED, key.decode(), count=2)

    assert listed.exit_code == 0
    assert "dead letters of classifier" in listed.output
    assert position in listed.output
    assert shown.exit_code == 0
    assert "not-yet-known" in shown.output
    assert first.exit_code == 0
    assert "replayed" in first.output
    assert second.output.startswith("replayed 0 ")
    headers = dict(replayed[-1].headers)
    assert headers["dlq_replayed_from"] == position.encode()
