"""Alerting's Mongo stores of what staff did: who has each report (`watch`, a sub-document
of the report's document in `reports`), and the assignment notices sent (`notices`, one
document per ReportAssigned, a claim per page). Every write is guarded, so that staff
events in any order and any number of times leave the newest facts."""

from __future__ import annotations

import uuid
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.alerting.domain import Watch
from services.alerting.ports import Assignment, Claim
from shared.events import CauseRef
from shared.guards import Guard, Lease, newer_only, remember, still, take
from shared.mongo import Document

#: Notices nobody needs to try again.
NOTICE_DONE = frozenset({"sent", "failed_permanent"})


def _earliest(field: str, at: datetime) -> Guard:
    """The earliest time stands: `field` is unset, or later than `at`."""
    return Guard({"$or": [{field: {"$exists": False}}, {field: {"$gt": at}}]})


class MongoWatches:
    """`Watches` in the `watch` sub-documents of the `reports` collection."""

    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._reports = database["reports"]

    async def watch(self, report_id: uuid.UUID) -> Watch | None:
        document = await self._reports.find_one({"_id": str(report_id)}, {"watch": 1})
        if document is None or "watch" not in document:
            return None
        return _watch(report_id, document["watch"])

    async def at_risk(
        self, report_id: uuid.UUID, at: datetime, grade: int, route: str | None, cause: CauseRef
    ) -> Watch:
        risk = {"at_risk_at": at, "at_risk_grade": grade, "at_risk_route": route}
        risk["at_risk_cause"] = cause.to_document()
        return await self._write(report_id, _earliest("watch.at_risk_at", at), risk)

    async def assigned(self, report_id: uuid.UUID, assignment: Assignment) -> Watch:
        unclaimed = assignment.assignee is None
        fields = {
            "assignment": assignment.action,
            "assignee": assignment.assignee,
            "unclaimed_since": assignment.at if unclaimed else None,
            "unclaimed_cause": assignment.cause.to_document() if unclaimed else None,
        }
        await self._write(report_id, newer_only("watch.assignment", assignment.action), fields)
        return await self._team(report_id, assignment.action, assignment.team)

    async def regraded(self, report_id: uuid.UUID, action: int, grade: int, route: str) -> Watch:
        guard = newer_only("watch.regrade_action", action)
        await self._write(report_id, guard, {"regrade_action": action, "regraded_grade": grade})
        return await self._team(report_id, action, route)

    async def closed(self, report_id: uuid.UUID, action: int) -> Watch:
        guard = newer_only("watch.close_action", action)
        return await self._write(report_id, guard, {"close_action": action})

    async def reopened(self, report_id: uuid.UUID, action: int) -> Watch:
        guard = newer_only("watch.reopen_action", action)
        return await self._write(report_id, guard, {"reopen_action": action})

    async def alerted_after(self, report_id: uuid.UUID, assignment: int) -> None:
        update = {"$addToSet": {"watch.raised_after": assignment}}
        await self._reports.update_one({"_id": str(report_id)}, update)

    async def waiting(self) -> list[Watch]:
        query = {
            "watch.at_risk_at": {"$exists": True},
            "watch.assignee": None,
            "$expr": {"$lte": [_action("close"), _action("reopen")]},  # not closed
        }
        cursor = self._reports.find(query, {"watch": 1})
        return [_watch(uuid.UUID(document["_id"]), document["watch"]) async for document in cursor]

    async def _team(self, report_id: uuid.UUID, action: int, team: str) -> Watch:
        guard = newer_only("watch.team_action", action)
        return await self._write(report_id, guard, {"team_action": action, "team": team})

    async def _write(self, report_id: uuid.UUID, guard: Guard, fields: Document) -> Watch:
        update = {"$set": {f"watch.{name}": value for name, value in fields.items()}}
        document = await remember(self._reports, str(report_id), guard, update)
        return _watch(report_id, (document or {}).get("watch", {}))


def _action(kind: str) -> Document:
    """The watch's newest `kind` (close, reopen) action number, 0 if none, in `$expr`."""
    return {"$ifNull": [f"$watch.{kind}_action", 0]}


def _cause(document: dict[str, str] | None) -> CauseRef | None:
    return None if document is None else CauseRef.from_document(document)


def _watch(report_id: uuid.UUID, watch: dict[str, Any]) -> Watch:
    return Watch(
        report_id=report_id,
        at_risk_at=watch.get("at_risk_at"),
        at_risk_grade=watch.get("at_risk_grade"),
        at_risk_route=watch.get("at_risk_route"),
        at_risk_cause=_cause(watch.get("at_risk_cause")),
        assignment=watch.get("assignment", 0),
        assignee=watch.get("assignee"),
        unclaimed_since=watch.get("unclaimed_since"),
        unclaimed_cause=_cause(watch.get("unclaimed_cause")),
        team=watch.get("team"),
        regraded_grade=watch.get("regraded_grade"),
        close_action=watch.get("close_action", 0),
        reopen_action=watch.get("reopen_action", 0),
        raised_after=frozenset(watch.get("raised_after", [])),
    )


class MongoNotices:
    """`Notices` in the `notices` collection: a document per ReportAssigned event, with a
    claim per page (the lease of `Lease`, as alerts' pages have)."""

    def __init__(self, database: AsyncDatabase[Document], lease_s: float) -> None:
        self._notices = database["notices"]
        self._lease = timedelta(seconds=lease_s)

    async def claim(self, notice_id: uuid.UUID, page: str, now: datetime) -> Claim:
        document_id = str(notice_id)
        with suppress(DuplicateKeyError):  # another delivery of the same event made it first
            await self._notices.update_one(
                {"_id": document_id}, {"$setOnInsert": {"created_at": now}}, upsert=True
            )
        lease = Lease(f"pages.{page}", self._lease, held="sending", released="retry")
        if await take(self._notices, document_id, lease.free(now), lease.hold(now)):
            return Claim.CLAIMED
        current = await self._notices.find_one({"_id": document_id}, {f"pages.{page}": 1})
        state = (current or {}).get("pages", {}).get(page, {}).get("state")
        return Claim.FINISHED if state in NOTICE_DONE else Claim.HELD

    async def finish(self, notice_id: uuid.UUID, page: str, outcome: str) -> None:
        await self._set_state(notice_id, page, outcome)

    async def release(self, notice_id: uuid.UUID, page: str) -> None:
        await self._set_state(notice_id, page, "retry")

    async def _set_state(self, notice_id: uuid.UUID, page: str, state: str) -> None:
        field = f"pages.{page}.state"
        guard = still(field, "sending")
        await self._notices.update_one(guard.on(str(notice_id)), {"$set": {field: state}})
