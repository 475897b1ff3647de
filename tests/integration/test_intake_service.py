"""Intake on the real servers: every answer of the API, the relay, the status page."""

from __future__ import annotations

import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI
from pymongo import AsyncMongoClient

from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from shared import topics
from shared.events import Channel, ReportSubmitted
from shared.mongo import Document
from shared.references import format_reference
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.conftest import Servers
from tests.factories import NOW
from tests.integration.conftest import StartProbe, eventually, publish, running

pytestmark = pytest.mark.integration

WEB = {"Authorization": "Bearer web-key"}
PARTNER = {"Authorization": "Bearer partner-key"}


def intake_settings(
    kafka: KafkaSettings, mongo: MongoSettings, database: str, **overrides: Any
) -> IntakeSettings:
    fields: dict[str, Any] = {
        "kafka": kafka,
        "mongo": mongo,
        "database": database,
        "outbox_relay_interval_s": 0.2,
        "api_keys": {"web-key": Channel.WEB, "partner-key": Channel.PARTNER},
        "status_token_secret": "test-secret",
        "rate_limit_burst": 1000,
    }
    return IntakeSettings(**(fields | overrides))


@pytest.fixture
def settings(
    kafka_settings: KafkaSettings, mongo_settings: MongoSettings, database_name: str
) -> IntakeSettings:
    return intake_settings(kafka_settings, mongo_settings, database_name)


