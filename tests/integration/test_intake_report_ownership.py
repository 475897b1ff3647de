"""Whose report is it, on the real servers: only the key that submitted a report, its
reporter (with the status token) or a call handler may add to it (finding 2), and report
ids are namespaced by the submitting key (finding 12)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pymongo import AsyncMongoClient

from services.intake.app import create_app
from shared import topics
from shared.events import Channel, ReportUpdated, UpdateRole
from shared.mongo import Document
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.integration.conftest import StartProbe, running
from tests.integration.test_intake_service import PARTNER, WEB, intake_settings

pytestmark = pytest.mark.integration

OTHER_WEB = {"Authorization": "Bearer other-web-key"}
PHONE = {"Authorization": "Bearer phone-key"}
KEYS = {
    "web-key": Channel.WEB,
    "other-web-key": Channel.WEB,
    "partner-key": Channel.PARTNER,
    "phone-key": Channel.PHONE,
}
URGENT = {"information": "He is back, hitting the door", "happening_now": True}


@pytest.fixture
async def app(
    kafka_settings: KafkaSettings, mongo_settings: MongoSettings, database_name: str
) -> AsyncIterator[FastAPI]:
    application = create_app(
        intake_settings(kafka_settings, mongo_settings, database_name, api_keys=KEYS)
    )
    async with running(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as http:
        yield http


async def _web_report(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    answer = await client.post(
        "/v1/reports", json=factories.submission_body(**overrides), headers=WEB
    )
    assert answer.status_code == 202
    return dict(answer.json())


async def test_finding_2_a_web_report_is_updated_only_by_its_key_reporter_or_call_handler(
    client: httpx.AsyncClient,
    database_name: str,
    mongo: AsyncMongoClient[Document],
    probe: StartProbe,
) -> None:
    watch = await probe(topics.REPORT_UPDATED)
    report = await _web_report(client)
    url = f"/v1/reports/{report['report_id']}/updates"
    as_reporter = {"token": report["status_token"]}

    partner = await client.post(url, json=URGENT, headers=PARTNER)
    other_web = await client.post(url, json=URGENT, headers=OTHER_WEB)
    guessed_token = await client.post(url, json=URGENT, headers=PARTNER, params={"token": "x"})
    reporter = await client.post(url, json=URGENT, headers=OTHER_WEB, params=as_reporter)
    call_handler = await client.post(url, json={"information": "Caller rang"}, headers=PHONE)
    # The web key is every citizen's: with it alone, nobody may add to a web report.
    same_web_key = await client.post(url, json=URGENT, headers=WEB)
    submitter = await client.post(url, json={"information": "One more thing"}, headers=WEB)
    records = await watch.wait_for(topics.REPORT_UPDATED, report["report_id"], count=2)

    refused = (partner, other_web, guessed_token, same_web_key, submitter)
    assert [answer.status_code for answer in refused] == [404, 404, 404, 404, 404]
    assert (
        partner.json()
        == (
            await client.post(f"/v1/reports/{uuid.uuid4()}/updates", json=URGENT, headers=PARTNER)
        ).json()
    )
    assert [a.status_code for a in (reporter, call_handler)] == [202, 202]
    # The refused updates made no ReportUpdated (so no re-grade and no call-999 email):
    # the two accepted ones are numbered 1 and 2.
    await watch.poll()
    events = [
        ReportUpdated.model_validate_json(record.value)
        for record in watch.matching(topics.REPORT_UPDATED, report["report_id"])
    ]
    assert len(records) == 2
    assert [event.update_number for event in events] == [1, 2]
    givers = [event.given_by for event in events]
    assert [giver.role if giver else None for giver in givers] == [
        UpdateRole.REPORTER,
        UpdateRole.CALL_HANDLER,
    ]
    assert [giver.channel if giver else None for giver in givers] == [Channel.WEB, Channel.PHONE]
    stored = await mongo[database_name]["reports"].find_one({"_id": report["report_id"]})
    assert stored is not None
    assert [entry["given_by"]["role"] for entry in stored["updates"]] == [
        "reporter",
        "call_handler",
    ]


async def test_finding_2_updates_keep_to_the_types_the_channel_handles(
    client: httpx.AsyncClient,
) -> None:
    report = await _web_report(client, **factories.submission_of("missing_person"))
    url = f"/v1/reports/{report['report_id']}/updates"

    answer = await client.post(
        url, json=URGENT, headers=PARTNER, params={"token": report["status_token"]}
    )

    assert answer.status_code == 403
    assert answer.json()["detail"] == "the partner channel may not update missing_person reports"


async def test_finding_12_two_keys_of_one_channel_with_one_idempotency_key_make_two_reports(
    client: httpx.AsyncClient,
) -> None:
    idempotency = {"Idempotency-Key": f"form-{uuid.uuid4()}"}
    body = factories.submission_body()

    first = await client.post("/v1/reports", json=body, headers=WEB | idempotency)
    again = await client.post("/v1/reports", json=body, headers=WEB | idempotency)
    other_key = await client.post("/v1/reports", json=body, headers=OTHER_WEB | idempotency)

    assert (first.status_code, again.status_code, other_key.status_code) == (202, 202, 202)
    assert again.json()["report_id"] == first.json()["report_id"]
    assert other_key.json()["report_id"] != first.json()["report_id"]
    assert uuid.UUID(first.json()["report_id"]) != uuid.uuid5(
        uuid.UUID("6f1d8a52-3c49-4f0e-9f57-1b2a3c4d5e6f"), f"web:{idempotency['Idempotency-Key']}"
    )
