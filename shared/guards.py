"""Idempotency guards: every write says, in its own query, when it would change nothing.

Kafka delivers at least once, the outbox relay may publish an event again, and events of
different topics arrive in any order: every consumer sees repeats and stale facts. Rather
than read, decide and write (two round trips, and a race between two instances), each
write carries a guard in its query, so the server checks and writes in one atomic step.
A refused guard is not an error: it means "already done" or "already superseded".

The guards (`Guard` values, combined with `&`):

- `first_stands(field)`: the first value of a fact is kept; a repeat, or another later
  value, changes nothing. The caller compares what stands with what it brought to tell a
  repeat from a conflict.
- `newer_only(field, sequence)`: a numbered fact replaces an older one, never a newer one.
- `once_per_name(field, name)`: a named thing is done once (`name` joins an array).
- `unchanged(field, seen)` and `still(field, value)`: compare-and-set on what the writer
  read; a transition out of a state therefore happens once.
- `not_yet(field, final)`: anything but the final state.
- `Lease`: an exclusive claim that lapses if its holder dies.

How a refusal shows, read here once:

- an update the guard refused matches nothing: `update_once` and `Outbox.update` return
  False, and the outbox publishes nothing, as its events belong to the change refused;
- an upsert the guard refused tries to insert a second document with the same `_id` and
  fails with DuplicateKeyError: `remember` returns the document as it stands;
- an insert of an `_id` already taken fails the same way: `insert_once` returns the record
  that holds it (a repeat), or re-raises if another unique field collided (a conflict).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from shared.mongo import Document

T = TypeVar("T")


@dataclass(frozen=True)
class Guard:
    """The condition a write to one document must meet, as a Mongo query fragment."""

    condition: Document = field(default_factory=dict)

    def __and__(self, other: Guard) -> Guard:
        if self.condition.keys() & other.condition.keys():
            return Guard({"$and": [self.condition, other.condition]})
        return Guard({**self.condition, **other.condition})

    def on(self, document_id: str) -> Document:
        """The query of a guarded write to the document `document_id`."""
        return {"_id": document_id, **self.condition}


#: For writes that are idempotent by themselves: they set the same values again.
UNGUARDED = Guard()


def first_stands(field: str) -> Guard:
    """The first fact stands: `field` is written only while it is absent."""
    return Guard({field: {"$exists": False}})


def newer_only(field: str, sequence: int) -> Guard:
    """Newer sequence only: `field` holds no sequence yet, or an older one than `sequence`."""
    return Guard({"$or": [{field: {"$exists": False}}, {field: {"$lt": sequence}}]})


def once_per_name(field: str, name: str) -> Guard:
    """Once per name: `name` is not yet in the array `field` (the write then pushes it)."""
    return Guard({field: {"$ne": name}})


def unchanged(field: str, seen: int) -> Guard:
    """The number the writer read is still there (absent counts as 0, as it was read)."""
    return Guard({field: seen} if seen else {field: {"$exists": False}})


def still(field: str, value: Any) -> Guard:
    """`field` still holds `value`: a transition out of it happens once."""
    return Guard({field: value})


def not_yet(field: str, final: str) -> Guard:
    """The document is not in its `final` state (or in no state at all)."""
    return Guard({field: {"$ne": final}})


@dataclass(frozen=True)
class Lease:
    """An exclusive claim on the sub-document `field` (its `state` and `claimed_at`).

    It may be taken if nobody took it, if its holder let it go (state `released`), or if the
    holder's lease ran out, which is how the work of a process that died is taken over."""

    field: str
    duration: timedelta
    held: str
    released: str

    def free(self, now: datetime) -> Guard:
        state, claimed_at = f"{self.field}.state", f"{self.field}.claimed_at"
        lapsed = {state: self.held, claimed_at: {"$lt": now - self.duration}}
        return Guard({"$or": [{self.field: {"$exists": False}}, {state: self.released}, lapsed]})

    def hold(self, now: datetime) -> Document:
        """The update that takes the claim (with `free(now)` as its guard)."""
        return {"$set": {f"{self.field}.state": self.held, f"{self.field}.claimed_at": now}}


async def update_once(
    collection: AsyncCollection[Document], document_id: str, guard: Guard, update: Document
) -> bool:
    """Apply a guarded update (with no events); whether the guard let it through."""
    result = await collection.update_one(guard.on(document_id), update)
    return result.matched_count == 1


async def take(
    collection: AsyncCollection[Document], document_id: str, guard: Guard, update: Document
) -> bool:
    """Apply a guarded update in one atomic find-and-modify; whether it was taken (for
    claims: of many racing writers, exactly one gets true)."""
    taken = await collection.find_one_and_update(
        guard.on(document_id), update, {"_id": 1}, return_document=ReturnDocument.AFTER
    )
    return taken is not None


async def keep_first(
    collection: AsyncCollection[Document], document_id: str, field: str, value: Any
) -> Any | None:
    """Set `field` to `value` unless it is set (the first stands), in a document that must
    exist; returns the value that stands (None if there is no such document)."""
    guard = first_stands(field)
    if await take(collection, document_id, guard, {"$set": {field: value}}):
        return value
    stored = await collection.find_one({"_id": document_id}, {field: 1})
    return None if stored is None else stored.get(field)


async def remember(
    collection: AsyncCollection[Document], document_id: str, guard: Guard, update: Document
) -> Document | None:
    """Apply a guarded upsert and return the document as it then stands (without its
    outbox), in one round trip; when the guard refuses, the document as it is."""
    try:
        return await collection.find_one_and_update(
            guard.on(document_id),
            update,
            {"outbox": 0},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
    except DuplicateKeyError:  # refused: the upsert collided with the existing `_id`
        return await collection.find_one({"_id": document_id}, {"outbox": 0})


async def insert_once(
    insert: Awaitable[None], existing: Callable[[], Awaitable[T | None]]
) -> T | None:
    """Run `insert` (create a record once); None if it wrote. If the key was taken, the
    record `existing` reads back: the insert had been done. If `existing` finds none,
    another unique field collided: that is a conflict, and DuplicateKeyError propagates."""
    try:
        await insert
    except DuplicateKeyError:
        found = await existing()
        if found is None:
            raise
        return found
    return None
