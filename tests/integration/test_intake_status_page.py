"""The reporter's status page on the real servers: a question staff published shows on the
page, the answer posted twice is one ReportUpdated of the reporter on Kafka, and a
published closure shows its outcome."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI
from pymongo import AsyncMongoClient

from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from shared import topics
from shared.events import ReportUpdated, UpdateRole
from shared.mongo import Document
from shared.settings import KafkaSettings, MongoSettings
from tests import factories, staff_factories
from tests.integration.conftest import StartProbe, eventually, publish, running
from tests.integration.test_intake_service import WEB, intake_settings

pytestmark = pytest.mark.integration


@pytest.fixture
async def client(
    kafka_settings: KafkaSettings, mongo_settings: MongoSettings, database_name: str
) -> AsyncIterator[httpx.AsyncClient]:
    settings: IntakeSettings = intake_settings(kafka_settings, mongo_settings, database_name)
    app: FastAPI = create_app(settings)
    async with running(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
            yield http


async def test_a_question_is_answered_once_on_the_page_and_the_outcome_shows(
    client: httpx.AsyncClient,
    producer: AIOKafkaProducer,
    probe: StartProbe,
    mongo: AsyncMongoClient[Document],
    database_name: str,
) -> None:
    accepted = (
        await client.post("/v1/reports", json=factories.submission_body(), headers=WEB)
    ).json()
    report_id, token = accepted["report_id"], accepted["status_token"]
    page_path = f"/status/{report_id}?token={token}"
    submitted = factories.report_submitted(report_id=uuid.UUID(report_id))
    watch = await probe(topics.REPORT_UPDATED)
    asked = staff_factories.information_requested(submitted, 1, question="Which way did he go?")
    await publish(producer, topics.INFORMATION_REQUESTED, asked)

    async def asking() -> str | None:
        page = (await client.get(page_path)).text
        return page if "Which way did he go?" in page else None

    page = await eventually(asking, what="the page to show the question")
    form_id = re.search(r'name="form_id" value="([0-9a-f]{32})"', page)
    assert form_id is not None
    form = {"answer": "Towards the station.", "form_id": form_id.group(1)}
    posts = [
        await client.post(f"/status/{report_id}/answer?token={token}", data=form) for _ in range(2)
    ]
    (record,) = await watch.wait_for(topics.REPORT_UPDATED, report_id)

    async def drained() -> bool:
        stored = await mongo[database_name]["reports"].find_one({"_id": report_id})
        return stored is not None and stored["outbox"] == []

    await eventually(drained, what="the update to leave the outbox")
    closed = staff_factories.report_closed(submitted, 2, crime_reference="CR/777/26")
    await publish(producer, topics.REPORT_CLOSED, closed)

    async def closed_page() -> str | None:
        page = (await client.get(page_path)).text
        return page if "CR/777/26" in page else None

    outcome = await eventually(closed_page, what="the page to show the outcome")
    view = (await client.get(f"/v1/reports/{report_id}", params={"token": token})).json()

    assert [post.status_code for post in posts] == [303, 303]
    update = ReportUpdated.model_validate_json(record.value)
    assert update.information == "Towards the station."
    assert update.given_by is not None
    assert update.given_by.role is UpdateRole.REPORTER
    await watch.poll()
    assert len(watch.matching(topics.REPORT_UPDATED, report_id)) == 1
    assert "Its crime reference is CR/777/26." in outcome
    assert 'name="form_id"' not in outcome
    assert (view["state"], view["outcome"], view["crime_reference"]) == (
        "closed",
        "crime_recorded",
        "CR/777/26",
    )