@pytest.fixture
async def app(settings: IntakeSettings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with running(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
        yield http


async def test_an_accepted_report_is_stored_then_published_with_its_channel(
    client: httpx.AsyncClient,
    database_name: str,
    mongo: AsyncMongoClient[Document],
    probe: StartProbe,
) -> None:
    watch = await probe(topics.REPORT_SUBMITTED)

    answer = await client.post("/v1/reports", json=factories.submission_body(), headers=WEB)
    report_id = answer.json()["report_id"]
    records = await watch.wait_for(topics.REPORT_SUBMITTED, report_id)

    assert answer.status_code == 202
    assert answer.json()["reply_expected"] is True
    event = ReportSubmitted.model_validate_json(records[0].value)
    assert event.channel is Channel.WEB
    assert event.answers["crime_kind"] == "theft"

    async def drained() -> bool:
        stored = await mongo[database_name]["reports"].find_one({"_id": report_id})
        return stored is not None and stored["outbox"] == []

    await eventually(drained, what="the event to leave the outbox")


async def test_a_possible_emergency_is_told_to_call_999_in_the_answer(
    client: httpx.AsyncClient,
) -> None:
    body = factories.submission_body(someone_in_danger=True)

    answer = await client.post("/v1/reports", json=body, headers=WEB)

    assert answer.status_code == 202
    assert "call 999 now" in answer.json()["guidance"][0]


async def test_the_same_idempotency_key_returns_the_same_report_and_another_body_409(
    client: httpx.AsyncClient,
) -> None:
    headers = WEB | {"Idempotency-Key": f"form-{uuid.uuid4()}"}
    body = factories.submission_body()

    first = await client.post("/v1/reports", json=body, headers=headers)
    again = await client.post("/v1/reports", json=body, headers=headers)
    changed = await client.post(
        "/v1/reports", json=factories.submission_body(description="Other"), headers=headers
    )

    assert (first.status_code, again.status_code, changed.status_code) == (202, 202, 409)
    assert again.json()["report_id"] == first.json()["report_id"]
    assert again.json()["status_token"] == first.json()["status_token"]


@pytest.mark.parametrize(
    ("headers", "status", "detail"),
    [
        ({}, 401, "API key"),
        ({"Authorization": "Bearer not-a-key"}, 401, "unknown API key"),
    ],
)
async def test_without_a_valid_key_the_answer_is_401(
    client: httpx.AsyncClient, headers: dict[str, str], status: int, detail: str
) -> None:
    answer = await client.post("/v1/reports", json=factories.submission_body(), headers=headers)

    assert answer.status_code == status
    assert detail in answer.json()["detail"]
    assert answer.headers["WWW-Authenticate"] == "Bearer"


async def test_a_channel_that_may_not_submit_a_type_gets_403(client: httpx.AsyncClient) -> None:
    body = factories.submission_of("missing_person")

    answer = await client.post("/v1/reports", json=body, headers=PARTNER)

    assert answer.status_code == 403
    assert answer.json()["detail"] == "the partner channel may not submit missing_person reports"


async def test_an_oversized_body_gets_413(client: httpx.AsyncClient) -> None:
    body = factories.submission_body(description="x" * 70_000)

    answer = await client.post("/v1/reports", json=body, headers=WEB)

    assert answer.status_code == 413


async def test_422_names_the_path_of_every_invalid_field_without_echoing_values(
    client: httpx.AsyncClient,
) -> None:
    body = factories.submission_body(
        description="", answers={"crime_kind": "joyriding"}, contact={"name": "A"}
    )

    answer = await client.post("/v1/reports", json=body, headers=WEB)

    assert answer.status_code == 422
    locations = {tuple(problem["loc"]) for problem in answer.json()["detail"]}
    assert locations >= {
        ("body", "crime", "description"),
        ("body", "crime", "answers", "crime_kind"),
        ("body", "crime", "answers", "location"),
        ("body", "crime", "contact", "preferred_channel"),
    }
    assert "joyriding" not in answer.text


async def test_past_the_rate_limit_the_answer_is_429_with_retry_after(
    kafka_settings: KafkaSettings, mongo_settings: MongoSettings, database_name: str
) -> None:
    settings = intake_settings(
        kafka_settings, mongo_settings, database_name, rate_limit_burst=2, rate_limit_per_s=0.1
    )
    app = create_app(settings)

    async with running(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            answers = [
                await client.post("/v1/reports", json=factories.submission_body(), headers=WEB)
                for _ in range(3)
            ]

    assert [a.status_code for a in answers] == [202, 202, 429]
    assert int(answers[2].headers["Retry-After"]) >= 1


async def test_a_store_that_cannot_be_reached_gets_503_and_nothing_is_accepted(
    kafka_settings: KafkaSettings, database_name: str
) -> None:
    unreachable = MongoSettings(uri="mongodb://127.0.0.1:1", server_selection_timeout_ms=300)
    app = create_app(intake_settings(kafka_settings, unreachable, database_name))
    transport = httpx.ASGITransport(app=app)

    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        answer = await client.post("/v1/reports", json=factories.submission_body(), headers=WEB)

    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"


async def test_the_status_page_needs_the_token_and_follows_the_report(
    client: httpx.AsyncClient, producer: AIOKafkaProducer
) -> None:
    accepted = (
        await client.post("/v1/reports", json=factories.submission_body(), headers=WEB)
    ).json()
    report_id, token = accepted["report_id"], accepted["status_token"]
    submitted = factories.report_submitted(report_id=uuid.UUID(report_id))
    reference = format_reference("LP", NOW.date(), 4242)

    before = (await client.get(accepted["status_url"])).json()
    await publish(
        producer, topics.REFERENCE_ISSUED, factories.reference_issued(submitted, reference)
    )
    await publish(producer, topics.REPLY_DELIVERED, factories.reply_delivered(submitted))

    async def replied() -> dict[str, Any] | None:
        view = (await client.get(f"/v1/reports/{report_id}", params={"token": token})).json()
        return view if view["status"] == "replied" else None

    after = await eventually(replied, what="the status to show the reply")
    no_token = await client.get(f"/v1/reports/{report_id}")
    wrong_token = await client.get(f"/v1/reports/{report_id}", params={"token": "guess"})

    assert before["status"] == "received"
    assert after["reference"] == reference
    assert (no_token.status_code, wrong_token.status_code) == (404, 404)


async def test_the_catalogue_lists_every_type_with_its_versioned_questions(
    client: httpx.AsyncClient,
) -> None:
    services = (await client.get("/v1/services")).json()
    collision = (await client.get("/v1/services/road_traffic_collision")).json()

    assert len(services) == 8
    assert "vehicles" in collision["questions"]["properties"]
    assert collision["version"] == "1"
    assert (await client.get("/v1/services/nope")).status_code == 404


CRASH_AFTER_THE_WRITE = """
import asyncio, os, signal, sys
from pymongo import AsyncMongoClient
from services.intake.adapters import MongoReports
from shared.events import ReportSubmitted
from shared.outbox import published_after

class KafkaNeverReached:
    async def publish(self, message):
        os.kill(os.getpid(), signal.SIGKILL)  # intake dies between the write and the publish

async def main():
    submitted = ReportSubmitted.model_validate_json(sys.argv[3])
    reports = MongoReports(AsyncMongoClient(sys.argv[1])[sys.argv[2]], KafkaNeverReached())
    async with published_after():  # as the runtime does after a request
        await reports.add(submitted, "fingerprint")

asyncio.run(main())
"""


async def test_a_report_whose_intake_was_killed_before_publishing_is_published_once(
    servers: Servers,
    settings: IntakeSettings,
    database_name: str,
    mongo: AsyncMongoClient[Document],
    probe: StartProbe,
) -> None:
    orphan = factories.report_submitted(report_id=uuid.uuid4())
    crashed = subprocess.run(  # noqa: ASYNC221 - the crash must happen in its own process
        [
            sys.executable,
            "-c",
            CRASH_AFTER_THE_WRITE,
            servers.mongo_uri,
            database_name,
            orphan.model_dump_json(),
        ],
        check=False,
        timeout=60,
    )
    watch = await probe(topics.REPORT_SUBMITTED)
    key = str(orphan.report_id)

    async with running(create_app(settings)):
        await watch.wait_for(topics.REPORT_SUBMITTED, key)

        async def drained() -> bool:
            stored = await mongo[database_name]["reports"].find_one({"_id": key})
            return stored is not None and stored["outbox"] == []

        await eventually(drained, what="the relayed event to leave the outbox")

    assert crashed.returncode == -signal.SIGKILL
    # Nothing is pending any more, so nothing can be published again: exactly once.
    (record,) = watch.matching(topics.REPORT_SUBMITTED, key)
    assert ReportSubmitted.model_validate_json(record.value) == orphan
