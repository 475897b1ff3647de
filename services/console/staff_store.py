"""The staff commands and the staff directory in Mongo.

`staff_actions`: one document per report (`_id` = report id) with its action count and
every command by event id (the request's digest, the answer, the event). A command is
appended in one guarded write (the count it read unchanged, the command not yet there)
with its event in the document's outbox (`shared.outbox`, as the access log's): the
runtime publishes it after the request, the relay if the process stopped before that.

`staff_directory`: one document per member of staff (`_id` = the provider's subject) as
they last signed in or acted: their user name, roles and teams, no secret.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import asdict
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.console.domain import event_from_json
from services.console.ports import ActionAnswer, ActionLog, StaffMember, StoredCommand
from shared.guards import first_stands, unchanged
from shared.mongo import Document
from shared.outbox import EventPublisher, Outbox

ACTIONS = "staff_actions"
DIRECTORY = "staff_directory"
STAFF_ROLES = ("operator", "supervisor")


class MongoStaffActionStore:
    """`StaffActionStore` in the `staff_actions` collection."""

    def __init__(self, database: AsyncDatabase[Document], publisher: EventPublisher) -> None:
        self._actions = database[ACTIONS]
        self._outbox = Outbox(self._actions, publisher)

    async def relay(self, interval_s: float, stopping: asyncio.Event) -> None:
        """Publish the events whose publishing a crash cut short (a background job)."""
        await self._outbox.relay(interval_s, stopping)

    async def load(self, report_id: uuid.UUID) -> ActionLog:
        document = await self._actions.find_one({"_id": str(report_id)}, {"outbox": 0})
        if document is None:
            return ActionLog()
        commands = {uuid.UUID(key): _command(kept) for key, kept in document["commands"].items()}
        return ActionLog(count=int(document["count"]), commands=commands)

    async def append(self, report_id: uuid.UUID, seen: int, command: StoredCommand) -> bool:
        document_id, key = str(report_id), str(command.event.event_id)
        kept = _kept(command)
        if seen == 0:
            try:
                document = {"_id": document_id, "count": 1, "commands": {key: kept}}
                await self._outbox.insert(document, [command.event])
            except DuplicateKeyError:
                return False  # another command took number 1
            return True
        guard = unchanged("count", seen) & first_stands(f"commands.{key}")
        update = {"$set": {"count": seen + 1, f"commands.{key}": kept}}
        return await self._outbox.update(guard.on(document_id), update, [command.event])


def _kept(command: StoredCommand) -> Document:
    answer = asdict(command.answer)
    answer["event_id"] = str(command.answer.event_id)
    return {
        "digest": command.request_digest,
        "answer": answer,
        "event": command.event.model_dump(mode="json"),
    }


def _command(kept: dict[str, Any]) -> StoredCommand:
    answer = dict(kept["answer"])
    answer["event_id"] = uuid.UUID(answer["event_id"])
    return StoredCommand(
        event=event_from_json(kept["event"]),
        request_digest=kept["digest"],
        answer=ActionAnswer(**answer),
    )


class MongoStaffDirectory:
    """`StaffDirectory` in the `staff_directory` collection."""

    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._members = database[DIRECTORY]

    async def create_indexes(self) -> None:
        await self._members.create_index([("teams", 1), ("username", 1)])

    async def remember(self, member: StaffMember) -> None:
        fields = {
            "username": member.username,
            "roles": list(member.roles),
            "teams": list(member.teams),
            "last_seen": member.last_seen,
        }
        await self._members.update_one({"_id": member.user_id}, {"$set": fields}, upsert=True)

    async def member(self, user_id: str) -> StaffMember | None:
        document = await self._members.find_one({"_id": user_id})
        return None if document is None else _member(document)

    async def of_team(self, team: str | None) -> list[StaffMember]:
        query: Document = {"roles": {"$in": list(STAFF_ROLES)}}
        if team is not None:
            query["$or"] = [{"teams": team}, {"roles": "supervisor"}]
        cursor = self._members.find(query).sort([("username", 1), ("_id", 1)]).limit(1000)
        return [_member(document) async for document in cursor]


def _member(document: Document) -> StaffMember:
    return StaffMember(
        user_id=document["_id"],
        username=document["username"],
        roles=tuple(document.get("roles", [])),
        teams=tuple(document.get("teams", [])),
        last_seen=document["last_seen"],
    )
