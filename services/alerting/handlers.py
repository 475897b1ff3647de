"""Alerting's use cases: raise an alert when a report needs a person, page each step of its
ladder once, climb the ladder while nobody acknowledges, stop when somebody does, and end
the alert when it needs nobody any more."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

import structlog

from services.alerting import SERVICE
from services.alerting.alert_events import escalated_event, raised_event
from services.alerting.assignments import Assignments
from services.alerting.domain import RESOLVED_BY_REPLY, Acknowledgement, Alert, AlertState
from services.alerting.pages import Paging
from services.alerting.policy import AlertPolicy, AlertSubject
from services.alerting.ports import AlertMetrics, Alerts, Notices, Pager, ReportFacts, Watches
from shared.clock import Clock
from shared.events import (
    AcknowledgedVia,
    AlertAcknowledged,
    AlertEscalated,
    AlertKind,
    AlertRaised,
    AlertResolved,
    Cause,
    CauseRef,
    ReferenceIssued,
    ReplyFailed,
    ReportAssigned,
    ReportClassified,
    ReportClosed,
    ReportRegraded,
    ReportReopened,
    ResolvedBecause,
    SlaAtRisk,
    SlaBreached,
    SlaMet,
    alert_id_of,
)
from shared.schedule import Schedule

log = structlog.get_logger(__name__)

#: The classifier's flag for a report that may be an emergency (services/classifier/rules).
EMERGENCY_FLAG = "possible_emergency"


@dataclass(frozen=True)
class AckOutcome:
    """What an acknowledgement found: the alert as it now stands, and whether this call
    was the one that acknowledged it (false: somebody had, or it had ended)."""

    alert: Alert
    acknowledged_now: bool


class Alerting:
    """Alerting's dependencies, and its use cases."""

    def __init__(
        self,
        alerts: Alerts,
        policy: AlertPolicy,
        pager: Pager,
        metrics: AlertMetrics,
        clock: Clock,
        *,
        watches: Watches,
        notices: Notices,
    ) -> None:
        self.alerts = alerts
        self.policy = policy
        self.pager = pager
        self.metrics = metrics
        self.clock = clock
        self.paging = Paging(alerts, policy, pager, metrics, clock)
        self.schedule = Schedule()
        self.watches = watches
        self.assignments = Assignments(
            self, alerts, watches, notices, (policy, pager, metrics, clock)
        )

    async def learn_classification(self, event: ReportClassified) -> None:
        known = ReportFacts(event.report_id, None, event.force_code, event.grade, event.route)
        facts = await self.alerts.learn(known, event.sequence)
        if EMERGENCY_FLAG in event.flags:
            kind = AlertKind.POSSIBLE_EMERGENCY
            subject = AlertSubject(kind, facts.force_code, event.route, event.grade)
            await self.raise_for(event, subject, facts)

    async def learn_reference(self, event: ReferenceIssued) -> None:
        await self.alerts.learn(
            ReportFacts(event.report_id, event.reference, event.force_code), None
        )

    async def raise_at_risk(self, event: SlaAtRisk) -> None:
        subject = AlertSubject(
            AlertKind.SLA_AT_RISK, event.force_code, event.route, event.grade, event.threshold
        )
        await self.raise_for(event, subject, await self.alerts.report(event.report_id))
        await self.assignments.learn_at_risk(event)

    async def raise_breach(self, event: SlaBreached) -> None:
        subject = AlertSubject(AlertKind.SLA_BREACHED, event.force_code, event.route, event.grade)
        await self.raise_for(event, subject, await self.alerts.report(event.report_id))
        await self.assignments.learn_at_risk(event)

    async def raise_reply_failure(self, event: ReplyFailed) -> None:
        """Only a final failure alerts: no channel is left, the reporter has no reply."""
        if not event.final:
            return
        facts = await self.alerts.report(event.report_id)
        force, route = (facts.force_code, facts.route) if facts else (None, None)
        grade = facts.grade if facts and facts.grade else 4
        subject = AlertSubject(AlertKind.REPLY_FAILED, force, route, grade)
        await self.raise_for(event, subject, facts)

    async def resolve_on_reply(self, event: SlaMet) -> None:
        """The reporter has their reply: the alerts about the promise need nobody now."""
        await self.alerts.learn(ReportFacts(event.report_id, replied=True), None)
        await self._resolve_replied(event.report_id)

    async def learn_assignment(self, event: ReportAssigned) -> None:
        await self.assignments.learn_assignment(event)

    async def learn_regrade(self, event: ReportRegraded) -> None:
        await self.assignments.learn_regrade(event)

    async def close_report(self, event: ReportClosed) -> None:
        await self.assignments.close_report(event)

    async def reopen_report(self, event: ReportReopened) -> None:
        await self.assignments.reopen_report(event)

    async def page_raised(self, event: AlertRaised) -> None:
        await self._page_step(event.alert_id, 0)

    async def page_escalated(self, event: AlertEscalated) -> None:
        await self._page_step(event.alert_id, event.step)

    async def _page_step(self, alert_id: uuid.UUID, step: int) -> None:
        if await self.paging.page_step(alert_id, step):  # a page failed for now: plan its retry
            alert = await self.alerts.get(alert_id)
            if alert is not None:
                self.schedule.plan(alert_id, alert.next_check_at())

    async def acknowledge(
        self, alert_id: uuid.UUID, by: str, via: AcknowledgedVia
    ) -> AckOutcome | None:
        """Acknowledge an alert: the ladder stops. None for an unknown alert."""
        alert = await self.alerts.get(alert_id)
        if alert is None:
            return None
        if alert.state is not AlertState.OPEN:
            return AckOutcome(alert, acknowledged_now=False)
        now = self.clock.now()
        seconds = max(0.0, (now - alert.raised_at).total_seconds())
        event = AlertAcknowledged.caused_by(
            alert.raised,
            producer=SERVICE,
            occurred_at=now,
            alert_id=alert_id,
            kind=alert.kind,
            acknowledged_by=by,
            via=via,
            step=alert.step,
            seconds_to_acknowledge=seconds,
        )
        done = await self.alerts.acknowledge(alert_id, Acknowledgement(by, now, via.value), event)
        if done:
            self.metrics.acknowledged(alert.kind.value, seconds)
            self.schedule.plan(alert_id, None)
            log.info("alert_acknowledged", alert_id=str(alert_id), via=via.value)
        stands = await self.alerts.get(alert_id) or alert
        return AckOutcome(stands, acknowledged_now=done)

    # The ticker's agenda (shared.ticker.Agenda): alerts whose next step is due.

    def due(self) -> list[uuid.UUID]:
        return self.schedule.pop_due(self.clock.now())

    async def check(self, alert_id: uuid.UUID) -> None:
        """Tell every step that fell due, once each and in order, try again the pages that
        failed for now, and plan the next check."""
        alert = await self.alerts.get(alert_id)
        if alert is None:
            return
        if alert.due_retries(self.clock.now()):
            await self.paging.retry_due(alert)
            alert = await self.alerts.get(alert_id) or alert
        escalated = False
        for step in alert.due_steps(self.clock.now()):
            escalated_to = escalated_event(alert, step, self.clock.now())
            if await self.alerts.escalate(alert_id, step, escalated_to):
                escalated = True
                self.metrics.escalated(alert.kind.value)
                log.info("alert_escalated", alert_id=str(alert_id), step=step)
        if escalated:
            alert = await self.alerts.get(alert_id) or alert
        self.schedule.plan(alert_id, alert.next_check_at())

    def check_again(self, alert_id: uuid.UUID) -> None:
        self.schedule.plan(alert_id, self.clock.now())

    async def resync(self) -> None:
        for alert_id, at in await self.alerts.agenda():
            self.schedule.plan(alert_id, at)

    async def raise_for(
        self,
        cause: Cause,
        subject: AlertSubject,
        facts: ReportFacts | None,
        alert_id: uuid.UUID | None = None,
    ) -> None:
        """Raise the alert `subject` calls for (`alert_id`: the kind's one id unless given),
        once; none when no rule asks for it, or when it needs nobody already."""
        if subject.kind in RESOLVED_BY_REPLY and facts is not None and facts.replied:
            return  # the reply arrived first
        if subject.kind is not AlertKind.POSSIBLE_EMERGENCY and await self._closed(cause):
            return  # closed by staff first: only a possible emergency still needs a person
        plan = self.policy.plan(subject)
        if plan is None:
            return  # no rule asks for this alert
        now = self.clock.now()
        alert_id = alert_id or alert_id_of(cause.report_id, subject.kind)
        alert = Alert(
            alert_id=alert_id,
            kind=subject.kind,
            raised=CauseRef.of(cause),  # replaced by the raised event's own, below
            raised_at=now,
            grade=subject.grade,
            force_code=subject.force_code,
            route=subject.route,
            reference=facts.reference if facts else None,
            steps=plan.steps,
            wait=plan.wait,
            channels=plan.channels,
        )
        raised = raised_event(cause, alert)
        alert = replace(alert, raised=CauseRef.of(raised))
        if not await self.alerts.raise_alert(alert, raised):
            return
        self.metrics.raised(subject.kind.value)
        self.schedule.plan(alert_id, alert.next_check_at())
        log.info("alert_raised", alert_id=str(alert_id), kind=subject.kind.value)
        if subject.kind is AlertKind.SLA_BREACHED:
            await self._supersede_at_risk(cause.report_id)
        if subject.kind in RESOLVED_BY_REPLY:
            await self._resolve_replied(cause.report_id)  # in case the reply won the race

    async def _supersede_at_risk(self, report_id: uuid.UUID) -> None:
        """The promise broke: the breach alert takes over from the warning's, so nobody is
        paged up two ladders for one report."""
        at_risk = await self.alerts.get(alert_id_of(report_id, AlertKind.SLA_AT_RISK))
        if at_risk is not None and at_risk.state is not AlertState.RESOLVED:
            await self.resolve(at_risk, ResolvedBecause.SUPERSEDED)

    async def _resolve_replied(self, report_id: uuid.UUID) -> None:
        facts = await self.alerts.report(report_id)
        if facts is None or not facts.replied:
            return
        for alert in await self.alerts.of_report(report_id):
            if alert.kind in RESOLVED_BY_REPLY and alert.state is not AlertState.RESOLVED:
                await self.resolve(alert, ResolvedBecause.REPLY_DELIVERED)

    async def _closed(self, cause: Cause) -> bool:
        watch = await self.watches.watch(cause.report_id)
        return watch is not None and watch.closed

    async def resolve(self, alert: Alert, because: ResolvedBecause) -> None:
        now = self.clock.now()
        event = AlertResolved.caused_by(
            alert.raised,
            producer=SERVICE,
            occurred_at=now,
            alert_id=alert.alert_id,
            kind=alert.kind,
            because=because,
        )
        if await self.alerts.resolve(alert.alert_id, now, event):
            self.schedule.plan(alert.alert_id, None)
            log.info("alert_resolved", alert_id=str(alert.alert_id), because=because.value)
