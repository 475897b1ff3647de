"""Notifier's Mongo adapter: the per-report join of events and the state of each reply."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.notifier.domain import (
    FINISHED_STATES,
    Claim,
    Classification,
    ReplyRecord,
    ReportFacts,
)
from services.notifier.ports import Sent
from shared.documents import ContactDocument
from shared.events import (
    CauseRef,
    ContactMethod,
    Event,
    ReferenceIssued,
    ReplyKind,
    ReportClassified,
    ReportSubmitted,
)
from shared.guards import (
    UNGUARDED,
    Guard,
    Lease,
    first_stands,
    newer_only,
    remember,
    still,
    take,
)
from shared.mongo import TRANSIENT_MONGO_ERRORS, Document
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
        contact = None if event.contact is None else ContactDocument.of(event.contact)
        facts = {
            "cause": CauseRef.of(event).to_document(),
            "report_type": event.report_type.value,
            "contact": None if contact is None else contact.model_dump(mode="json"),
            "anonymous": event.anonymous,
            "emergency_reported": event.happening_now or event.someone_in_danger,
        }
        return await self._upsert(event.report_id, first_stands("cause"), {"$set": facts})

    async def remember_classification(self, event: ReportClassified) -> ReportFacts | None:
        classification = {
            "grade": event.grade,
            "next_steps": event.next_steps,
            "referral": event.referral,
            "flags": event.flags,
            "sequence": event.sequence,
        }
        newer = newer_only("classification.sequence", event.sequence)
        return await self._upsert(
            event.report_id, newer, {"$set": {"classification": classification}}
        )

    async def remember_reference(self, event: ReferenceIssued) -> ReportFacts | None:
        first = first_stands("reference")
        return await self._upsert(event.report_id, first, {"$set": {"reference": event.reference}})

    async def remember_breach(self, report_id: uuid.UUID) -> ReportFacts | None:
        return await self._upsert(report_id, UNGUARDED, {"$set": {"breached": True}})

    async def _upsert(
        self, report_id: uuid.UUID, guard: Guard, update: Document
    ) -> ReportFacts | None:
        document = await remember(self._collection, str(report_id), guard, update)
        return None if document is None else _facts(document)

    async def facts(self, report_id: uuid.UUID) -> ReportFacts | None:
        document = await self._collection.find_one({"_id": str(report_id)}, {"outbox": 0})
        return None if document is None else _facts(document)

    async def claim(self, report_id: uuid.UUID, kind: ReplyKind, now: datetime) -> Claim:
        field = f"replies.{kind.value}"
        lease = Lease(field, self._lease, held="sending", released="retry")
        if await take(self._collection, str(report_id), lease.free(now), lease.hold(now)):
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
        sending = still(f"{field}.state", "sending")
        await self.outbox.update(sending.on(str(report_id)), {"$set": record}, outcome.events)

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
            still(f"{field}.state", "sent").on(str(report_id)),
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
        contact=None if contact is None else ContactDocument.model_validate(contact).to_contact(),
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
