"""The SLA watchdog's clock store, faked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

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
from tests.fakes import EventLog


@dataclass
class _ClockRecord:
    cause: CauseRef | None = None
    started_at: datetime | None = None
    report_type: str | None = None
    force_code: str | None = None
    grade: int | None = None
    grade_sequence: int = 0
    graded_at: datetime | None = None
    route: str | None = None
    replied_at: datetime | None = None
    kept_by: KeptBy = KeptBy.ACKNOWLEDGEMENT
    reply_failed: bool = False
    override: Override | None = None
    pause: OpenPause | None = None
    pauses: tuple[Pause, ...] = ()
    paused_requests: frozenset[uuid.UUID] = frozenset()
    update_number: int = 0
    updated_at: datetime | None = None
    closed_action: int = 0
    clock: SlaClock | None = None

    def shown_clock(self) -> SlaClock | None:
        """The clock as stored, paused while a pause is open."""
        if self.clock is None:
            return None
        return replace(self.clock, resume_by=self.pause.resume_by if self.pause else None)

    def as_read(self, facts: ClockFacts) -> bool:
        """Not met, and graded, regraded and paused as the caller read it."""
        return (
            (self.clock is None or self.clock.state is not ClockState.MET)
            and self.grade_sequence == facts.grade_sequence
            and self.override == facts.override
            and len(self.pauses) == len(facts.pauses)
        )


class FakeClocks(EventLog):
    def __init__(self) -> None:
        super().__init__()
        self.records: dict[uuid.UUID, _ClockRecord] = {}

    def _record(self, report_id: uuid.UUID) -> _ClockRecord:
        return self.records.setdefault(report_id, _ClockRecord())

    async def remember_start(self, event: ReportSubmitted) -> ClockFacts | None:
        record = self._record(event.report_id)
        record.cause, record.started_at = CauseRef.of(event), event.received_at
        record.report_type, record.force_code = event.report_type.value, event.force_code
        return await self.facts(event.report_id)

    async def remember_grade(self, event: ReportClassified) -> ClockFacts | None:
        record = self._record(event.report_id)
        if record.grade_sequence < event.sequence:  # newer sequence only
            record.grade, record.grade_sequence = event.grade, event.sequence
            record.route, record.graded_at = event.route, event.occurred_at
        return await self.facts(event.report_id)

    async def remember_reply(
        self, report_id: uuid.UUID, replied_at: datetime, kept_by: KeptBy
    ) -> ClockFacts | None:
        record = self._record(report_id)
        if record.replied_at is None:  # the first stands
            record.replied_at, record.kept_by = replied_at, kept_by
        return await self.facts(report_id)

    async def remember_regrade(self, event: ReportRegraded) -> ClockFacts | None:
        record = self._record(event.report_id)
        if record.override is None or record.override.action_number < event.action_number:
            record.override = Override(
                event.grade, event.route, event.action_number, event.occurred_at
            )
        return await self.facts(event.report_id)

    async def remember_failure(self, report_id: uuid.UUID) -> ClockFacts | None:
        self._record(report_id).reply_failed = True
        return await self.facts(report_id)

    async def remember_close(self, report_id: uuid.UUID, action: int) -> ClockFacts | None:
        record = self._record(report_id)
        record.closed_action = max(record.closed_action, action)  # the newest stands
        return await self.facts(report_id)

    async def remember_update(self, event: ReportUpdated) -> ClockFacts | None:
        record = self._record(event.report_id)
        if record.update_number < event.update_number:  # newer update only
            record.update_number, record.updated_at = event.update_number, event.occurred_at
        return await self.facts(event.report_id)

    async def facts(self, report_id: uuid.UUID) -> ClockFacts | None:
        record = self.records.get(report_id)
        if record is None:
            return None
        return ClockFacts(
            record.cause,
            record.started_at,
            record.report_type,
            record.force_code,
            record.grade,
            record.grade_sequence,
            record.route,
            record.replied_at,
            record.reply_failed,
            record.shown_clock(),
            kept_by=record.kept_by,
            graded_at=record.graded_at,
            override=record.override,
            pause=record.pause,
            pauses=record.pauses,
            updated_at=record.updated_at,
            closed_action=record.closed_action,
        )

    async def set_target(
        self,
        report_id: uuid.UUID,
        facts: ClockFacts,
        marks: list[Threshold],
        told: SlaTargetSet,
        resumption: Resumption | None = None,
    ) -> bool:
        record = self.records.get(report_id)
        if record is None or not record.as_read(facts):
            return False  # changed since `facts` were read: that change retargets it
        if resumption is not None and (
            record.pause is None or record.pause.request_id != resumption.request_id
        ):
            return False  # resumed already
        assert record.started_at is not None
        version, clock = facts.target_version, record.clock
        same = clock is not None and clock.target_version == version
        record.clock = SlaClock(
            record.started_at,
            marks[-1].at,
            facts.handled_grade,
            ClockState.RUNNING,
            thresholds=tuple(marks),
            announced=clock.announced if same and clock is not None else frozenset(),
            target_version=version,
        )
        events: list[Event] = [told]
        if resumption is not None:
            record.pause, record.pauses = None, (*record.pauses, resumption.pause)
            events.insert(0, resumption.resumed)
        self.add_pending(report_id, events)
        return True

    async def pause(
        self, report_id: uuid.UUID, pause: OpenPause, told: SlaPaused, action: int
    ) -> bool:
        record = self.records.get(report_id)
        if (
            self._running(report_id) is None
            or record is None
            or record.closed_action > action  # a later close ended the request
            or record.pause is not None
            or record.replied_at is not None
            or pause.request_id in record.paused_requests
        ):
            return False
        record.pause = pause
        record.paused_requests |= {pause.request_id}
        self.add_pending(report_id, [told])
        return True

    def _running(self, report_id: uuid.UUID, version: int | None = None) -> SlaClock | None:
        record = self.records.get(report_id)
        clock = None if record is None else record.clock
        if clock is None or clock.state is not ClockState.RUNNING:
            return None
        return clock if version is None or clock.target_version == version else None

    async def announce(self, report_id: uuid.UUID, version: int, name: str, event: Event) -> bool:
        clock = self._running(report_id, version)
        if clock is None or name in clock.announced:  # once per name
            return False
        self.records[report_id].clock = replace(clock, announced=clock.announced | {name})
        self.add_pending(report_id, [event])
        return True

    async def stop(self, report_id: uuid.UUID, clock: SlaClock, met: SlaMet) -> None:
        running = self._running(report_id)
        if running is not None:  # stops once
            self.records[report_id].clock = replace(
                running, state=ClockState.MET, stopped_at=clock.stopped_at, due_at=clock.due_at
            )
            self.add_pending(report_id, [met])

    async def get(self, report_id: uuid.UUID) -> SlaClock | None:
        record = self.records.get(report_id)
        return None if record is None else record.shown_clock()

    async def running(self) -> list[tuple[uuid.UUID, datetime]]:
        agenda = []
        for report_id, record in self.records.items():
            clock = record.shown_clock()
            at = clock.next_threshold_at() if clock else None
            if at is not None:
                agenda.append((report_id, at))
        return agenda

    async def open_clocks(self, limit: int) -> list[SlaClock]:
        shown = [r.shown_clock() for r in self.records.values()]
        return [c for c in shown if c is not None and c.state is ClockState.RUNNING][:limit]
