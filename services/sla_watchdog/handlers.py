"""SLA watchdog's use cases: learn facts from events, then bring the clock up to date."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import structlog

from services.sla_watchdog import SERVICE
from services.sla_watchdog.domain import ClockState, SlaClock, TargetPolicy, due_at
from shared.clock import Clock
from shared.events import (
    CauseRef,
    ReplyDelivered,
    ReplyKind,
    ReplySent,
    ReportClassified,
    ReportSubmitted,
    SlaMet,
)

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ClockFacts:
    """What the watchdog has learnt of one report, from whichever events arrived."""

    cause: CauseRef | None
    started_at: datetime | None
    grade: int | None
    grade_sequence: int
    replied_at: datetime | None
    clock: SlaClock | None


class Clocks(Protocol):
    """Per-report SLA clocks and the facts they are computed from."""

    async def remember_start(self, event: ReportSubmitted) -> None: ...

    async def remember_grade(self, event: ReportClassified) -> None: ...

    async def remember_reply(self, report_id: uuid.UUID, replied_at: datetime) -> None: ...

    async def facts(self, report_id: uuid.UUID) -> ClockFacts | None: ...

    async def set_due(self, report_id: uuid.UUID, facts: ClockFacts, due: datetime) -> None:
        """Start or retarget a running clock, unless its facts changed meanwhile."""

    async def stop(self, report_id: uuid.UUID, clock: SlaClock, met: SlaMet) -> None:
        """Stop a running clock and record SlaMet, once."""

    async def get(self, report_id: uuid.UUID) -> SlaClock | None: ...

    async def publish_pending(self, report_id: uuid.UUID) -> None: ...


class Watchdog:
    """The watchdog's dependencies, and its use cases."""

    def __init__(self, clocks: Clocks, policy: TargetPolicy, clock: Clock) -> None:
        self.clocks = clocks
        self.policy = policy
        self.clock = clock

    async def start_clock(self, event: ReportSubmitted) -> None:
        if event.anonymous:
            return  # no contact, so no reply is promised and no clock runs
        await self.clocks.remember_start(event)
        await self.update_clock(event.report_id)

    async def retarget_clock(self, event: ReportClassified) -> None:
        await self.clocks.remember_grade(event)
        await self.update_clock(event.report_id)

    async def stop_on_reply(self, event: ReplySent | ReplyDelivered) -> None:
        if event.reply_kind is not ReplyKind.ACKNOWLEDGEMENT:
            return
        if isinstance(event, ReplySent) and event.receipts_expected:
            return  # the clock stops when the receipt says it was delivered
        await self.clocks.remember_reply(event.report_id, event.occurred_at)
        await self.update_clock(event.report_id)

    async def update_clock(self, report_id: uuid.UUID) -> None:
        facts = await self.clocks.facts(report_id)
        if facts is None or facts.cause is None or facts.started_at is None:
            return  # not submitted yet (or anonymous): nothing to time
        if facts.clock is None or facts.clock.state is ClockState.RUNNING:
            due = due_at(facts.started_at, facts.grade, self.policy)
            await self.clocks.set_due(report_id, facts, due)
            if facts.replied_at is not None:
                await self._stop(facts, due, facts.replied_at)
        await self.clocks.publish_pending(report_id)

    async def _stop(self, facts: ClockFacts, due: datetime, stopped_at: datetime) -> None:
        assert facts.cause is not None
        assert facts.started_at is not None
        clock = SlaClock(facts.started_at, due, facts.grade, ClockState.MET, stopped_at)
        met = SlaMet.caused_by(
            facts.cause,
            producer=SERVICE,
            occurred_at=self.clock.now(),
            started_at=clock.started_at,
            stopped_at=stopped_at,
            due_at=due,
            elapsed_seconds=clock.elapsed(stopped_at).total_seconds(),
            late=clock.late,
        )
        await self.clocks.stop(facts.cause.report_id, clock, met)
        log.info("sla_met", report_id=str(facts.cause.report_id), late=clock.late)
