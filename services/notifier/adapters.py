"""Notifier's Mongo adapter: the per-report join of events and the state of each reply."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from services.notifier.domain import (
    FINISHED_STATES,
    Claim,
    Classification,
    ReplyRecord,
    ReportFacts,
)
from services.notifier.ports import Sent
from shared.events import (
    CauseRef,
    Contact,
    ContactMethod,
    Event,
    ReferenceIssued,
    ReplyKind,
    ReportClassified,
    ReportSubmitted,
)
from shared.mongo import TRANSIENT_MONGO_ERRORS, Document, remember
from shared.outbox import EventPublisher, Outbox


class MongoReplies:
    """`Replies` in the `replies` collection: one document per report."""

    def __init__(
        self, database: AsyncDatabase[Document], publisher: EventPublisher, claim_lease_s: float
    ) -> None:
        self._collection = database["replies"]
        self._lease = timedelta(seconds=claim_lease_s)
        self.outbox = Outbox(self._collection, publisher)

    async def create_indexes(self) -> None:
        for kind in ReplyKind:
            await self._collection.create_index(f"replies.{kind.value}.provider_id")

    async def remember_submission(self, event: ReportSubmitted) -> ReportFacts | None:
        contact = None if event.contact is None else event.contact.model_dump(mode="json")
        facts = {
            "cause": CauseRef.of(event).to_document(),
            "report_type": event.report_type.value,
            "contact": contact,
            "anonymous": event.anonymous,
            "emergency_reported": event.happening_now or event.someone_in_danger,
        }
        first = {"_id": str(event.report_id), "cause": {"$exists": False}}
        return await self._upsert(first, {"$set": facts})

    async def remember_classification(self, event: ReportClassified) -> ReportFacts | None:
        classification = {
            "grade": event.grade,
            "next_steps": event.next_steps,
            "referral": event.referral,
            "flags": event.flags,
            "sequence": event.sequence,
        }
        newer = {
            "_id": str(event.report_id),
            "$or": [
                {"classification": {"$exists": False}},
                {"classification.sequence": {"$lt": event.sequence}},
            ],
        }
        return await self._upsert(newer, {"$set": {"classification": classification}})

    async def remember_reference(self, event: ReferenceIssued) -> ReportFacts | None:
        first = {"_id": str(event.report_id), "reference": {"$exists": False}}
        return await self._upsert(first, {"$set": {"reference": event.reference}})

    async def remember_breach(self, report_id: uuid.UUID) -> ReportFacts | None:
        return await self._upsert({"_id": str(report_id)}, {"$set": {"breached": True}})

    async def _upsert(self, query: Document, update: Document) -> ReportFacts | None:
        document = await remember(self._collection, query, update)
        return None if document is None else _facts(document)

    async def facts(self, report_id: uuid.UUID) -> ReportFacts | None:
        document = await self._collection.find_one({"_id": str(report_id)}, {"outbox": 0})
        return None if document is None else _facts(document)

    async def claim(self, report_id: uuid.UUID, kind: ReplyKind, now: datetime) -> Claim:
        field = f"replies.{kind.value}"
        claimable = {
            "_id": str(report_id),
            "$or": [
                {field: {"$exists": False}},
                {f"{field}.state": "retry"},
                {f"{field}.state": "sending", f"{field}.claimed_at": {"$lt": now - self._lease}},
            ],
        }
        claimed = await self._collection.find_one_and_update(
            claimable,
            {"$set": {f"{field}.state": "sending", f"{field}.claimed_at": now}},
            return_document=ReturnDocument.AFTER,
        )
        if claimed is not None:
            return Claim.CLAIMED
        current = await self._collection.find_one({"_id": str(report_id)}, {field: 1})
        state = (current or {}).get("replies", {}).get(kind.value, {}).get("state")
        return Claim.FINISHED if state in FINISHED_STATES else Claim.HELD

    async def finish(self, report_id: uuid.UUID, kind: ReplyKind, outcome: Sent) -> None:
        """Record a send's outcome, retrying through a short Mongo outage: the message is
        already with the provider, and an unrecorded send is re-sent once the claim expires."""
        deadline = time.monotonic() + self._lease.total_seconds() / 2
        while True:
            try:
                await self._finish_once(report_id, kind, outcome)
                return
            except TRANSIENT_MONGO_ERRORS:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)

    async def _finish_once(self, report_id: uuid.UUID, kind: ReplyKind, outcome: Sent) -> None:
        field = f"replies.{kind.value}"
        record = {
            f"{field}.state": outcome.state,
            f"{field}.tried": [channel.value for channel in outcome.tried],
            f"{field}.provider_id": outcome.provider_id,
        }
        await self.outbox.update(
            {"_id": str(report_id), f"{field}.state": "sending"}, {"$set": record}, outcome.events
        )

    async def sent_with(self, provider_id: str) -> tuple[uuid.UUID, ReplyKind] | None:
        for kind in ReplyKind:
            document = await self._collection.find_one(
                {f"replies.{kind.value}.provider_id": provider_id}, {"_id": 1}
            )
            if document is not None:
                return uuid.UUID(document["_id"]), kind
        return None

    async def settle(
        self, report_id: uuid.UUID, kind: ReplyKind, state: str, events: list[Event]
    ) -> bool:
        field = f"replies.{kind.value}"
        return await self.outbox.update(
            {"_id": str(report_id), f"{field}.state": "sent"},
            {"$set": {f"{field}.state": state}},
            events,
        )


def _facts(document: Document) -> ReportFacts:
    classification = document.get("classification")
    contact = document.get("contact")
    cause = document.get("cause")
    return ReportFacts(
        cause=None if cause is None else CauseRef.from_document(cause),
        report_type=document.get("report_type"),
        contact=None if contact is None else Contact.model_validate(contact),
        anonymous=bool(document.get("anonymous", False)),
        classification=None if classification is None else _classification(classification),
        reference=document.get("reference"),
        replies={kind: _record(value) for kind, value in document.get("replies", {}).items()},
        emergency_reported=bool(document.get("emergency_reported", False)),
        breached=bool(document.get("breached", False)),
    )


def _record(document: dict[str, Any]) -> ReplyRecord:
    return ReplyRecord(
        state=document["state"],
        tried=tuple(ContactMethod(channel) for channel in document.get("tried", [])),
    )


def _classification(document: dict[str, Any]) -> Classification:
    return Classification(
        grade=document["grade"],
        next_steps=document["next_steps"],
        referral=document.get("referral"),
        flags=tuple(document.get("flags", ())),
        sequence=document["sequence"],
    )
