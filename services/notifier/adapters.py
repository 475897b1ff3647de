"""Notifier's Mongo adapter: the per-report join of events and the state of each reply.

One document per report. The automatic replies' records are `replies.<kind>`; a staff
message is kept at `requests.<request_id>` (what to send, and its cause) and its reply's
record, the same claim and outcome, at `staff.<request_id>`; `staff_provider_ids` finds a
staff reply by its provider's message id (for receipts)."""

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
    ReplyKey,
    ReplyRecord,
    ReportFacts,
    StaffRequest,
)
from services.notifier.ports import Sent
from shared.documents import ContactDocument
from shared.events import (
    AUTOMATIC_REPLY_KINDS,
    CauseRef,
    ContactMethod,
    Event,
    ReferenceIssued,
    ReplyKind,
    ReportClassified,
    ReportSubmitted,
    StaffMessage,
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
        for kind in AUTOMATIC_REPLY_KINDS:
            await self._collection.create_index(f"replies.{kind.value}.provider_id")
        await self._collection.create_index(STAFF_PROVIDER_IDS)

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

    async def remember_staff_request(self, request: StaffRequest) -> ReportFacts | None:
        field = f"requests.{request.message.request_id}"
        kept = {
            "kind": request.kind.value,
            "cause": request.cause.to_document(),
            "action_number": request.action_number,
            "message": request.message.model_dump(mode="json"),
        }
        report_id = request.cause.report_id
        return await self._upsert(report_id, first_stands(field), {"$set": {field: kept}})

    async def _upsert(
        self, report_id: uuid.UUID, guard: Guard, update: Document
    ) -> ReportFacts | None:
        document = await remember(self._collection, str(report_id), guard, update)
        return None if document is None else _facts(document)

    async def facts(self, report_id: uuid.UUID) -> ReportFacts | None:
        document = await self._collection.find_one({"_id": str(report_id)}, {"outbox": 0})
        return None if document is None else _facts(document)

    async def claim(self, report_id: uuid.UUID, key: ReplyKey, now: datetime) -> Claim:
        field = _record_field(key)
        lease = Lease(field, self._lease, held="sending", released="retry")
        if await take(self._collection, str(report_id), lease.free(now), lease.hold(now)):
            return Claim.CLAIMED
        current = await self._collection.find_one({"_id": str(report_id)}, {field: 1})
        section, name = field.split(".")
        state = (current or {}).get(section, {}).get(name, {}).get("state")
        return Claim.FINISHED if state in FINISHED_STATES else Claim.HELD

    async def finish(self, report_id: uuid.UUID, key: ReplyKey, outcome: Sent) -> None:
        """Record a send's outcome, retrying through a short Mongo outage: the message is
        already with the provider, and an unrecorded send is re-sent once the claim expires."""
        deadline = time.monotonic() + self._lease.total_seconds() / 2
        while True:
            try:
                await self._finish_once(report_id, key, outcome)
                return
            except TRANSIENT_MONGO_ERRORS:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)

    async def _finish_once(self, report_id: uuid.UUID, key: ReplyKey, outcome: Sent) -> None:
        field = _record_field(key)
        record = {
            f"{field}.state": outcome.state,
            f"{field}.tried": [channel.value for channel in outcome.tried],
            f"{field}.provider_id": outcome.provider_id,
        }
        update: Document = {"$set": record}
        if key.request_id is not None and outcome.provider_id is not None:
            update["$addToSet"] = {STAFF_PROVIDER_IDS: outcome.provider_id}
        sending = still(f"{field}.state", "sending")
        await self.outbox.update(sending.on(str(report_id)), update, outcome.events)

    async def sent_with(self, provider_id: str) -> tuple[uuid.UUID, ReplyKey] | None:
        for kind in AUTOMATIC_REPLY_KINDS:
            document = await self._collection.find_one(
                {f"replies.{kind.value}.provider_id": provider_id}, {"_id": 1}
            )
            if document is not None:
                return uuid.UUID(document["_id"]), ReplyKey(kind)
        return await self._staff_sent_with(provider_id)

    async def _staff_sent_with(self, provider_id: str) -> tuple[uuid.UUID, ReplyKey] | None:
        document = await self._collection.find_one(
            {STAFF_PROVIDER_IDS: provider_id}, {"staff": 1, "requests": 1}
        )
        if document is None:
            return None
        for request_id, record in document.get("staff", {}).items():
            request = document.get("requests", {}).get(request_id)
            if record.get("provider_id") == provider_id and request is not None:
                key = ReplyKey(ReplyKind(request["kind"]), uuid.UUID(request_id))
                return uuid.UUID(document["_id"]), key
        return None

    async def settle(
        self, report_id: uuid.UUID, key: ReplyKey, state: str, events: list[Event]
    ) -> bool:
        field = _record_field(key)
        return await self.outbox.update(
            still(f"{field}.state", "sent").on(str(report_id)),
            {"$set": {f"{field}.state": state}},
            events,
        )


#: The provider ids of a report's staff replies (their records are keyed by request id).
STAFF_PROVIDER_IDS = "staff_provider_ids"


def _record_field(key: ReplyKey) -> str:
    """Where a reply's record is: `replies.<kind>`, or `staff.<request_id>`."""
    if key.request_id is None:
        return f"replies.{key.kind.value}"
    return f"staff.{key.request_id}"


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
        requests=_requests(document.get("requests", {}), document.get("staff", {})),
    )


def _requests(requests: dict[str, Any], records: dict[str, Any]) -> dict[uuid.UUID, StaffRequest]:
    return {
        uuid.UUID(request_id): StaffRequest(
            kind=ReplyKind(kept["kind"]),
            cause=CauseRef.from_document(kept["cause"]),
            action_number=kept["action_number"],
            message=StaffMessage.model_validate(kept["message"]),
            record=None if request_id not in records else _record(records[request_id]),
        )
        for request_id, kept in requests.items()
    }


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
