"""SLA watchdog's use cases: learn facts from events, keep each clock's target and
thresholds current, and announce every threshold once when the ticker finds it passed."""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog

from services.sla_watchdog import SERVICE
from services.sla_watchdog.domain import ClockState, SlaClock
from services.sla_watchdog.policy import Policy, Threshold, thresholds
from services.sla_watchdog.ports import ClockFacts, Clocks
from shared.clock import Clock
from shared.events import (
    CauseRef,
    Event,
    ReplyDelivered,
    ReplyFailed,
    ReplyKind,
    ReportClassified,
    ReportSubmitted,
    SlaAtRisk,
    SlaBreached,
    SlaMet,
    SlaTargetSet,
    SlaThresholdMark,
    acknowledged_at,
)
from shared.schedule import Schedule

log = structlog.get_logger(__name__)

REPLY_FAILED_THRESHOLD = "reply failed"


class Watchdog:
    """The watchdog's dependencies, and its use cases."""

    def __init__(
        self,
        clocks: Clocks,
        policy: Policy,
        clock: Clock,
        force_policies: dict[str, Policy] | None = None,
    ) -> None:
        self.clocks = clocks
        self.policy = policy
        self.force_policies = force_policies or {}
        self.clock = clock
        self.schedule = Schedule()

    async def start_clock(self, event: ReportSubmitted) -> None:
        if event.anonymous:
            return  # no contact, so no reply is promised and no clock runs
        await self.update_clock(event.report_id, await self.clocks.remember_start(event))

    async def retarget_clock(self, event: ReportClassified) -> None:
        await self.update_clock(event.report_id, await self.clocks.remember_grade(event))

    async def stop_on_delivery(self, event: ReplyDelivered) -> None:
        if (replied_at := acknowledged_at(event)) is None:
            return  # another kind of reply
        facts = await self.clocks.remember_reply(event.report_id, replied_at)
        await self.update_clock(event.report_id, facts)

    async def note_failure(self, event: ReplyFailed) -> None:
        """A final failure keeps the clock running and marks it at risk at once."""
        if event.final and event.reply_kind is ReplyKind.ACKNOWLEDGEMENT:
            facts = await self.clocks.remember_failure(event.report_id)
            await self.update_clock(event.report_id, facts)

    async def update_clock(self, report_id: uuid.UUID, facts: ClockFacts | None) -> None:
        if facts is None or facts.cause is None or facts.started_at is None:
            return  # not submitted yet (or anonymous): nothing to time
        cause, started_at = facts.cause, facts.started_at
        known: ClockFacts | None = facts  # still true after this update, or None to re-read
        if facts.clock is None or facts.clock.state is ClockState.RUNNING:
            policy = self.force_policies.get(facts.force_code or "", self.policy)
            marks = thresholds(policy, started_at, facts.grade, facts.report_type)
            if facts.clock is None or not facts.clock.has_target(facts.grade_sequence, marks):
                told = self._target_event(cause, started_at, facts, marks)
                await self.clocks.set_target(report_id, facts, marks, told)
                known = None
            if facts.replied_at is not None:
                await self._stop(cause, started_at, facts.grade, marks[-1].at, facts.replied_at)
                self.schedule.plan(report_id, None)
                return
            if facts.reply_failed:
                await self._announce_failure(cause, facts)
                known = None
        await self._check(report_id, known)

    async def tick(self) -> int:
        """Announce every threshold passed since the last tick; returns how many clocks."""
        due = self.due()
        for report_id in due:
            await self.check(report_id)
        return len(due)

    def due(self) -> list[uuid.UUID]:
        """The clocks with a threshold passed since they were last checked (taken off the
        agenda: `check` puts each back for its next threshold)."""
        return self.schedule.pop_due(self.clock.now())

    async def check(self, report_id: uuid.UUID) -> None:
        """Announce a clock's due thresholds once each, and plan its next check."""
        await self._check(report_id)

    def check_again(self, report_id: uuid.UUID) -> None:
        """Put a clock whose check failed back on the agenda, due at once."""
        self.schedule.plan(report_id, self.clock.now())

    async def resync(self) -> None:
        """Put every running clock on the agenda (at start, and now and then, for clocks
        whose events another instance handled)."""
        for report_id, at in await self.clocks.running():
            self.schedule.plan(report_id, at)

    async def _check(self, report_id: uuid.UUID, facts: ClockFacts | None = None) -> None:
        """Announce the clock's due thresholds and plan its next check; `facts`, when the
        caller has them fresh, saves reading them again."""
        facts = facts or await self.clocks.facts(report_id)
        clock = facts.clock if facts is not None else None
        if facts is None or clock is None or facts.cause is None:
            return
        announced = False
        for threshold in clock.due_thresholds(self.clock.now()):
            event = self._threshold_event(facts.cause, facts, clock, threshold)
            if await self.clocks.announce(report_id, clock.target_version, threshold.name, event):
                announced = True
                log.info("sla_threshold", report_id=str(report_id), threshold=threshold.name)
        if announced:
            refreshed = await self.clocks.get(report_id)
            clock = refreshed or clock
        self.schedule.plan(report_id, clock.next_threshold_at())

    def _target_event(
        self, cause: CauseRef, started_at: datetime, facts: ClockFacts, marks: list[Threshold]
    ) -> SlaTargetSet:
        """Once per target version; a version retargeted to other times (a changed policy)
        is told again, once per due time."""
        version, due_at = facts.grade_sequence, marks[-1].at
        same_version = facts.clock is not None and facts.clock.target_version == version
        discriminator = f"{version}:{due_at.isoformat()}" if same_version else str(version)
        return SlaTargetSet.caused_by(
            cause,
            producer=SERVICE,
            occurred_at=self.clock.now(),
            discriminator=discriminator,
            started_at=started_at,
            due_at=due_at,
            grade=facts.grade,
            target_version=version,
            thresholds=[SlaThresholdMark(name=m.name, at=m.at) for m in marks],
            route=facts.route,
            force_code=facts.force_code,
        )

    def _threshold_event(
        self, cause: CauseRef, facts: ClockFacts, clock: SlaClock, threshold: Threshold
    ) -> Event:
        discriminator = f"{clock.target_version}:{threshold.name}"
        now, grade = self.clock.now(), clock.grade or 4
        if threshold.breach:
            return SlaBreached.caused_by(
                cause,
                producer=SERVICE,
                occurred_at=now,
                discriminator=discriminator,
                due_at=clock.due_at,
                grade=grade,
                route=facts.route,
                force_code=facts.force_code,
            )
        return SlaAtRisk.caused_by(
            cause,
            producer=SERVICE,
            occurred_at=now,
            discriminator=discriminator,
            threshold=threshold.name,
            due_at=clock.due_at,
            grade=grade,
            route=facts.route,
            force_code=facts.force_code,
        )

    async def _announce_failure(self, cause: CauseRef, facts: ClockFacts) -> None:
        clock = await self.clocks.get(cause.report_id)
        if clock is None:
            return
        failure = Threshold(REPLY_FAILED_THRESHOLD, self.clock.now())
        event = self._threshold_event(cause, facts, clock, failure)
        await self.clocks.announce(cause.report_id, clock.target_version, failure.name, event)

    async def _stop(
        self,
        cause: CauseRef,
        started_at: datetime,
        grade: int | None,
        due: datetime,
        stopped_at: datetime,
    ) -> None:
        clock = SlaClock(started_at, due, grade, ClockState.MET, stopped_at)
        met = SlaMet.caused_by(
            cause,
            producer=SERVICE,
            occurred_at=self.clock.now(),
            started_at=clock.started_at,
            stopped_at=stopped_at,
            due_at=due,
            elapsed_seconds=clock.elapsed(stopped_at).total_seconds(),
            late=clock.late,
        )
        await self.clocks.stop(cause.report_id, clock, met)
        log.info("sla_met", report_id=str(cause.report_id), late=clock.late)
