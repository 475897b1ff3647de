"""Classifier's Mongo adapter: one document per report, with its updates and assessment."""

from __future__ import annotations

import dataclasses
import uuid

from pymongo.asynchronous.database import AsyncDatabase

from services.classifier.domain import Assessment
from services.classifier.ports import ReportFacts
from shared.events import ReportClassified, ReportSubmitted, ReportUpdated
from shared.guards import UNGUARDED, newer_only, remember
from shared.mongo import Document
from shared.outbox import EventPublisher, Outbox


class MongoAssessments:
    """`Assessments` in the `assessments` collection."""

    def __init__(self, database: AsyncDatabase[Document], publisher: EventPublisher) -> None:
        self._collection = database["assessments"]
        self.outbox = Outbox(self._collection, publisher)

    async def _upsert(self, report_id: uuid.UUID, update: Document) -> ReportFacts | None:
        """Keep a fact: a redelivered event sets the same values again, so no guard."""
        document = await remember(self._collection, str(report_id), UNGUARDED, update)
        return None if document is None else _facts(document)

    async def remember_report(self, submitted: ReportSubmitted) -> ReportFacts | None:
        return await self._upsert(
            submitted.report_id, {"$set": {"report": submitted.model_dump(mode="json")}}
        )

    async def remember_update(self, updated: ReportUpdated) -> ReportFacts | None:
        return await self._upsert(
            updated.report_id,
            {"$set": {f"updates.{updated.update_number}": updated.model_dump(mode="json")}},
        )

    async def facts(self, report_id: uuid.UUID) -> ReportFacts | None:
        document = await self._collection.find_one({"_id": str(report_id)}, {"outbox": 0})
        return None if document is None else _facts(document)

    async def record(
        self, report_id: uuid.UUID, assessment: Assessment, classified: ReportClassified
    ) -> None:
        await self.outbox.update(
            newer_only("sequence", classified.sequence).on(str(report_id)),
            {
                "$set": {
                    "assessment": dataclasses.asdict(assessment),
                    "sequence": classified.sequence,
                    "assessed_at": classified.occurred_at,
                }
            },
            [classified],
        )


def _facts(document: Document) -> ReportFacts:
    report = document.get("report")
    updates = sorted(
        (ReportUpdated.model_validate(u) for u in document.get("updates", {}).values()),
        key=lambda update: update.update_number,
    )
    return ReportFacts(
        report=None if report is None else ReportSubmitted.model_validate(report),
        updates=tuple(updates),
        sequence=int(document.get("sequence", 0)),
    )
