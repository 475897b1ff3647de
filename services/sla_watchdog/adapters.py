"""SLA watchdog's Mongo adapter: one clock document per report."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.sla_watchdog.domain import ClockState, SlaClock
from services.sla_watchdog.policy import Pause, Threshold
from services.sla_watchdog.ports import ClockFacts, OpenPause, Override, Resumption
from shared.events import (
    CauseRef,
    Event,
    KeptBy,
    ReportClassified,
    ReportRegraded,
    ReportSubmitted,
    ReportUpdated,
    SlaMet,
    SlaPaused,
    SlaTargetSet,
)
from shared.guards import (
    UNGUARDED,
    Guard,
    first_stands,
    newer_only,
    not_yet,
    once_per_name,
    remember,
    still,
    unchanged,
)
from shared.mongo import Document
from shared.outbox import EventPublisher, Outbox


class MongoClocks:
    """`Clocks` in the `clocks` collection."""

    def __init__(self, database: AsyncDatabase[Document], publisher: EventPublisher) -> None:
        self._collection = database["clocks"]
        self.outbox = Outbox(self._collection, publisher)

    async def create_indexes(self) -> None:
        await self._collection.create_index([("state", 1), ("due_at", 1)])

    async def remember_start(self, event: ReportSubmitted) -> ClockFacts | None:
        facts = {
            "cause": CauseRef.of(event).to_document(),
            "started_at": event.received_at,
            "report_type": event.report_type.value,
            "channel": event.channel.value,
            "force_code": event.force_code,
        }
        return await self._upsert(event.report_id, UNGUARDED, {"$set": facts})

    async def remember_grade(self, event: ReportClassified) -> ClockFacts | None:
        newer = newer_only("grade_sequence", event.sequence)
        grade = {"grade": event.grade, "grade_sequence": event.sequence, "route": event.route}
        update = {"$set": {**grade, "graded_at": event.occurred_at}}
        return await self._upsert(event.report_id, newer, update)

    async def remember_reply(
        self, report_id: uuid.UUID, replied_at: datetime, kept_by: KeptBy
    ) -> ClockFacts | None:
        first_reply = first_stands("replied_at")
        stop = {"replied_at": replied_at, "kept_by": kept_by.value}
        return await self._upsert(report_id, first_reply, {"$set": stop})

    async def remember_regrade(self, event: ReportRegraded) -> ClockFacts | None:
        newer = newer_only("override.action_number", event.action_number)
        override = {
            "grade": event.grade,
            "route": event.route,
            "action_number": event.action_number,
            "at": event.occurred_at,
        }
        return await self._upsert(event.report_id, newer, {"$set": {"override": override}})

    async def remember_failure(self, report_id: uuid.UUID) -> ClockFacts | None:
        return await self._upsert(report_id, UNGUARDED, {"$set": {"reply_failed": True}})

    async def remember_close(self, report_id: uuid.UUID, action: int) -> ClockFacts | None:
        newer = newer_only("closed_action", action)
        return await self._upsert(report_id, newer, {"$set": {"closed_action": action}})

    async def remember_update(self, event: ReportUpdated) -> ClockFacts | None:
        newer = newer_only("update_number", event.update_number)
        update = {"$set": {"update_number": event.update_number, "updated_at": event.occurred_at}}
        return await self._upsert(event.report_id, newer, update)

    async def _upsert(
        self, report_id: uuid.UUID, guard: Guard, update: Document
    ) -> ClockFacts | None:
        document = await remember(self._collection, str(report_id), guard, update)
        return None if document is None else _facts(document)

    async def facts(self, report_id: uuid.UUID) -> ClockFacts | None:
        document = await self._collection.find_one({"_id": str(report_id)}, {"outbox": 0})
        return None if document is None else _facts(document)

    async def set_target(
        self,
        report_id: uuid.UUID,
        facts: ClockFacts,
        marks: list[Threshold],
        told: SlaTargetSet,
        resumption: Resumption | None = None,
    ) -> bool:
        version, document_id = facts.target_version, str(report_id)
        current = _as_read(facts)  # a newer grade, regrade or resume retargets it instead
        target: Document = {
            "$set": {
                "due_at": marks[-1].at,
                "state": ClockState.RUNNING.value,
                "target_grade": facts.handled_grade,
                "thresholds": [{"name": m.name, "at": m.at, "breach": m.breach} for m in marks],
            }
        }
        events: list[Event] = [told]
        if resumption is not None:
            current &= still("pause.request_id", str(resumption.request_id))
            target |= _resume(resumption.pause)
            events.insert(0, resumption.resumed)
        if facts.clock is not None and facts.clock.target_version == version:
            same_version = (current & still("target_version", version)).on(document_id)
            if await self.outbox.update(same_version, target, events):
                return True
        fresh = {**target["$set"], "target_version": version, "announced": []}
        return await self.outbox.update(current.on(document_id), {**target, "$set": fresh}, events)

    async def pause(
        self, report_id: uuid.UUID, pause: OpenPause, told: SlaPaused, action: int
    ) -> bool:
        request = str(pause.request_id)
        unpaused = (
            still("state", ClockState.RUNNING.value)
            & newer_only("closed_action", action)  # no later close ended the request
            & first_stands("pause")
            & first_stands("replied_at")
            & once_per_name("paused_requests", request)
        )
        stored = {
            "request_id": request,
            "paused_at": pause.paused_at,
            "resume_by": pause.resume_by,
            "cause": pause.cause.to_document(),
        }
        update = {"$set": {"pause": stored}, "$push": {"paused_requests": request}}
        return await self.outbox.update(unpaused.on(str(report_id)), update, [told])

    async def announce(self, report_id: uuid.UUID, version: int, name: str, event: Event) -> bool:
        unannounced = (
            still("state", ClockState.RUNNING.value)
            & still("target_version", version)
            & once_per_name("announced", name)
        )
        return await self.outbox.update(
            unannounced.on(str(report_id)), {"$push": {"announced": name}}, [event]
        )

    async def stop(self, report_id: uuid.UUID, clock: SlaClock, met: SlaMet) -> None:
        await self.outbox.update(
            still("state", ClockState.RUNNING.value).on(str(report_id)),
            {
                "$set": {
                    "state": ClockState.MET.value,
                    "stopped_at": clock.stopped_at,
                    "due_at": clock.due_at,
                    "late": clock.late,
                }
            },
            [met],
        )

    async def get(self, report_id: uuid.UUID) -> SlaClock | None:
        document = await self._collection.find_one({"_id": str(report_id)}, {"outbox": 0})
        return None if document is None else _clock(document)

    async def running(self) -> list[tuple[uuid.UUID, datetime]]:
        cursor = self._collection.find(
            {"state": ClockState.RUNNING.value},
            {"thresholds": 1, "announced": 1, "state": 1, "started_at": 1, "due_at": 1, "pause": 1},
        )
        agenda = []
        async for document in cursor:
            clock = _clock(document)
            at = clock.next_threshold_at() if clock else None
            if at is not None:
                agenda.append((uuid.UUID(document["_id"]), at))
        return agenda

    async def open_clocks(self, limit: int) -> list[SlaClock]:
        """On real MongoDB the (state, due_at) index serves this; the local Mongo-wire
        server scans, which is fine for a gauge read now and then."""
        projection = {"outbox": 0, "cause": 0}
        cursor = self._collection.find({"state": ClockState.RUNNING.value}, projection)
        return [clock async for document in cursor.limit(limit) if (clock := _clock(document))]


def _as_read(facts: ClockFacts) -> Guard:
    """The clock is not met, and its grade, regrade and pauses are as the caller read them."""
    regraded = facts.override.action_number if facts.override else 0
    return (
        not_yet("state", ClockState.MET.value)
        & unchanged("grade_sequence", facts.grade_sequence)
        & unchanged("override.action_number", regraded)
        & unchanged("pause_count", len(facts.pauses))
    )


def _resume(pause: Pause) -> Document:
    closed = {"paused_at": pause[0], "resumed_at": pause[1]}
    return {"$unset": {"pause": ""}, "$push": {"pauses": closed}, "$inc": {"pause_count": 1}}


def _facts(document: dict[str, Any]) -> ClockFacts:
    cause = document.get("cause")
    return ClockFacts(
        cause=None if cause is None else CauseRef.from_document(cause),
        started_at=document.get("started_at"),
        report_type=document.get("report_type"),
        force_code=document.get("force_code"),
        grade=document.get("grade"),
        grade_sequence=document.get("grade_sequence", 0),
        route=document.get("route"),
        replied_at=document.get("replied_at"),
        reply_failed=bool(document.get("reply_failed", False)),
        clock=_clock(document),
        kept_by=KeptBy(document.get("kept_by", KeptBy.ACKNOWLEDGEMENT.value)),
        graded_at=document.get("graded_at"),
        override=_override(document.get("override")),
        pause=_open_pause(document.get("pause")),
        pauses=tuple((p["paused_at"], p["resumed_at"]) for p in document.get("pauses", [])),
        updated_at=document.get("updated_at"),
        closed_action=document.get("closed_action", 0),
    )


def _override(stored: dict[str, Any] | None) -> Override | None:
    if stored is None:
        return None
    return Override(stored["grade"], stored["route"], stored["action_number"], stored["at"])


def _open_pause(stored: dict[str, Any] | None) -> OpenPause | None:
    if stored is None:
        return None
    return OpenPause(
        uuid.UUID(stored["request_id"]),
        stored["paused_at"],
        stored["resume_by"],
        CauseRef.from_document(stored["cause"]),
    )


def _clock(document: dict[str, Any]) -> SlaClock | None:
    if "state" not in document or "due_at" not in document:
        return None
    return SlaClock(
        started_at=document["started_at"],
        due_at=document["due_at"],
        grade=document.get("target_grade", document.get("grade")),
        state=ClockState(document["state"]),
        stopped_at=document.get("stopped_at"),
        thresholds=tuple(
            Threshold(t["name"], t["at"], t.get("breach", False))
            for t in document.get("thresholds", [])
        ),
        announced=frozenset(document.get("announced", [])),
        target_version=int(document.get("target_version", 0)),
        resume_by=(document.get("pause") or {}).get("resume_by"),
    )
