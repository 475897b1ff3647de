"""References on the real servers under pressure: two issuers racing over 500 reports."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

import pytest
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from services.reference_issuer.adapters import MongoReferences
from services.reference_issuer.app import create_app
from services.reference_issuer.handlers import ReferenceIssuer
from services.reference_issuer.settings import ReferenceIssuerSettings
from shared import topics
from shared.clock import SystemClock
from shared.events import ReferenceIssued, ReportSubmitted
from shared.mongo import Document
from shared.references import validate_reference
from shared.settings import KafkaSettings, MongoSettings
from tests import factories
from tests.integration.conftest import StartProbe, publish, running

pytestmark = pytest.mark.integration

REPORTS = 500
LONDON = ZoneInfo("Europe/London")


class Unpublished:
    async def publish(self, message: Document) -> None:
        """The race is about Mongo; the events stay in the outbox."""


async def test_two_issuers_racing_over_500_reports_give_each_exactly_one_reference(
    mongo: AsyncMongoClient[Document], database_name: str
) -> None:
    issuers = [MongoReferences(mongo[database_name], Unpublished()) for _ in range(2)]
    await issuers[0].create_indexes()
    reports = [factories.report_submitted() for _ in range(REPORTS)]

    async def both_issue(report: ReportSubmitted) -> list[str]:
        return list(
            await asyncio.gather(
                *(
                    ReferenceIssuer(issuer, SystemClock(), LONDON).issue_reference(report)
                    for issuer in issuers
                )
            )
        )

    answers = await asyncio.gather(*(both_issue(report) for report in reports))

    assert all(first == second for first, second in answers)
    references = [first for first, _ in answers]
    assert len(set(references)) == REPORTS
    assert all(validate_reference(r).force_code == "LP" for r in references)
    stored = await mongo[database_name]["references"].count_documents({})
    assert stored == REPORTS


async def test_two_issuer_services_sharing_the_work_issue_one_reference_per_report(
    kafka_settings: KafkaSettings,
    mongo_settings: MongoSettings,
    database_name: str,
    producer: AIOKafkaProducer,
    probe: StartProbe,
) -> None:
    settings = ReferenceIssuerSettings(
        kafka=kafka_settings, mongo=mongo_settings, database=database_name
    )
    reports = [factories.report_submitted() for _ in range(REPORTS)]
    watch = await probe(topics.REFERENCE_ISSUED)
    first, second = create_app(settings), create_app(settings)

    async with running(first):
        for report in reports[: REPORTS // 2]:
            await publish(producer, topics.REPORT_SUBMITTED, report)
        async with running(second):  # joins mid-stream: partitions move while work is done
            for report in reports[REPORTS // 2 :] + reports:  # every report delivered twice
                await publish(producer, topics.REPORT_SUBMITTED, report)
            for report in reports:
                await watch.wait_for(topics.REFERENCE_ISSUED, str(report.report_id))

    references_of = {
        str(report.report_id): {
            ReferenceIssued.model_validate_json(record.value).reference
            for record in watch.matching(topics.REFERENCE_ISSUED, str(report.report_id))
        }
        for report in reports
    }
    assert {report: refs for report, refs in references_of.items() if len(refs) != 1} == {}
    assert len({refs.pop() for refs in references_of.values()}) == len(reports)
