"""The transactional outbox: a state change and the events it causes, in one document write.

An adapter writes a state change through `Outbox.insert` or `Outbox.update`: the events go
into the `outbox` array of the very document whose change caused them, in the same write.
The runtime, not the adapter or the handler, then publishes them: after the consumed message,
the HTTP request or the tick that wrote them (`WrittenEvents`), from memory (no read back),
waiting for Kafka's acknowledgement, and removes them from the document. If the process dies
in between, the events are still in the document: `Outbox.relay` sweeps documents left with
pending events, at start and then periodically. Re-publishing is safe because an event's id
is deterministic and consumers are idempotent.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import structlog
from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

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


@dataclass
class _Stored:
    outbox: Outbox
    document_id: Any
    messages: list[Document]


class WrittenEvents:
    """The events stored during one unit of work (a consumed message, an HTTP request, a
    tick of a job), which the runtime publishes once the work is done, document by
    document: one document's events in the order they were written, then one `$pull`."""

    def __init__(self) -> None:
        self._stored: dict[tuple[int, Any], _Stored] = {}

    def add(self, outbox: Outbox, document_id: Any, messages: list[Document]) -> None:
        if not messages:
            return
        stored = self._stored.setdefault(
            (id(outbox), document_id), _Stored(outbox, document_id, [])
        )
        known = {message["event_id"] for message in stored.messages}
        stored.messages.extend(m for m in messages if m["event_id"] not in known)

    def __len__(self) -> int:
        return sum(len(stored.messages) for stored in self._stored.values())

    async def publish(self) -> int:
        """Publish every stored event; returns how many. What could not be published stays
        here for the next call (and in its document, for the relay)."""
        published = 0
        while self._stored:
            key, stored = next(iter(self._stored.items()))
            failpoint(AFTER_STORE)  # stored, not yet published: where a crash is survived
            await stored.outbox.publish_stored(stored.document_id, stored.messages)
            published += len(stored.messages)
            del self._stored[key]
        return published


_written: ContextVar[WrittenEvents | None] = ContextVar("frontdesk_written_events", default=None)


@contextmanager
def collecting() -> Iterator[WrittenEvents]:
    """Collect the events stored by the code run inside, for the caller to publish."""
    written = WrittenEvents()
    token = _written.set(written)
    try:
        yield written
    finally:
        _written.reset(token)


@asynccontextmanager
async def published_after() -> AsyncIterator[WrittenEvents]:
    """Run a unit of work, then publish the events it stored, even if it failed after
    storing them (stored events are always safe to publish). A failure to publish is
    logged, not raised: the events are durable in their documents and the relay sends them."""
    with collecting() as written:
        try:
            yield written
        finally:
            await publish_quietly(written)


async def publish_quietly(written: WrittenEvents) -> None:
    """Publish what `written` holds; leave to the relay what cannot be published now."""
    try:
        await written.publish()
    except Exception as error:  # noqa: BLE001 - the relay is the fallback for any failure
        log.warning("outbox_publish_deferred", events=len(written), error=type(error).__name__)


class Outbox:
    """Writes documents together with their events, and publishes the events they keep."""

    def __init__(self, collection: AsyncCollection[Document], publisher: EventPublisher) -> None:
        self._collection = collection
        self._publisher = publisher

    async def insert(self, document: Document, events: Iterable[Event]) -> None:
        """Insert `document` with `events` in its outbox (DuplicateKeyError if its `_id`
        or another unique field is taken: then nothing is written, and what the document
        of that `_id` still holds unpublished is published with this unit of work)."""
        messages = outbox_entries(events)
        try:
            await self._collection.insert_one({**document, "outbox": messages})
        except DuplicateKeyError:
            await self._collect_pending(document["_id"])
            raise
        self._stored(document["_id"], messages)

    async def update(self, query: Document, update: Document, events: Iterable[Event]) -> bool:
        """Apply `update` to the document `query` matches (its `_id` named in it), pushing
        `events` to its outbox in the same write; true if the document changed. The events
        are published only if it did (a guard that refused the change refused them too),
        with whatever else the write found pending in the outbox: the write returns it, so
        this costs no read."""
        messages = outbox_entries(events)
        if not messages:
            return (await self._collection.update_one(query, update)).matched_count == 1
        pushes = {**update.get("$push", {}), "outbox": {"$each": messages}}
        after = await self._collection.find_one_and_update(
            query,
            {**update, "$push": pushes},
            {"outbox": 1},
            return_document=ReturnDocument.AFTER,
        )
        if after is None:
            # Refused: a repeat, or superseded. What an earlier attempt stored may still be
            # unpublished (its publish failed, or another instance's is under way): publish
            # it with this unit of work, as the delivery rules promise, not after the relay.
            await self._collect_pending(query["_id"])
            return False
        # The whole pending outbox, in the order it was written, and not just ours: another
        # instance's earlier events of this document (the watchdog's thresholds, say) are
        # then never overtaken by ours. Whoever publishes first publishes them all; the other
        # only repeats records, which consumers absorb.
        self._stored(query["_id"], after.get("outbox", messages))
        return True

    async def _collect_pending(self, document_id: Any) -> None:
        if _written.get() is None:
            return  # no unit of work to publish with: the relay's
        self._stored(document_id, await self._pending(document_id))

    async def _pending(self, document_id: Any) -> list[Document]:
        """The events a document still holds unpublished, in the order written."""
        document = await self._collection.find_one({"_id": document_id}, {"outbox": 1})
        pending: list[Document] = (document or {}).get("outbox", [])
        return pending

    def _stored(self, document_id: Any, messages: list[Document]) -> None:
        written = _written.get()
        if written is not None:  # else the relay publishes them
            written.add(self, document_id, messages)

    async def publish_stored(self, document_id: Any, messages: list[Document]) -> None:
        """Publish messages stored in a document's outbox, then take them out of it."""
        for message in messages:
            await self._publisher.publish(message)
        published = [message["event_id"] for message in messages]
        await self._collection.update_one(
            {"_id": document_id}, {"$pull": {"outbox": {"event_id": {"$in": published}}}}
        )

    async def _publish_pending(self, document_id: Any) -> int:
        pending = await self._pending(document_id)
        if pending:
            failpoint(AFTER_STORE)
            await self.publish_stored(document_id, pending)
        return len(pending)

    async def flush_stale(self, older_than: timedelta) -> int:
        """Publish the pending events of every document that has had some for a while.

        Fresh events are left to the runtime's publishing after their write, so the relay
        rarely races it (a race only duplicates a record in Kafka, which consumers absorb).
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
