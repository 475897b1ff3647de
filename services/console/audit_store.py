"""The access log in Mongo: collection `access_log` of the console's database, one document
per entry (`_id` = entry id), inserted once with its `AccessRecorded` event in the same
write (the outbox), and never changed or removed.

Nothing here updates or deletes an entry, and no method could: the class offers `record`
and reads, nothing else (tests/unit/test_console_audit.py holds it to that). The only
later write to a document is the outbox's own, taking its published event out of it.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from typing import Any

from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.console.audit import AccessAction, AccessEntry
from services.console.audit_trail import access_recorded, to_milliseconds
from services.console.ports import MAX_ROWS
from shared.mongo import Document
from shared.outbox import EventPublisher, Outbox

COLLECTION = "access_log"


class MongoAccessLog:
    """`AccessLog` in the `access_log` collection: append-only."""

    def __init__(self, database: AsyncDatabase[Document], publisher: EventPublisher) -> None:
        self._entries = database[COLLECTION]
        self._outbox = Outbox(self._entries, publisher)

    async def create_indexes(self) -> None:
        await self._entries.create_index([("user_id", 1), ("at", DESCENDING)])
        await self._entries.create_index([("report_id", 1), ("at", DESCENDING)])
        await self._entries.create_index([("report_ids", 1), ("at", DESCENDING)])
        await self._entries.create_index([("at", DESCENDING)])

    async def relay(self, interval_s: float, stopping: asyncio.Event) -> None:
        """Publish the events of entries whose publishing a crash cut short (a background
        job of the process, like every outbox's relay)."""
        await self._outbox.relay(interval_s, stopping)

    async def record(self, entry: AccessEntry) -> None:
        entry = replace(entry, at=to_milliseconds(entry.at))  # as Mongo keeps time
        try:
            await self._outbox.insert(_document(entry), [access_recorded(entry)])
        except DuplicateKeyError:
            return  # recorded before: the entry and its event stand as they were

    async def entries(
        self,
        user_id: str | None,
        report_id: uuid.UUID | None,
        limit: int,
        *,
        action: AccessAction | None = None,
    ) -> list[AccessEntry]:
        if limit < 1:
            return []  # Mongo would read `limit(0)` as no limit at all
        query: Document = {}
        if user_id is not None:
            query["user_id"] = user_id
        if report_id is not None:  # the entries about it, and the searches that found it
            about = str(report_id)
            query["$or"] = [{"report_id": about}, {"report_ids": about}]
        if action is not None:
            query["action"] = action.value
        cursor = self._entries.find(query, {"outbox": 0})
        cursor = cursor.sort([("at", DESCENDING), ("_id", DESCENDING)])
        return [_entry(document) async for document in cursor.limit(min(limit, MAX_ROWS))]


def _document(entry: AccessEntry) -> Document:
    return {
        "_id": str(entry.entry_id),
        "at": entry.at,
        "action": entry.action.value,
        "user_id": entry.user_id,
        "username": entry.username,
        "roles": list(entry.roles),
        "report_id": None if entry.report_id is None else str(entry.report_id),
        "reference": entry.reference,
        "shown": list(entry.shown),
        "matches": entry.matches,
        "query_digest": entry.query_digest,
        "detail": entry.detail,
        "report_ids": [str(each) for each in entry.report_ids],
    }


def _entry(document: dict[str, Any]) -> AccessEntry:
    report_id = document.get("report_id")
    return AccessEntry(
        entry_id=uuid.UUID(document["_id"]),
        at=document["at"],
        action=AccessAction(document["action"]),
        user_id=document.get("user_id"),
        username=document.get("username"),
        roles=list(document.get("roles", [])),
        report_id=None if report_id is None else uuid.UUID(report_id),
        reference=document.get("reference"),
        shown=list(document.get("shown", [])),
        matches=document.get("matches"),
        query_digest=document.get("query_digest"),
        detail=document.get("detail"),
        report_ids=[uuid.UUID(each) for each in document.get("report_ids", [])],
    )
