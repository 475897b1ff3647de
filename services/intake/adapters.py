"""Intake's Mongo adapter: one document per report, its pending event in the same write."""

from __future__ import annotations

import uuid
from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.intake.handlers import ReportExistsError, StoredReport
from shared.events import ReportSubmitted
from shared.mongo import Document
from shared.outbox import EventPublisher, Outbox, outbox_entries


class MongoReports:
    """`Reports` in the `reports` collection."""

    def __init__(self, database: AsyncDatabase[Document], publisher: EventPublisher) -> None:
        self._collection = database["reports"]
        self.outbox = Outbox(self._collection, publisher)

    async def add(self, submitted: ReportSubmitted, fingerprint: str) -> None:
        try:
            await self._collection.insert_one(
                {
                    "_id": str(submitted.report_id),
                    "fingerprint": fingerprint,
                    "force_code": submitted.force_code,
                    "report_type": submitted.report_type.value,
                    "channel": submitted.channel.value,
                    "received_at": submitted.received_at,
                    "report": submitted.model_dump(mode="json"),
                    "outbox": outbox_entries([submitted]),
                }
            )
        except DuplicateKeyError:
            existing = await self.get(submitted.report_id)
            if existing is None:
                raise
            raise ReportExistsError(existing) from None

    async def get(self, report_id: uuid.UUID) -> StoredReport | None:
        document = await self._collection.find_one({"_id": str(report_id)}, {"outbox": 0})
        if document is None:
            return None
        return StoredReport(
            submitted=ReportSubmitted.model_validate(document["report"]),
            fingerprint=document["fingerprint"],
            reference=document.get("reference"),
            replied_at=document.get("replied_at"),
        )

    async def record_reference(self, report_id: uuid.UUID, reference: str) -> None:
        await self._collection.update_one(
            {"_id": str(report_id)}, {"$set": {"reference": reference}}
        )

    async def record_reply(self, report_id: uuid.UUID, replied_at: datetime) -> None:
        first_reply = {"_id": str(report_id), "replied_at": {"$exists": False}}
        await self._collection.update_one(first_reply, {"$set": {"replied_at": replied_at}})

    async def publish_pending(self, report_id: uuid.UUID) -> None:
        await self.outbox.flush(str(report_id))
