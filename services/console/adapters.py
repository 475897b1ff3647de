"""The console's Mongo adapters: the read model in `reports`, one document per report.

A document holds the report's events as they came (`events`, keyed by event id: stored
JSON, folded again by `domain.fold` on every apply) and the queue's fields denormalised
from the fold, for the queue, the reference and the contact searches. Each apply is one
guarded write: the event not yet there, the document unchanged since it was read
(`version`); a lost race reads again and retries, so two consumers of one report's
events never overwrite each other's.

Where a report stands in the queue depends on the time asked (at risk, breached): the
document keeps the target (`due_at`, `at_risk_from`, `warned`, `breached`) and the
query decides the state at `now`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.console.audit_trail import normalised_email, normalised_phone
from services.console.domain import (
    event_from_json,
    fold,
    open_alerts,
    phase,
    shown_grade,
    timed_state,
)
from services.console.ports import MAX_ROWS
from services.console.records import QueueFilter, QueueRow, QueueState, ReportRecord
from services.console.reporting import queue_group, queue_order
from shared.errors import TransientError
from shared.events import Event, ReportClosed
from shared.guards import first_stands, unchanged, update_once
from shared.mongo import Document

#: Tries of one apply that keeps losing races to other writers of the same report.
APPLY_ATTEMPTS = 20
#: The queue's fields of a report (what a queue row needs, with no personal data).
ROW_FIELDS = {"events": 0, "linked": 0, "contact_email": 0, "contact_phone": 0}
#: What the compliance figures read of a report (no personal data, no events).
FIGURE_FIELDS = dict.fromkeys(
    [
        "reference",
        "route",
        "grade",
        "report_type",
        "channel",
        "force_code",
        "received_at",
        "due_at",
        "at_risk_from",
        "warnings",
        "warned",
        "breached",
        "met_at",
        "phase",
        "open_alerts",
        "work_state",
        "paused",
        "paused_seconds",
    ],
    1,
)


def queue_fields(record: ReportRecord) -> Document:
    """What the queue, the reference lookup and the contact search read of a report (the
    contact lower-cased, for the search); the state's time-free part is `phase`."""
    sla, where, work = record.sla, phase(record), record.work
    contact = record.contact or {}
    return {
        "reference": record.reference,
        "route": record.route,
        "grade": shown_grade(record),
        "report_type": record.report_type,
        "channel": record.channel,
        "force_code": record.force_code,
        "received_at": record.received_at,
        "due_at": None if sla is None else sla.due_at,
        "at_risk_from": None if sla is None else sla.at_risk_from,
        "warnings": [] if sla is None else list(sla.warnings),
        "warned": bool(sla and sla.warnings),
        "breached": bool(sla and sla.breached),
        "met_at": None if sla is None else sla.met_at,
        "phase": where,
        "group": queue_group(where, work.paused),
        "open": work.state != "closed",
        "work_state": work.state,
        "assignee_id": work.assignee_id,
        "assignee_name": work.assignee_name,
        "paused": work.paused,
        "paused_at": work.paused_since,
        "paused_seconds": work.paused_seconds,
        "contact_email": searchable(contact.get("email"), normalised_email),
        "contact_phone": searchable(contact.get("phone"), normalised_phone),
        "open_alerts": open_alerts(record),
    }


def searchable(value: Any, normalised: Callable[[str], str]) -> str | None:
    """A contact detail as the search normalises what it is asked (`normal_contact`), so
    the search finds it; lower case should the normaliser refuse it (events carry emails
    with ASCII domains and E.164 phones, which it never refuses)."""
    if not isinstance(value, str):
        return None
    try:
        return normalised(value)
    except ValueError:
        return value.lower()


