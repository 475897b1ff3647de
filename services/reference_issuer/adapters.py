"""Reference issuer's Mongo adapter."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from services.reference_issuer.ports import ReferenceRecord
from shared.events import ReferenceIssued, ReportSubmitted
from shared.guards import first_stands, insert_once, update_once
from shared.mongo import Document
from shared.outbox import EventPublisher, Outbox
from shared.references import Reference


class MongoReferences:
    """`References` in `references` (one per report) and `sequences` (one per force-day)."""

    def __init__(self, database: AsyncDatabase[Document], publisher: EventPublisher) -> None:
        self._references = database["references"]
        self._sequences = database["sequences"]
        self.outbox = Outbox(self._references, publisher)

    async def create_indexes(self) -> None:
        await self._references.create_index("reference", unique=True)

    async def issued_to(self, report_id: uuid.UUID) -> str | None:
        document = await self._references.find_one({"_id": str(report_id)}, {"reference": 1})
        return None if document is None else str(document["reference"])

    async def next_sequence(self, force_code: str, day: date) -> int:
        counter = await self._sequences.find_one_and_update(
            {"_id": f"{force_code}-{day:%Y%m%d}"},
            {"$inc": {"last": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert counter is not None, "an upsert always returns the document"
        return int(counter["last"])

    async def assign(self, issued: ReferenceIssued, submitted: ReportSubmitted) -> str:
        document = {
            "_id": str(issued.report_id),
            "reference": issued.reference,
            "force_code": issued.force_code,
            "report_type": submitted.report_type.value,
            "received_at": submitted.received_at,
            "issued_at": issued.issued_at,
        }
        # A collision of the reference itself (no record for this report) propagates:
        # a reference is never handed out twice.
        existing = await insert_once(
            self.outbox.insert(document, [issued]), lambda: self.issued_to(issued.report_id)
        )
        return issued.reference if existing is None else existing

    async def record_reply(self, report_id: uuid.UUID, replied_at: datetime) -> None:
        first_reply = first_stands("replied_at")
        await update_once(
            self._references, str(report_id), first_reply, {"$set": {"replied_at": replied_at}}
        )

    async def find(self, reference: Reference) -> ReferenceRecord | None:
        document = await self._references.find_one({"reference": str(reference)})
        if document is None:
            return None
        return ReferenceRecord(
            reference=document["reference"],
            report_id=uuid.UUID(document["_id"]),
            report_type=document["report_type"],
            received_at=document["received_at"],
            issued_at=document["issued_at"],
            replied_at=document.get("replied_at"),
        )
