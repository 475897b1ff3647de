"""New information on the real servers: intake numbers it and answers in the report's
language, the classifier re-grades."""

from __future__ import annotations

import uuid

import httpx
import pytest

from services.classifier.app import create_app as create_classifier
from services.classifier.settings import ClassifierSettings
from services.intake.app import create_app as create_intake
from services.intake.updates import UPDATES_RECEIVED
from shared import topics
from shared.events import ReportClassified, ReportUpdated
from shared.guidance import URGENT_GUIDANCE
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.integration.conftest import StartProbe, eventually, running
from tests.integration.test_intake_service import WEB, intake_settings

pytestmark = pytest.mark.integration


async def test_an_update_saying_someone_is_in_danger_re_grades_the_report_to_1(
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    probe: StartProbe,
) -> None:
    intake = create_intake(intake_settings(kafka_settings, mongo_settings, database_name))
    classifier = create_classifier(
        ClassifierSettings(kafka=kafka_settings, mongo=mongo_settings, database=database_name)
    )
    watch = await probe(topics.REPORT_CLASSIFIED, topics.REPORT_UPDATED)
    update = {"information": "He has come back and he has a knife", "someone_in_danger": True}
    headers = WEB | {"Idempotency-Key": f"update-{uuid.uuid4()}"}

    async with running(intake), running(classifier):
        transport = httpx.ASGITransport(app=intake)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            report = (
                await client.post("/v1/reports", json=factories.submission_body(), headers=WEB)
            ).json()
            url = f"/v1/reports/{report['report_id']}/updates"
            as_reporter = {"token": report["status_token"]}  # the web reporter adds to it
            added = await client.post(url, json=update, headers=headers, params=as_reporter)
            repeated = await client.post(url, json=update, headers=headers, params=as_reporter)
            conflicting = await client.post(
                url, json={"information": "Other"}, headers=headers, params=as_reporter
            )
            unknown = await client.post(
                f"/v1/reports/{uuid.uuid4()}/updates", json=update, headers=WEB
            )
            (updated,) = await watch.wait_for(topics.REPORT_UPDATED, report["report_id"])

            async def latest_is_second() -> ReportClassified | None:
                await watch.poll()
                records = watch.matching(topics.REPORT_CLASSIFIED, report["report_id"])
                events = [ReportClassified.model_validate_json(r.value) for r in records]
                latest = max(events, key=lambda event: event.sequence, default=None)
                return latest if latest is not None and latest.sequence == 2 else None

            latest = await eventually(latest_is_second, what="the re-assessment")

    assert (added.status_code, repeated.status_code) == (202, 202)
    assert added.json()["update_number"] == repeated.json()["update_number"] == 1
    assert "call 999" in added.json()["guidance"][0]
    assert (conflicting.status_code, unknown.status_code) == (409, 404)
    assert ReportUpdated.model_validate_json(updated.value).someone_in_danger is True
    # The first assessment is skipped when the update reaches the classifier first.
    assert (latest.sequence, latest.grade) == (2, 1)
    assert "weapon" in latest.flags
    assert latest.thrive["threat"].level == "high"
    assert "text:weapon" in latest.thrive["threat"].rules


async def test_an_urgent_update_to_a_welsh_report_is_answered_in_welsh(
    kafka_settings: KafkaSettings, mongo_settings: MongoSettings, database_name: str
) -> None:
    intake = create_intake(intake_settings(kafka_settings, mongo_settings, database_name))
    contact = factories.submission_body()["contact"] | {"language": "cy"}
    update = {"information": "Mae e wedi dod yn ôl", "someone_in_danger": True}

    async with running(intake):
        transport = httpx.ASGITransport(app=intake)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            body = factories.submission_body(contact=contact)
            report = (await client.post("/v1/reports", json=body, headers=WEB)).json()
            added = await client.post(
                f"/v1/reports/{report['report_id']}/updates",
                json=update,
                headers=WEB,
                params={"token": report["status_token"]},
            )

    assert added.status_code == 202
    assert added.json()["guidance"] == [URGENT_GUIDANCE["cy"].answer, UPDATES_RECEIVED["cy"]]