def state_at(document: Document, now: datetime) -> QueueState:
    """The state of a stored report at `now`."""
    where = document.get("phase", "new")
    if where != "timed":
        state: QueueState = where
        return state
    paused_at = document.get("paused_at")
    return timed_state(
        document["due_at"],
        document.get("at_risk_from"),
        bool(document.get("warned")),
        bool(document.get("breached")),
        now if paused_at is None else min(now, paused_at),  # a paused clock stands still
    )


def state_query(state: str, now: datetime) -> Document:
    """The stored reports in `state` at `now`. A paused clock stands still: its state is
    what the watchdog told before the pause (its warnings, its breach), time adds none."""
    running: Document = {"paused": {"$ne": True}}
    not_due = {"$or": [{"paused": True}, {"due_at": {"$gt": now}}]}
    timed: Document = {"phase": "timed", "breached": {"$ne": True}, **not_due}
    if state == "breached":
        overdue = [{"breached": True}, {**running, "due_at": {"$lte": now}}]
        return {"phase": "timed", "$or": overdue}
    if state == "at_risk":
        risky = [{"warned": True}, {**running, "at_risk_from": {"$lte": now}}]
        return {"$and": [timed, {"$or": risky}]}
    if state == "running":
        later = [{"paused": True}, {"at_risk_from": None}, {"at_risk_from": {"$gt": now}}]
        return {"$and": [timed, {"warned": {"$ne": True}}, {"$or": later}]}
    return {"phase": state}


def filter_query(filters: QueueFilter, now: datetime) -> Document:
    """The query of a queue: open reports (or those in the states asked for), narrowed."""
    query: list[Document] = []
    if filters.states is not None:
        query.append({"$or": [state_query(state, now) for state in sorted(filters.states)]})
    else:
        query.append({"open": True})
    routes = filters.teams
    if filters.routes is not None:
        routes = filters.routes if routes is None else routes & filters.routes
    for field, values in (
        ("route", routes),
        ("grade", filters.grades),
        ("report_type", filters.report_types),
        ("channel", filters.channels),
    ):
        if values is not None:
            query.append({field: {"$in": sorted(values)}})
    if filters.assignee is not None:
        query.append({"assignee_id": filters.assignee or None})
    return {"$and": query}


