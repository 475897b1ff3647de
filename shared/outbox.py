"""The transactional outbox: a state change and the events it causes, in one document write.

A service stores the events it must emit in the `outbox` array of the very document whose
state change caused them, in the same write (built by `Outbox.entries`). `Outbox.flush` then
publishes them (waiting for Kafka's acknowledgement) and removes them from the document. If
the process dies in between, the events are still in the document: `Outbox.relay` sweeps
documents left with pending events, at start and then periodically. Re-publishing is safe because an
event's id is deterministic and consumers are idempotent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import structlog
from pymongo.asynchronous.collection import AsyncCollection

from shared.clock import pause
from shared.events import Event
from shared.failpoints import AFTER_STORE, failpoint
from shared.mongo import Document
from shared.topics import topic_for

log = structlog.get_logger(__name__)


class EventPublisher(Protocol):
    """Publishes one outbox message and returns once the broker acknowledged it."""

    async def publish(self, message: Document) -> None: ...


def outbox_entries(events: Iterable[Event]) -> list[Document]:
    """Events as they are stored in a document's outbox, ready to publish as they are."""
    stored_at = datetime.now(UTC)
    return [
        {
            "stored_at": stored_at,
            "event_id": str(event.event_id),
            "event_type": event.event_type,
            "topic": topic_for(event.event_type),
            "key": str(event.report_id),
            "value": event.model_dump_json(),
        }
        for event in events
    ]


class Outbox:
    """Publishes the pending events kept in the documents of one collection."""

    def __init__(self, collection: AsyncCollection[Document], publisher: EventPublisher) -> None:
        self._collection = collection
        self._publisher = publisher
        #: documents this process gave events since their last flush, and how many times
        self._written: dict[Any, int] = {}

    def entries(self, document_id: Any, events: Iterable[Event]) -> list[Document]:
        """Events as stored in this document's outbox; its next `flush` publishes them."""
        self._written[document_id] = self._written.get(document_id, 0) + 1
        return outbox_entries(events)

    async def flush(self, document_id: Any) -> int:
        """Publish the events this process put in a document's outbox; returns how many.

        A document this process wrote no events into is not even read: events left by a
        process that died before publishing them are the relay's, which sweeps them up at
        start and then every `interval_s`.
        """
        generation = self._written.get(document_id)
        if generation is None:
            return 0
        published = await self._publish_pending(document_id)
        if self._written.get(document_id) == generation:  # nothing written meanwhile
            del self._written[document_id]
        return published

    async def _publish_pending(self, document_id: Any) -> int:
        document = await self._collection.find_one({"_id": document_id}, {"outbox": 1})
        pending: list[Document] = (document or {}).get("outbox", [])
        if pending:
            failpoint(AFTER_STORE)
        for message in pending:
            await self._publisher.publish(message)
        if pending:
            published = [message["event_id"] for message in pending]
            await self._collection.update_one(
                {"_id": document_id}, {"$pull": {"outbox": {"event_id": {"$in": published}}}}
            )
        return len(pending)

    async def flush_stale(self, older_than: timedelta) -> int:
        """Publish the pending events of every document that has had some for a while.

        Fresh events are left to the flush that follows their write, so the relay rarely
        races it (a race only duplicates a record in Kafka, which consumers absorb).
        """
        stale = {"outbox.stored_at": {"$lt": datetime.now(UTC) - older_than}}
        flushed = 0
        async for document in self._collection.find(stale, {"_id": 1}):
            flushed += await self._publish_pending(document["_id"])
        return flushed

    async def relay(self, interval_s: float, stopping: asyncio.Event) -> None:
        """Sweep for pending events at once (whatever a dead process left), then for stale
        ones every `interval_s`, until `stopping` is set."""
        older_than = timedelta(0)
        while not stopping.is_set():
            try:
                if flushed := await self.flush_stale(older_than):
                    log.info("outbox_relayed", collection=self._collection.name, events=flushed)
                older_than = timedelta(seconds=interval_s)
            except Exception as error:  # noqa: BLE001 - the relay must outlive any one failure
                log.warning("outbox_relay_failed", error=type(error).__name__)
            await pause(interval_s, stopping)
