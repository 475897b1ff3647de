"""One contract per port, held by the fake and by the Mongo adapter alike.

Every test here runs twice: on the port's fake (`tests/fakes`, in memory) and on its Mongo
adapter on the real Mongo-wire server (marked `integration`: `make test` runs it on the
local stack, `pytest tests/contracts -m "not integration"` runs the fakes alone). A
difference is a bug in the fake: the unit tests that trust the fake would be wrong too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from shared.events import Event
from shared.mongo import Document
from shared.outbox import collecting
from tests.fakes import EventLog
from tests.integration.conftest import database_name, mongo

__all__ = ["Backend", "Store", "database_name", "mongo"]

P = TypeVar("P")
T = TypeVar("T")


@dataclass
class RecordingPublisher:
    """Our `EventPublisher` port, recording what the runtime would send to Kafka."""

    messages: list[Document] = field(default_factory=list)

    async def publish(self, message: Document) -> None:
        self.messages.append(message)


@dataclass
class Store(Generic[P]):
    """A port under contract, and the ids of the events its writes stored, in order."""

    port: P
    emitted: Callable[[], list[str]]
    #: The events published, as the JSON that went to Kafka.
    published: Callable[[], list[str]] = field(default=lambda: [])

    async def run(self, work: Awaitable[T]) -> T:
        """One unit of work, as the runtime runs it: then what it stored is published."""
        with collecting() as written:
            result = await work
        await written.publish()
        return result


@dataclass
class Backend:
    """Where a contract runs: in memory, or in a database of its own on the real server."""

    database: AsyncDatabase[Document] | None
    publisher: RecordingPublisher = field(default_factory=RecordingPublisher)

    def of_fake(self, fake: P, log: EventLog) -> Store[P]:
        return Store(
            fake,
            lambda: [str(event.event_id) for event in log.published],
            lambda: [event.model_dump_json() for event in log.published],
        )

    def of_adapter(self, adapter: P) -> Store[P]:
        # Each event once, in the order first published: units of work that race on one
        # document may both publish its pending events (delivery is at least once, and
        # consumers absorb the repeat), but never an event that was not stored.
        return Store(
            adapter,
            lambda: list(dict.fromkeys(m["event_id"] for m in self.publisher.messages)),
            lambda: [m["value"] for m in self.publisher.messages],
        )


@pytest.fixture(params=["fake", pytest.param("mongo", marks=pytest.mark.integration)])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "fake":
        return Backend(None)
    client = request.getfixturevalue("mongo")
    return Backend(client[request.getfixturevalue("database_name")])


def ids(*events: Event) -> list[str]:
    """The ids of events, as `Store.emitted` lists them."""
    return [str(event.event_id) for event in events]
