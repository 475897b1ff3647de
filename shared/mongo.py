"""The PyMongo async client factory and the errors that mean "try again later" (the
guarded writes of the adapters are in `shared.guards`).

PyMongo's native asyncio API replaces Motor, which MongoDB deprecated on 2025-05-14.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.errors import AutoReconnect, ConnectionFailure, NetworkTimeout
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
