"""Intake's Mongo adapter: one document per report, its pending event in the same write.

The document keeps the report in intake's stored form (`SubmissionDocument`), not as the
event: it is read back without validating the event again.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict
from pymongo.asynchronous.database import AsyncDatabase

from services.intake.ports import (
    IdempotencyConflictError,
    ReportExistsError,
    ReportNotFoundError,
    StaffStanding,
    StoredReport,
    UpdateAdded,
)
from shared.documents import SubmissionDocument
from shared.errors import TransientError
from shared.events import ReportSubmitted, ReportUpdated
from shared.guards import (
    UNGUARDED,
    first_stands,
    insert_once,
    keep_first,
    newer_only,
    unchanged,
    update_once,
)
from shared.mongo import Document
from shared.outbox import EventPublisher, Outbox

#: How often to look again when another request took the next update number first.
APPEND_ATTEMPTS = 5


class ReportRecord(BaseModel):
    """A `reports` document as intake reads it back (its outbox and updates aside)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    fingerprint: str
    key_id: str | None = None
    report: SubmissionDocument
    reference: str | None = None
    replied_at: AwareDatetime | None = None
    standing: StaffStanding | None = None
    neutral_wording: bool = False
    last_update_at: AwareDatetime | None = None

    @staticmethod
    def document(submitted: ReportSubmitted, fingerprint: str, key_id: str | None) -> Document:
        """The document a new report is stored as; the top-level copies serve queries."""
        return {
            "_id": str(submitted.report_id),
            "fingerprint": fingerprint,
            "force_code": submitted.force_code,
            "report_type": submitted.report_type.value,
            "channel": submitted.channel.value,
            "key_id": key_id,
            "received_at": submitted.received_at,
            "report": SubmissionDocument.of(submitted).model_dump(mode="json"),
        }

    def to_stored_report(self) -> StoredReport:
        return StoredReport(
            submitted=self.report.to_event(),
            fingerprint=self.fingerprint,
            key_id=self.key_id,
            reference=self.reference,
            replied_at=self.replied_at,
            standing=self.standing,
            neutral_wording=self.neutral_wording,
            last_update_at=self.last_update_at,
        )


def _earlier_update(
    document: dict[str, Any], key: str | None, fingerprint: str
) -> UpdateAdded | None:
    if key is None:
        return None
    for entry in document.get("updates", []):
        if entry.get("key") == key:
            if entry["fingerprint"] != fingerprint:
                raise IdempotencyConflictError(key)
            return UpdateAdded(entry["number"], repeated=True)
    return None


class MongoReports:
    """`Reports` in the `reports` collection."""

    def __init__(self, database: AsyncDatabase[Document], publisher: EventPublisher) -> None:
        self._collection = database["reports"]
        self.outbox = Outbox(self._collection, publisher)

    async def add(
        self, submitted: ReportSubmitted, fingerprint: str, key_id: str | None = None
    ) -> None:
        document = ReportRecord.document(submitted, fingerprint, key_id)
        inserted = self.outbox.insert(document, [submitted])
        existing = await insert_once(inserted, lambda: self.get(submitted.report_id))
        if existing is not None:
            raise ReportExistsError(existing)

    async def get(self, report_id: uuid.UUID) -> StoredReport | None:
        document = await self._collection.find_one({"_id": str(report_id)}, {"outbox": 0})
        if document is None:
            return None
        return ReportRecord.model_validate(document).to_stored_report()

    async def record_reference(self, report_id: uuid.UUID, reference: str) -> str | None:
        kept = await keep_first(self._collection, str(report_id), "reference", reference)
        return None if kept is None else str(kept)

    async def record_reply(self, report_id: uuid.UUID, replied_at: datetime) -> None:
        first_reply = first_stands("replied_at")
        await update_once(
            self._collection, str(report_id), first_reply, {"$set": {"replied_at": replied_at}}
        )

    async def record_standing(
        self, report_id: uuid.UUID, standing: StaffStanding, *, neutral: bool
    ) -> None:
        """Two idempotent writes: neutral wording, once set, stays set (an older neutral
        message arriving late still counts); the standing is replaced by newer ones only."""
        if neutral:
            neutral_wording = {"$set": {"neutral_wording": True}}
            await update_once(self._collection, str(report_id), UNGUARDED, neutral_wording)
        newer = newer_only("standing.action_number", standing.action_number)
        kept = {"$set": {"standing": dataclasses.asdict(standing)}}
        await update_once(self._collection, str(report_id), newer, kept)

    async def report(self, report_id: uuid.UUID) -> StoredReport | None:
        return await self.get(report_id)

    async def append(
        self,
        report_id: uuid.UUID,
        event_for: Callable[[int], ReportUpdated],
        key: str | None,
        fingerprint: str,
    ) -> UpdateAdded:
        """Optimistic: take number n+1 only if the count is still n, else look again."""
        for _ in range(APPEND_ATTEMPTS):
            document = await self._collection.find_one(
                {"_id": str(report_id)}, {"update_count": 1, "updates": 1}
            )
            if document is None:
                raise ReportNotFoundError(str(report_id))
            earlier = _earlier_update(document, key, fingerprint)
            if earlier is not None:
                return earlier
            count = int(document.get("update_count", 0))
            if await self._take_number(report_id, count, event_for(count + 1), key, fingerprint):
                return UpdateAdded(count + 1, repeated=False)
        raise TransientError("updates of this report keep racing; try again")

    async def _take_number(
        self,
        report_id: uuid.UUID,
        count: int,
        event: ReportUpdated,
        key: str | None,
        fingerprint: str,
    ) -> bool:
        entry = {
            "number": event.update_number,
            "key": key,
            "fingerprint": fingerprint,
            "given_by": None if event.given_by is None else event.given_by.model_dump(mode="json"),
        }
        return await self.outbox.update(
            unchanged("update_count", count).on(str(report_id)),
            {
                "$set": {"update_count": count + 1, "last_update_at": event.occurred_at},
                "$push": {"updates": entry},
            },
            [event],
        )
