"""The PyMongo async client factory, and the errors that mean "try again later".

PyMongo's native asyncio API replaces Motor, which MongoDB deprecated on 2025-05-14.
"""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient
from pymongo.errors import AutoReconnect, ConnectionFailure, NetworkTimeout

from shared.settings import MongoSettings

Document = dict[str, Any]

#: Mongo errors that mean the server is unreachable right now, not that the data is bad.
TRANSIENT_MONGO_ERRORS: tuple[type[Exception], ...] = (
    AutoReconnect,
    ConnectionFailure,
    NetworkTimeout,
)


def create_mongo_client(settings: MongoSettings, app_name: str) -> AsyncMongoClient[Document]:
    """A client with majority-durable writes and bounded server selection."""
    return AsyncMongoClient(
        settings.uri,
        appname=app_name,
        serverSelectionTimeoutMS=settings.server_selection_timeout_ms,
        tz_aware=True,
        w="majority",
        retryWrites=True,
    )
