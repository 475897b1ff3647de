"""Classifier's Mongo adapter: one document per report, with its updates and assessment.

The report and its updates are kept in their stored forms (`shared.documents`), not as
the events: they are read back on every event without validating the events again.
"""

from __future__ import annotations

import dataclasses
import uuid

from pydantic import BaseModel, ConfigDict, Field
from pymongo.asynchronous.database import AsyncDatabase

from services.classifier.domain import Assessment
from services.classifier.ports import ReportFacts
from shared.documents import SubmissionDocument, UpdateDocument
from shared.events import ReportClassified, ReportSubmitted, ReportUpdated
from shared.guards import UNGUARDED, newer_only, remember
from shared.mongo import Document
from shared.outbox import EventPublisher, Outbox


class AssessmentRecord(BaseModel):
    """An `assessments` document as the classifier reads it back (its assessment aside)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    report: SubmissionDocument | None = None
    #: By update number (as text: a sub-document's keys), so a redelivery replaces itself.
    updates: dict[str, UpdateDocument] = Field(default_factory=dict)
    sequence: int = 0

    def to_facts(self) -> ReportFacts:
        updates = sorted(self.updates.values(), key=lambda update: update.update_number)
        return ReportFacts(
            report=None if self.report is None else self.report.to_event(),
            updates=tuple(update.to_event() for update in updates),
            sequence=self.sequence,
        )


class MongoAssessments:
    """`Assessments` in the `assessments` collection."""

    def __init__(self, database: AsyncDatabase[Document], publisher: EventPublisher) -> None:
        self._collection = database["assessments"]
        self.outbox = Outbox(self._collection, publisher)

    async def _upsert(self, report_id: uuid.UUID, update: Document) -> ReportFacts | None:
        """Keep a fact: a redelivered event sets the same values again, so no guard."""
        document = await remember(self._collection, str(report_id), UNGUARDED, update)
        return None if document is None else AssessmentRecord.model_validate(document).to_facts()

    async def remember_report(self, submitted: ReportSubmitted) -> ReportFacts | None:
        return await self._upsert(
            submitted.report_id,
            {"$set": {"report": SubmissionDocument.of(submitted).model_dump(mode="json")}},
        )

    async def remember_update(self, updated: ReportUpdated) -> ReportFacts | None:
        stored = UpdateDocument.of(updated).model_dump(mode="json")
        return await self._upsert(
            updated.report_id, {"$set": {f"updates.{updated.update_number}": stored}}
        )

    async def facts(self, report_id: uuid.UUID) -> ReportFacts | None:
        document = await self._collection.find_one({"_id": str(report_id)}, {"outbox": 0})
        return None if document is None else AssessmentRecord.model_validate(document).to_facts()

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
