"""SLA watchdog's use cases: learn facts from events, keep each clock's target and
thresholds current (paused while the force waits on the reporter, moved on when it
resumes), announce every threshold once when the ticker finds it passed, and stop the
clock on the first reply or contact that keeps the promise."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

import structlog

from services.sla_watchdog import announcements
from services.sla_watchdog.domain import ClockState, SlaClock
from services.sla_watchdog.policy import Policy, Threshold, thresholds
from services.sla_watchdog.ports import ClockFacts, Clocks, OpenPause, Resumption
from shared.clock import Clock
from shared.events import (
    CauseRef,
    ContactRecorded,
    InformationRequested,
    KeptBy,
    ReplyDelivered,
    ReplyFailed,
    ReplyKind,
    ReportClassified,
    ReportClosed,
    ReportRegraded,
    ReportSubmitted,
    ReportUpdated,
    ResumedBecause,
)
from shared.events.replies import promise_kept
from shared.schedule import Schedule

log = structlog.get_logger(__name__)

REPLY_FAILED_THRESHOLD = "reply failed"


def _answered_since_paused(facts: ClockFacts) -> bool:
    """An update made after the open pause began (one made at that very moment answered the
    request before, whose resume the pause starts from)."""
    pause, updated_at = facts.pause, facts.updated_at
    return pause is not None and updated_at is not None and updated_at > pause.paused_at


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

    async def regrade_clock(self, event: ReportRegraded) -> None:
        """Staff's grade holds (unless a later assessment is more urgent), and their route."""
        await self.update_clock(event.report_id, await self.clocks.remember_regrade(event))

    async def stop_on_delivery(self, event: ReplyDelivered) -> None:
        """An acknowledgement, staff reply or outcome reached the reporter (ReplySent is
        the console's alone, DR-9: for e-mail the notifier tells delivery on acceptance)."""
        if (kept := promise_kept(event)) is None:
            return  # another kind of reply
        facts = await self.clocks.remember_reply(event.report_id, kept.at, kept.kept_by)
        await self.update_clock(event.report_id, facts)

    async def stop_on_contact(self, event: ContactRecorded) -> None:
        """Staff reached the reporter outside frontdesk: the promise was kept then."""
        if not event.reached:
            return
        kept_by = KeptBy.CONTACT_RECORDED
        facts = await self.clocks.remember_reply(event.report_id, event.contacted_at, kept_by)
        await self.update_clock(event.report_id, facts)

    async def note_failure(self, event: ReplyFailed) -> None:
        """A final failure keeps the clock running and marks it at risk at once."""
        if event.final and event.reply_kind is ReplyKind.ACKNOWLEDGEMENT:
            facts = await self.clocks.remember_failure(event.report_id)
            await self.update_clock(event.report_id, facts)

    async def pause_clock(self, event: InformationRequested) -> None:
        """The force waits on the reporter: a running, unpaused clock pauses, once per
        request, until they answer or `answer_by` (never again over time already paused,
        should a request arrive after a later one's resume; never once a later close, by
        `action_number`, ended the request: a request after a reopening is later still)."""
        facts = await self.clocks.facts(event.report_id)
        clock = None if facts is None else facts.clock
        if facts is None or clock is None or clock.state is not ClockState.RUNNING:
            return  # no clock running: nothing to pause
        if facts.closed_action > event.action_number:
            return  # closed after it was asked: nobody waits on the answer
        request_id = event.message.request_id
        since = max([event.occurred_at, *(resumed for _, resumed in facts.pauses)])
        pause = OpenPause(request_id, since, event.answer_by, CauseRef.of(event))
        told = announcements.paused(pause, self.clock.now())
        if await self.clocks.pause(event.report_id, pause, told, event.action_number):
            log.info("sla_paused", report_id=str(event.report_id), request_id=str(request_id))
        facts = await self.clocks.facts(event.report_id)
        if facts is not None and _answered_since_paused(facts):  # the answer came first
            assert facts.updated_at is not None
            await self._resume_now(facts, facts.updated_at, ResumedBecause.REPORTER_ANSWERED)
        else:
            await self._check(event.report_id, facts)

    async def resume_on_update(self, event: ReportUpdated) -> None:
        """The reporter's answer (any update made after the pause) resumes the clock."""
        facts = await self.clocks.remember_update(event)
        await self._resume_now(facts, event.occurred_at, ResumedBecause.REPORTER_ANSWERED)

    async def resume_on_close(self, event: ReportClosed) -> None:
        """A closed report waits on nobody; its outcome reply will stop the clock. The
        close is remembered: a request for information it ended, arriving later, pauses
        nothing."""
        facts = await self.clocks.remember_close(event.report_id, event.action_number)
        await self._resume_now(facts, event.occurred_at, ResumedBecause.REPORT_CLOSED)

    async def _resume_now(
        self, facts: ClockFacts | None, at: datetime, because: ResumedBecause
    ) -> None:
        if facts is None or facts.cause is None:
            return
        report_id = facts.cause.report_id
        if facts.pause is None or at < facts.pause.paused_at:
            await self._check(report_id, facts)  # not paused, or told of before the pause
            return
        await self._check(report_id, await self._resume(report_id, facts, at, because))

    async def update_clock(self, report_id: uuid.UUID, facts: ClockFacts | None) -> None:
        if facts is None or facts.cause is None or facts.started_at is None:
            return  # not submitted yet (or anonymous): nothing to time
        if facts.replied_at is not None and facts.pause is not None:  # resume, then stop
            at = max(facts.replied_at, facts.pause.paused_at)
            facts = await self._resume(report_id, facts, at, ResumedBecause.REPLY_PROMISE_KEPT)
        if facts is None or (cause := facts.cause) is None:
            return
        known: ClockFacts | None = facts  # still true after this update, or None to re-read
        if facts.clock is None or facts.clock.state is ClockState.RUNNING:
            marks = self._marks(facts)
            if facts.clock is None or not facts.clock.has_target(facts.target_version, marks):
                told = announcements.target_set(cause, facts, marks, self.clock.now())
                await self.clocks.set_target(report_id, facts, marks, told)
                known = None
            if facts.replied_at is not None:
                await self._stop(cause, facts, marks[-1].at, facts.replied_at)
                self.schedule.plan(report_id, None)
                return
            if facts.reply_failed:
                await self._announce_failure(cause, facts)
                known = None
        await self._check(report_id, known)

    def _marks(self, facts: ClockFacts) -> list[Threshold]:
        assert facts.started_at is not None
        policy = self.force_policies.get(facts.force_code or "", self.policy)
        grade, report_type = facts.handled_grade, facts.report_type
        return thresholds(policy, facts.started_at, grade, report_type, facts.pauses)

    async def _resume(
        self, report_id: uuid.UUID, facts: ClockFacts, at: datetime, because: ResumedBecause
    ) -> ClockFacts | None:
        """Close the open pause at `at`, moving the target on by it and telling both in
        one write; returns the facts as they then stand."""
        pause = facts.pause
        if pause is None or facts.cause is None:
            return facts
        closed = (pause.paused_at, max(at, pause.paused_at))
        moved = replace(facts, pause=None, pauses=(*facts.pauses, closed))
        marks, now = self._marks(moved), self.clock.now()
        told = announcements.target_set(facts.cause, facts, marks, now)
        resumed = announcements.resumed(pause, closed, because, marks, now)
        resumption = Resumption(pause.request_id, closed, resumed)
        if await self.clocks.set_target(report_id, facts, marks, told, resumption):
            log.info("sla_resumed", report_id=str(report_id), because=because.value)
        return await self.clocks.facts(report_id)

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
        """Resume a clock nobody answered by its pause's `resume_by`; announce its due
        thresholds once each, and plan its next check."""
        facts = await self.clocks.facts(report_id)
        if facts is not None and facts.pause is not None:
            resume_by = facts.pause.resume_by
            if self.clock.now() >= resume_by:
                no_answer = ResumedBecause.NO_ANSWER
                facts = await self._resume(report_id, facts, resume_by, no_answer)
        await self._check(report_id, facts)

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
            event = announcements.threshold_passed(
                facts.cause, facts, clock, threshold, self.clock.now()
            )
            if await self.clocks.announce(report_id, clock.target_version, threshold.name, event):
                announced = True
                log.info("sla_threshold", report_id=str(report_id), threshold=threshold.name)
        if announced:
            refreshed = await self.clocks.get(report_id)
            clock = refreshed or clock
        self.schedule.plan(report_id, clock.next_threshold_at())

    async def _announce_failure(self, cause: CauseRef, facts: ClockFacts) -> None:
        clock = await self.clocks.get(cause.report_id)
        if clock is None:
            return
        failure = Threshold(REPLY_FAILED_THRESHOLD, self.clock.now())
        event = announcements.threshold_passed(cause, facts, clock, failure, self.clock.now())
        await self.clocks.announce(cause.report_id, clock.target_version, failure.name, event)

    async def _stop(
        self, cause: CauseRef, facts: ClockFacts, due: datetime, stopped_at: datetime
    ) -> None:
        assert facts.started_at is not None
        clock = SlaClock(facts.started_at, due, facts.handled_grade, ClockState.MET, stopped_at)
        pauses = facts.pauses
        if facts.pause is not None:  # its resume lost a race: count it to the stop
            pauses = (*pauses, (facts.pause.paused_at, max(stopped_at, facts.pause.paused_at)))
        met = announcements.met(cause, facts, clock, pauses, self.clock.now())
        await self.clocks.stop(cause.report_id, clock, met)
        log.info("sla_met", report_id=str(cause.report_id), late=clock.late, kept_by=facts.kept_by)