class MongoReportViews:
    """`ReportViews` in the `reports` collection."""

    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._collection = database["reports"]

    async def create_indexes(self) -> None:
        for keys in (
            [("open", 1), ("group", 1), ("due_at", 1), ("received_at", 1)],
            [("route", 1), ("open", 1), ("due_at", 1)],
            [("phase", 1), ("due_at", 1)],
            [("reference", 1)],
            [("contact_email", 1)],
            [("contact_phone", 1)],
            [("received_at", 1)],
        ):
            await self._collection.create_index(keys)

    async def apply(self, event: Event) -> bool:
        document_id, event_id = str(event.report_id), str(event.event_id)
        for _ in range(APPLY_ATTEMPTS):
            stored = await self._collection.find_one(
                {"_id": document_id}, {"events": 1, "version": 1}
            )
            events: dict[str, Any] = (stored or {}).get("events", {})
            if event_id in events:
                return False  # a repeat
            events = {**events, event_id: event.model_dump(mode="json")}
            fields = queue_fields(fold(event_from_json(e) for e in events.values()))
            if stored is None:
                if await self._insert(document_id, events, fields):
                    await self._link(event)
                    return True
                continue
            version = int(stored.get("version", 0))
            guard = unchanged("version", version) & first_stands(f"events.{event_id}")
            update = {
                "$set": {f"events.{event_id}": events[event_id], **fields, "version": version + 1}
            }
            if await update_once(self._collection, document_id, guard, update):
                await self._link(event)
                return True
        raise TransientError("the report's record kept changing while being applied to")

    async def _link(self, event: Event) -> None:
        """A report closed as a repeat of another shows on the other's timeline too."""
        if isinstance(event, ReportClosed) and event.duplicate_of_report_id is not None:
            stored = event.model_dump(mode="json")
            linked = {f"linked.{event.event_id}": stored}
            await self._collection.update_one(
                {"_id": str(event.duplicate_of_report_id)}, {"$set": linked}
            )

    async def _insert(self, document_id: str, events: Document, fields: Document) -> bool:
        try:
            await self._collection.insert_one(
                {"_id": document_id, "events": events, "version": 1, **fields}
            )
        except DuplicateKeyError:
            return False  # another writer made it first: read it and apply again
        return True

    async def _records(self, query: Document, limit: int) -> list[ReportRecord]:
        cursor = self._collection.find(query, {"events": 1, "linked": 1})
        cursor = cursor.sort("_id", 1).limit(limit)
        return [_record(document) async for document in cursor]

    async def report(self, report_id: uuid.UUID) -> ReportRecord | None:
        found = await self._records({"_id": str(report_id)}, 1)
        return found[0] if found else None

    async def by_reference(self, reference: str) -> ReportRecord | None:
        found = await self._records({"reference": reference}, 1)
        return found[0] if found else None

    async def existing_references(self, candidates: Sequence[str]) -> list[str]:
        query = {"reference": {"$in": list(candidates)}}
        cursor = self._collection.find(query, {"reference": 1}).limit(len(candidates))
        found = {document["reference"] async for document in cursor}
        return [candidate for candidate in candidates if candidate in found]

    async def by_contact(self, email: str | None, phone: str | None) -> list[ReportRecord]:
        wanted = [
            {field: value}  # normalised by the caller as `queue_fields` stores it
            for field, value in (("contact_email", email), ("contact_phone", phone))
            if value
        ]
        if not wanted:
            return []
        return await self._records({"$or": wanted}, MAX_ROWS)

    async def queue(self, filters: QueueFilter, now: datetime, limit: int) -> list[QueueRow]:
        order = [("group", 1), ("due_at", 1), ("received_at", 1), ("_id", 1)]
        cursor = self._collection.find(filter_query(filters, now), ROW_FIELDS).sort(order)
        rows = [_row(document, now) async for document in cursor.limit(min(limit, MAX_ROWS))]
        return queue_order(rows, now) if filters.states is None else rows

    async def received_between(
        self, since: datetime, until: datetime, teams: frozenset[str] | None
    ) -> AsyncIterator[QueueRow]:
        query: Document = {"received_at": {"$gte": since, "$lt": until}}
        if teams is not None:
            query["route"] = {"$in": sorted(teams)}
        order = [("received_at", 1), ("_id", 1)]
        # Every row of the window, streamed in batches; no cap, or the figures would lie.
        cursor = self._collection.find(query, FIGURE_FIELDS).sort(order).batch_size(500)
        async for document in cursor:
            # The figures are for the window's end: a report open then is judged at `until`.
            yield _row(document, until)


def _record(document: Document) -> ReportRecord:
    linked = [event_from_json(stored) for stored in document.get("linked", {}).values()]
    events = (event_from_json(stored) for stored in document["events"].values())
    return fold(events, [event for event in linked if isinstance(event, ReportClosed)])


def _row(document: Document, now: datetime) -> QueueRow:
    return QueueRow(
        report_id=uuid.UUID(document["_id"]),
        reference=document.get("reference"),
        report_type=document.get("report_type"),
        channel=document.get("channel"),
        force_code=document.get("force_code"),
        grade=document.get("grade"),
        route=document.get("route"),
        received_at=document.get("received_at"),
        due_at=document.get("due_at"),
        state=state_at(document, now),
        warnings=list(document.get("warnings", [])),
        open_alerts=int(document.get("open_alerts", 0)),
        met_at=document.get("met_at"),
        work_state=document.get("work_state", "open"),
        assignee_id=document.get("assignee_id"),
        assignee_name=document.get("assignee_name"),
        paused=bool(document.get("paused")),
        paused_seconds=float(document.get("paused_seconds", 0.0)),
    )
