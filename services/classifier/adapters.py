"""Classifier's Mongo adapter."""

from __future__ import annotations

import dataclasses
import uuid

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.events import ReportClassified
from shared.mongo import Document
from shared.outbox import EventPublisher, Outbox, outbox_entries
from services.classifier.domain import Assessment


class MongoAssessments:
    """`Assessments` in the `assessments` collection, one document per report."""

    def __init__(self, database: AsyncDatabase[Document], publisher: EventPublisher) -> None:
        self._collection = database["assessments"]
        self.outbox = Outbox(self._collection, publisher)

    async def record(
        self, report_id: uuid.UUID, assessment: Assessment, classified: ReportClassified
    ) -> None:
        document = {
            "assessment": dataclasses.asdict(assessment),
            "sequence": classified.sequence,
            "assessed_at": classified.occurred_at,
            "outbox": outbox_entries([classified]),
        }
        try:
            await self._collection.update_one(
                {"_id": str(report_id)}, {"$setOnInsert": document}, upsert=True
            )
        except DuplicateKeyError:
            pass  # another instance recorded it first: the same assessment

    async def publish_pending(self, report_id: uuid.UUID) -> None:
        await self.outbox.flush(str(report_id))
