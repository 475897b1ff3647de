"""Intake's Mongo adapter: one document per report, its pending event in the same write."""

from __future__ import annotations

import uuid

from pymongo.asynchronous.database import AsyncDatabase

from shared.events import ReportSubmitted
from shared.mongo import Document
from shared.outbox import EventPublisher, Outbox, outbox_entries


class MongoReports:
    """`Reports` in the `reports` collection."""

    def __init__(self, database: AsyncDatabase[Document], publisher: EventPublisher) -> None:
        self._collection = database["reports"]
        self.outbox = Outbox(self._collection, publisher)

    async def add(self, submitted: ReportSubmitted) -> None:
        await self._collection.insert_one(
            {
                "_id": str(submitted.report_id),
                "force_code": submitted.force_code,
                "report_type": submitted.report_type.value,
                "channel": submitted.channel.value,
                "received_at": submitted.received_at,
                "report": submitted.model_dump(mode="json"),
                "outbox": outbox_entries([submitted]),
            }
        )

    async def publish_pending(self, report_id: uuid.UUID) -> None:
        await self.outbox.flush(str(report_id))
