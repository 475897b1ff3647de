"""Classifier's Mongo adapter."""

from __future__ import annotations

import dataclasses
import uuid
from contextlib import suppress

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.classifier.domain import Assessment
from shared.events import ReportClassified
from shared.mongo import Document
from shared.outbox import EventPublisher, Outbox, outbox_entries


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
        with suppress(DuplicateKeyError):  # another instance recorded it first: the same assessment
            await self._collection.update_one(
                {"_id": str(report_id)}, {"$setOnInsert": document}, upsert=True
            )

    async def publish_pending(self, report_id: uuid.UUID) -> None:
        await self.outbox.flush(str(report_id))
