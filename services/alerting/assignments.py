"""Alerting's use cases about who has a report: the assignee told of a report given to them
(or the team of a report handed back to its queue), once per ReportAssigned; the
unassigned alert when a report at risk goes unclaimed for the policy's minutes (a
reroute puts it, unclaimed, in the new team's queue), resolved by a claim; every alert of
a report resolved when it closes, and the report watched again when it is reopened.

Staff events arrive in any order and more than once: a watch (`Watch`) keeps only the
newest assignment by `action_number`, and a stale one neither tells nor resolves anybody.
The unassigned timers are a ticker's agenda of their own, keyed by report.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

import structlog

from services.alerting.domain import (
    Alert,
    AlertState,
    NoticeFacts,
    Watch,
    unassigned_alert_id,
)
from services.alerting.policy import AlertPolicy, AlertSubject
from services.alerting.ports import (
    AlertMetrics,
    Alerts,
    Assignment,
    Claim,
    Notice,
    Notices,
    PageFailedError,
    PageInProgressError,
    Pager,
    ReportFacts,
    Watches,
)
from shared.clock import Clock
from shared.errors import TransientError
from shared.events import (
    AlertKind,
    Cause,
    CauseRef,
    ReportAssigned,
    ReportClosed,
    ReportRegraded,
    ReportReopened,
    ResolvedBecause,
    SlaAtRisk,
    SlaBreached,
)
from shared.schedule import Schedule

log = structlog.get_logger(__name__)


class NoticeFailedError(TransientError):
    """A notice's channel failed for now: the event's redelivery tries it again."""


class AlertBook(Protocol):
    """How alerts are raised and ended (the `Alerting` use cases)."""

    async def raise_for(
        self,
        cause: Cause,
        subject: AlertSubject,
        facts: ReportFacts | None,
        alert_id: uuid.UUID | None = None,
    ) -> None: ...

    async def resolve(self, alert: Alert, because: ResolvedBecause) -> None: ...


class Assignments:
    """Assignment notices and the unassigned alert; the ticker's `Agenda` of its timers."""

    def __init__(
        self,
        book: AlertBook,
        alerts: Alerts,
        watches: Watches,
        notices: Notices,
        context: tuple[AlertPolicy, Pager, AlertMetrics, Clock],
    ) -> None:
        self.book, self.alerts, self.watches, self.notices = book, alerts, watches, notices
        self.policy, self.pager, self.metrics, self.clock = context
        self.schedule = Schedule()

    async def learn_at_risk(self, event: SlaAtRisk | SlaBreached) -> None:
        cause = CauseRef.of(event)
        watch = await self.watches.at_risk(
            event.report_id, event.occurred_at, event.grade, event.route, cause
        )
        self._plan(watch)

    async def learn_assignment(self, event: ReportAssigned) -> None:
        if event.report_type is not None:  # the one fact of the report a notice names
            await self.alerts.learn(
                ReportFacts(event.report_id, report_type=event.report_type), None
            )
        assignee = None if event.assignee is None else event.assignee.username
        assignment = Assignment(
            event.action_number, assignee, event.team, event.occurred_at, CauseRef.of(event)
        )
        watch = await self.watches.assigned(event.report_id, assignment)
        if watch.assignment != event.action_number:
            return  # a later staff action stands: this one tells and resolves nobody now
        if assignee is not None:
            await self._resolve(event.report_id, {AlertKind.UNASSIGNED}, ResolvedBecause.ASSIGNED)
        self._plan(watch)
        await self._tell(event, watch)

    async def learn_regrade(self, event: ReportRegraded) -> None:
        """A reroute leaves the report in the new team's queue, unclaimed from then on (as
        a hand-back would): an older assignment no longer stands."""
        watch = await self.watches.regraded(
            event.report_id, event.action_number, event.grade, event.route
        )
        if event.route != event.previous_route:
            queued = Assignment(
                event.action_number, None, event.route, event.occurred_at, CauseRef.of(event)
            )
            watch = await self.watches.assigned(event.report_id, queued)
        self._plan(watch)

    async def close_report(self, event: ReportClosed) -> None:
        """Every open alert of the report ends, and its unassigned timer stops (unless a
        later reopening stands: this close is old news)."""
        watch = await self.watches.closed(event.report_id, event.action_number)
        if not watch.closed:
            return
        self.schedule.plan(event.report_id, None)
        await self._resolve(event.report_id, set(AlertKind), ResolvedBecause.REPORT_CLOSED)

    async def reopen_report(self, event: ReportReopened) -> None:
        """A reopened report is watched again (unless a later close stands)."""
        self._plan(await self.watches.reopened(event.report_id, event.action_number))

    # The ticker's agenda (shared.ticker.Agenda): reports whose unassigned timer ran out.

    def due(self) -> list[uuid.UUID]:
        return self.schedule.pop_due(self.clock.now())

    async def check(self, report_id: uuid.UUID) -> None:
        watch = await self.watches.watch(report_id)
        if watch is None:
            return
        due_at = self._due_at(watch)
        if due_at is None:
            return
        if due_at > self.clock.now():
            self.schedule.plan(report_id, due_at)
            return
        await self._raise_unassigned(watch)

    def check_again(self, report_id: uuid.UUID) -> None:
        self.schedule.plan(report_id, self.clock.now())

    async def resync(self) -> None:
        for watch in await self.watches.waiting():
            self._plan(watch)

    def _due_at(self, watch: Watch) -> datetime | None:
        return watch.unassigned_due_at(self.policy.unassigned_after(watch.grade))

    def _plan(self, watch: Watch) -> None:
        self.schedule.plan(watch.report_id, self._due_at(watch))

    async def _raise_unassigned(self, watch: Watch) -> None:
        """Raise the unassigned alert, unless one is open already; then, in case a claim or
        a close was learnt meanwhile, end it again at once."""
        report_id, cause = watch.report_id, watch.cause
        if cause is not None and not await self._open(report_id, {AlertKind.UNASSIGNED}):
            facts = await self.alerts.report(report_id)
            force = facts.force_code if facts else None
            subject = AlertSubject(AlertKind.UNASSIGNED, force, watch.route, watch.grade)
            alert_id = unassigned_alert_id(report_id, watch.assignment)
            await self.book.raise_for(cause, subject, facts, alert_id)
        await self.watches.alerted_after(report_id, watch.assignment)
        now = await self.watches.watch(report_id) or watch
        if now.closed:
            await self._resolve(report_id, set(AlertKind), ResolvedBecause.REPORT_CLOSED)
        elif now.assignee is not None:
            await self._resolve(report_id, {AlertKind.UNASSIGNED}, ResolvedBecause.ASSIGNED)

    async def _open(self, report_id: uuid.UUID, kinds: set[AlertKind]) -> list[Alert]:
        alerts = await self.alerts.of_report(report_id)
        return [a for a in alerts if a.kind in kinds and a.state is not AlertState.RESOLVED]

    async def _resolve(
        self, report_id: uuid.UUID, kinds: set[AlertKind], because: ResolvedBecause
    ) -> None:
        for alert in await self._open(report_id, kinds):
            await self.book.resolve(alert, because)

    async def _tell(self, event: ReportAssigned, watch: Watch) -> None:
        """Tell the assignee (not one who claimed it themselves), or the team of a report
        back in its queue; staff the policy does not know: their team, saying so."""
        assignee = event.assignee
        if assignee is not None and (event.claimed or assignee.user_id == event.actor.user_id):
            return
        facts = await self.alerts.report(event.report_id)
        member = None if assignee is None else self.policy.staff.get(assignee.username)
        about = NoticeFacts(
            report_id=event.report_id,
            reference=facts.reference if facts else None,
            report_type=facts.report_type if facts else None,
            grade=watch.regraded_grade or (facts.grade if facts else None),
            team=event.team,
            assigned_by=event.actor.username,
            assignee=None if assignee is None else assignee.username,
            assignee_unknown=assignee is not None and member is None,
        )
        if assignee is not None and member is not None:
            for channel in member.channels():
                await self._send(Notice(event.event_id, assignee.username, True, channel, about))
            return
        force, grade = (facts.force_code if facts else None), about.grade or 4
        for contact, channels in self.policy.team_contacts(force, event.team, grade):
            for way in channels:
                await self._send(Notice(event.event_id, contact, False, way, about))

    async def _send(self, notice: Notice) -> None:
        """Send one notice under its claim: once, however often its event is delivered."""
        claim = await self.notices.claim(notice.notice_id, notice.page, self.clock.now())
        if claim is Claim.FINISHED:
            return
        if claim is Claim.HELD:
            raise PageInProgressError(f"notice {notice.key} is being sent elsewhere")
        try:
            await self.pager.notify(notice)
        except PageFailedError as error:
            log.warning("notice_failed", notice=notice.key, permanent=error.permanent)
            if not error.permanent:
                await self.notices.release(notice.notice_id, notice.page)
                self.metrics.paged(notice.channel, "failed_temporary")
                raise NoticeFailedError(f"notice {notice.key}: {error}") from error
            outcome = "failed_permanent"
        else:
            outcome = "sent"
            log.info("notice_sent", notice=notice.key, to_staff=notice.to_staff)
        await self.notices.finish(notice.notice_id, notice.page, outcome)
        self.metrics.paged(notice.channel, outcome)
