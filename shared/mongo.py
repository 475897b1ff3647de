"""The PyMongo async client factory, the errors that mean "try again later", and the
remember-and-read upsert the services' joins are built on.

PyMongo's native asyncio API replaces Motor, which MongoDB deprecated on 2025-05-14.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pymongo import AsyncMongoClient, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import AutoReconnect, ConnectionFailure, DuplicateKeyError, NetworkTimeout
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

from shared.settings import MongoSettings

Document = dict[str, Any]

#: Mongo errors that mean the server is unreachable right now, not that the data is bad.
TRANSIENT_MONGO_ERRORS: tuple[type[Exception], ...] = (
    AutoReconnect,
    ConnectionFailure,
    NetworkTimeout,
)


class CommandCounter(CommandListener):
    """Counts the commands a client sends, by name (`find`, `update`...): the figure behind
    "Mongo operations per report" in `make bench`."""

    def __init__(self, count: Callable[[str], None]) -> None:
        self._count = count

    def started(self, event: CommandStartedEvent) -> None:
        self._count(event.command_name)

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass


def create_mongo_client(
    settings: MongoSettings, app_name: str, counter: CommandCounter | None = None
) -> AsyncMongoClient[Document]:
    """A client with majority-durable writes and bounded server selection."""
    return AsyncMongoClient(
        settings.uri,
        event_listeners=[counter] if counter is not None else [],
        appname=app_name,
        serverSelectionTimeoutMS=settings.server_selection_timeout_ms,
        tz_aware=True,
        w="majority",
        retryWrites=True,
    )


async def remember(
    collection: AsyncCollection[Document], query: Document, update: Document
) -> Document | None:
    """Apply a guarded upsert to one document and return it as it then stands (without
    its outbox), in one round trip. When the guard refuses (a stale or repeated fact, so
    the upsert collides with the existing `_id`), the document as it is."""
    try:
        return await collection.find_one_and_update(
            query, update, {"outbox": 0}, upsert=True, return_document=ReturnDocument.AFTER
        )
    except DuplicateKeyError:
        return await collection.find_one({"_id": query["_id"]}, {"outbox": 0})
