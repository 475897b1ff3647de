"""The SLA watchdog's clock store, faked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from services.sla_watchdog.domain import ClockState, SlaClock
from services.sla_watchdog.policy import Threshold
from services.sla_watchdog.ports import ClockFacts
from shared.events import (
    CauseRef,
    Event,
    ReportClassified,
    ReportSubmitted,
    SlaMet,
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
    route: str | None = None
    replied_at: datetime | None = None
    reply_failed: bool = False
    clock: SlaClock | None = None


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
            record.route = event.route
        return await self.facts(event.report_id)

    async def remember_reply(self, report_id: uuid.UUID, replied_at: datetime) -> ClockFacts | None:
        record = self._record(report_id)
        record.replied_at = record.replied_at or replied_at  # the first stands
        return await self.facts(report_id)

    async def remember_failure(self, report_id: uuid.UUID) -> ClockFacts | None:
        self._record(report_id).reply_failed = True
        return await self.facts(report_id)

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
            record.clock,
        )

    async def set_target(
        self, report_id: uuid.UUID, facts: ClockFacts, marks: list[Threshold], told: SlaTargetSet
    ) -> None:
        record = self.records.get(report_id)
        version = facts.grade_sequence
        if record is None or record.grade_sequence != version:
            return  # graded again since `facts` were read: that grade retargets it
        clock = record.clock
        if clock is not None and clock.state is ClockState.MET:
            return
        assert record.started_at is not None
        same = (  # the caller and the store both see this version's target: keep its marks
            clock is not None
            and facts.clock is not None
            and clock.target_version == facts.clock.target_version == version
        )
        record.clock = SlaClock(
            record.started_at,
            marks[-1].at,
            record.grade,
            ClockState.RUNNING,
            thresholds=tuple(marks),
            announced=clock.announced if same and clock is not None else frozenset(),
            target_version=version,
        )
        self.add_pending(report_id, [told])

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
        return None if record is None else record.clock

    async def running(self) -> list[tuple[uuid.UUID, datetime]]:
        agenda = []
        for report_id, record in self.records.items():
            at = record.clock.next_threshold_at() if record.clock else None
            if at is not None:
                agenda.append((report_id, at))
        return agenda

    async def open_clocks(self, limit: int) -> list[SlaClock]:
        running = [r.clock for r in self.records.values() if r.clock is not None]
        return [clock for clock in running if clock.state is ClockState.RUNNING][:limit]
