"""SLA watchdog's Mongo adapter: one clock document per report."""

from __future__ import annotations

import uuid
from contextlib import suppress
from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.sla_watchdog.domain import ClockState, SlaClock
from services.sla_watchdog.handlers import ClockFacts
from shared.events import CauseRef, ReportClassified, ReportSubmitted, SlaMet
from shared.mongo import Document
from shared.outbox import EventPublisher, Outbox, outbox_entries


class MongoClocks:
    """`Clocks` in the `clocks` collection."""

    def __init__(self, database: AsyncDatabase[Document], publisher: EventPublisher) -> None:
        self._collection = database["clocks"]
        self.outbox = Outbox(self._collection, publisher)

    async def remember_start(self, event: ReportSubmitted) -> None:
        await self._upsert(
            {"_id": str(event.report_id)},
            {
                "$set": {
                    "cause": CauseRef.of(event).to_document(),
                    "started_at": event.received_at,
                    "report_type": event.report_type.value,
                    "channel": event.channel.value,
                    "force_code": event.force_code,
                }
            },
        )

    async def remember_grade(self, event: ReportClassified) -> None:
        newer = {
            "_id": str(event.report_id),
            "$or": [
                {"grade_sequence": {"$exists": False}},
                {"grade_sequence": {"$lt": event.sequence}},
            ],
        }
        update = {
            "$set": {"grade": event.grade, "grade_sequence": event.sequence, "route": event.route}
        }
        await self._upsert(newer, update)

    async def remember_reply(self, report_id: uuid.UUID, replied_at: datetime) -> None:
        first_reply = {"_id": str(report_id), "replied_at": {"$exists": False}}
        await self._upsert(first_reply, {"$set": {"replied_at": replied_at}})

    async def _upsert(self, query: Document, update: Document) -> None:
        with suppress(DuplicateKeyError):  # the guard said no: a stale or repeated fact
            await self._collection.update_one(query, update, upsert=True)

    async def facts(self, report_id: uuid.UUID) -> ClockFacts | None:
        document = await self._collection.find_one({"_id": str(report_id)})
        if document is None:
            return None
        cause = document.get("cause")
        return ClockFacts(
            cause=None if cause is None else CauseRef.from_document(cause),
            started_at=document.get("started_at"),
            grade=document.get("grade"),
            grade_sequence=document.get("grade_sequence", 0),
            replied_at=document.get("replied_at"),
            clock=_clock(document),
        )

    async def set_due(self, report_id: uuid.UUID, facts: ClockFacts, due: datetime) -> None:
        unchanged_and_running = {
            "_id": str(report_id),
            "state": {"$ne": ClockState.MET.value},
            "grade_sequence": (
                {"$exists": False} if facts.grade_sequence == 0 else facts.grade_sequence
            ),
        }
        await self._collection.update_one(
            unchanged_and_running,
            {"$set": {"due_at": due, "state": ClockState.RUNNING.value}},
        )

    async def stop(self, report_id: uuid.UUID, clock: SlaClock, met: SlaMet) -> None:
        await self._collection.update_one(
            {"_id": str(report_id), "state": ClockState.RUNNING.value},
            {
                "$set": {
                    "state": ClockState.MET.value,
                    "stopped_at": clock.stopped_at,
                    "due_at": clock.due_at,
                    "late": clock.late,
                },
                "$push": {"outbox": {"$each": outbox_entries([met])}},
            },
        )

    async def get(self, report_id: uuid.UUID) -> SlaClock | None:
        document = await self._collection.find_one({"_id": str(report_id)})
        return None if document is None else _clock(document)

    async def publish_pending(self, report_id: uuid.UUID) -> None:
        await self.outbox.flush(str(report_id))


def _clock(document: Document) -> SlaClock | None:
    if "state" not in document or "due_at" not in document:
        return None
    return SlaClock(
        started_at=document["started_at"],
        due_at=document["due_at"],
        grade=document.get("grade"),
        state=ClockState(document["state"]),
        stopped_at=document.get("stopped_at"),
    )
