"""Reference issuer's Mongo adapter."""

from __future__ import annotations

import uuid
from datetime import date

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from shared.events import ReferenceIssued
from shared.guards import insert_once
from shared.mongo import Document
from shared.outbox import EventPublisher, Outbox


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

    async def assign(self, issued: ReferenceIssued) -> str:
        document = {
            "_id": str(issued.report_id),
            "reference": issued.reference,
            "force_code": issued.force_code,
            "issued_at": issued.issued_at,
        }
        # A collision of the reference itself (no record for this report) propagates:
        # a reference is never handed out twice.
        existing = await insert_once(
            self.outbox.insert(document, [issued]), lambda: self.issued_to(issued.report_id)
        )
        return issued.reference if existing is None else existing
