"""The alerting service's ports, faked: its alert store, a pager that records (or fails)
what it is given, and metrics that count."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime

from services.alerting.domain import Acknowledgement, Alert, AlertState, PageRetry, Watch
from services.alerting.ports import (
    Assignment,
    Claim,
    Notice,
    Page,
    PageFailedError,
    ReportFacts,
)
from shared.events import AlertAcknowledged, AlertEscalated, AlertRaised, AlertResolved, CauseRef
from tests.fakes import EventLog


class FakeAlerts(EventLog):
    def __init__(self) -> None:
        super().__init__()
        self.alerts: dict[uuid.UUID, Alert] = {}
        self.reports: dict[uuid.UUID, ReportFacts] = {}
        self.sequences: dict[uuid.UUID, int] = {}
        self.pages: dict[str, str] = {}

    async def learn(self, facts: ReportFacts, sequence: int | None) -> ReportFacts:
        known = self.reports.get(facts.report_id, ReportFacts(facts.report_id))
        known = replace(
            known,
            reference=facts.reference or known.reference,
            force_code=facts.force_code or known.force_code,
            replied=facts.replied or known.replied,
            report_type=facts.report_type or known.report_type,
        )
        if sequence is not None and sequence > self.sequences.get(facts.report_id, 0):
            self.sequences[facts.report_id] = sequence
            known = replace(known, grade=facts.grade, route=facts.route)
        self.reports[facts.report_id] = known
        if facts.reference is not None:
            for alert_id, alert in self.alerts.items():
                if alert.report_id == facts.report_id and alert.reference is None:
                    self.alerts[alert_id] = replace(alert, reference=facts.reference)
        return known

    async def report(self, report_id: uuid.UUID) -> ReportFacts | None:
        return self.reports.get(report_id)

    async def raise_alert(self, alert: Alert, event: AlertRaised) -> bool:
        if alert.alert_id in self.alerts:
            return False
        self.alerts[alert.alert_id] = alert
        self.add_pending(alert.report_id, [event])
        return True

    async def get(self, alert_id: uuid.UUID) -> Alert | None:
        return self.alerts.get(alert_id)

    async def of_report(self, report_id: uuid.UUID) -> list[Alert]:
        return [a for a in self.alerts.values() if a.report_id == report_id]

    async def escalate(self, alert_id: uuid.UUID, step: int, event: AlertEscalated) -> bool:
        alert = self.alerts.get(alert_id)
        if alert is None or alert.state is not AlertState.OPEN or step in alert.told:
            return False
        self.alerts[alert_id] = replace(alert, told=alert.told | {step})
        self.add_pending(alert.report_id, [event])
        return True

    async def acknowledge(
        self, alert_id: uuid.UUID, acknowledgement: Acknowledgement, event: AlertAcknowledged
    ) -> bool:
        alert = self.alerts.get(alert_id)
        if alert is None or alert.state is not AlertState.OPEN or alert.acknowledgement:
            return False
        self.alerts[alert_id] = replace(
            alert, state=AlertState.ACKNOWLEDGED, acknowledgement=acknowledgement
        )
        self.add_pending(alert.report_id, [event])
        return True

    async def resolve(self, alert_id: uuid.UUID, at: datetime, event: AlertResolved) -> bool:
        alert = self.alerts.get(alert_id)
        if alert is None or alert.state is AlertState.RESOLVED:
            return False
        self.alerts[alert_id] = replace(alert, state=AlertState.RESOLVED, resolved_at=at)
        self.add_pending(alert.report_id, [event])
        return True

    async def agenda(self) -> list[tuple[uuid.UUID, datetime]]:
        planned = [(a.alert_id, a.next_check_at()) for a in self.alerts.values()]
        return [(alert_id, at) for alert_id, at in planned if at is not None]

    async def open_alerts(self, limit: int) -> list[Alert]:
        alive = [a for a in self.alerts.values() if a.state is not AlertState.RESOLVED]
        return sorted(alive, key=lambda a: a.raised_at, reverse=True)[:limit]

    async def claim_page(self, alert_id: uuid.UUID, page: str, now: datetime) -> Claim:
        state = self.pages.get(page)
        if state is None or state == "retry":
            self.pages[page] = "sending"
            return Claim.CLAIMED
        return Claim.HELD if state == "sending" else Claim.FINISHED

    async def finish_page(self, alert_id: uuid.UUID, page: str, outcome: str) -> None:
        if self.pages.get(page) == "sending":
            self.pages[page] = outcome
            self._forget_retry(alert_id, page)

    async def retry_page(self, alert_id: uuid.UUID, page: Page, at: datetime) -> None:
        if self.pages.get(page.key) != "sending":
            return
        self.pages[page.key] = "retry"
        alert = self.alerts[alert_id]
        earlier = next((r for r in alert.retries if _key(alert_id, r) == page.key), None)
        retry = PageRetry(
            page.step, page.contact, page.channel, at, (earlier.tries if earlier else 0) + 1
        )
        kept = tuple(r for r in alert.retries if _key(alert_id, r) != page.key)
        self.alerts[alert_id] = replace(alert, retries=(*kept, retry))

    def _forget_retry(self, alert_id: uuid.UUID, page: str) -> None:
        alert = self.alerts[alert_id]
        kept = tuple(r for r in alert.retries if _key(alert_id, r) != page)
        self.alerts[alert_id] = replace(alert, retries=kept)


def _key(alert_id: uuid.UUID, retry: PageRetry) -> str:
    return f"{alert_id}-{retry.step}-{retry.contact}-{retry.channel}"


class FakeWatches:
    """`Watches` in memory: the same guards as the Mongo store, as plain comparisons."""

    def __init__(self) -> None:
        self.watches: dict[uuid.UUID, Watch] = {}
        self._team_action: dict[uuid.UUID, int] = {}
        self._regrade_action: dict[uuid.UUID, int] = {}

    async def watch(self, report_id: uuid.UUID) -> Watch | None:
        return self.watches.get(report_id)

    async def at_risk(
        self, report_id: uuid.UUID, at: datetime, grade: int, route: str | None, cause: CauseRef
    ) -> Watch:
        watch = self._of(report_id)
        if watch.at_risk_at is None or watch.at_risk_at > at:
            watch = replace(
                watch, at_risk_at=at, at_risk_grade=grade, at_risk_route=route, at_risk_cause=cause
            )
        return self._keep(watch)

    async def assigned(self, report_id: uuid.UUID, assignment: Assignment) -> Watch:
        watch = self._of(report_id)
        if assignment.action > watch.assignment:
            unclaimed = assignment.assignee is None
            watch = replace(
                watch,
                assignment=assignment.action,
                assignee=assignment.assignee,
                unclaimed_since=assignment.at if unclaimed else None,
                unclaimed_cause=assignment.cause if unclaimed else None,
            )
        self._keep(watch)
        return self._team(report_id, assignment.action, assignment.team)

    async def regraded(self, report_id: uuid.UUID, action: int, grade: int, route: str) -> Watch:
        watch = self._of(report_id)
        if action > self._regrade_action.get(report_id, 0):
            self._regrade_action[report_id] = action
            self._keep(replace(watch, regraded_grade=grade))
        return self._team(report_id, action, route)

    async def closed(self, report_id: uuid.UUID, action: int) -> Watch:
        watch = self._of(report_id)
        if action > watch.close_action:
            watch = replace(watch, close_action=action)
        return self._keep(watch)

    async def reopened(self, report_id: uuid.UUID, action: int) -> Watch:
        watch = self._of(report_id)
        if action > watch.reopen_action:
            watch = replace(watch, reopen_action=action)
        return self._keep(watch)

    async def alerted_after(self, report_id: uuid.UUID, assignment: int) -> None:
        watch = self.watches.get(report_id)
        if watch is not None:
            self._keep(replace(watch, raised_after=watch.raised_after | {assignment}))

    async def waiting(self) -> list[Watch]:
        return [
            w
            for w in self.watches.values()
            if w.at_risk_at is not None and not w.closed and w.assignee is None
        ]

    def _team(self, report_id: uuid.UUID, action: int, team: str) -> Watch:
        watch = self._of(report_id)
        if action > self._team_action.get(report_id, 0):
            self._team_action[report_id] = action
            watch = self._keep(replace(watch, team=team))
        return watch

    def _of(self, report_id: uuid.UUID) -> Watch:
        return self.watches.get(report_id, Watch(report_id))

    def _keep(self, watch: Watch) -> Watch:
        self.watches[watch.report_id] = watch
        return watch


class FakeNotices:
    """`Notices` in memory: a state per (event, page)."""

    def __init__(self) -> None:
        self.pages: dict[tuple[uuid.UUID, str], str] = {}

    async def claim(self, notice_id: uuid.UUID, page: str, now: datetime) -> Claim:
        state = self.pages.get((notice_id, page))
        if state is None or state == "retry":
            self.pages[notice_id, page] = "sending"
            return Claim.CLAIMED
        return Claim.HELD if state == "sending" else Claim.FINISHED

    async def finish(self, notice_id: uuid.UUID, page: str, outcome: str) -> None:
        if self.pages.get((notice_id, page)) == "sending":
            self.pages[notice_id, page] = outcome

    async def release(self, notice_id: uuid.UUID, page: str) -> None:
        if self.pages.get((notice_id, page)) == "sending":
            self.pages[notice_id, page] = "retry"


@dataclass
class RecordingPager:
    """Records each page and notice; fails those whose channel is in `failing`
    (permanently or not)."""

    sent: list[Page] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    failing: dict[str, bool] = field(default_factory=dict)

    async def send(self, page: Page) -> None:
        if page.channel in self.failing:
            raise PageFailedError(f"{page.channel} refused", self.failing[page.channel])
        self.sent.append(page)

    async def notify(self, notice: Notice) -> None:
        if notice.channel in self.failing:
            raise PageFailedError(f"{notice.channel} refused", self.failing[notice.channel])
        self.notices.append(notice)

    def told(self) -> list[tuple[int, str, str]]:
        return [(page.step, page.contact, page.channel) for page in self.sent]


@dataclass
class CountingMetrics:
    counts: Counter[str] = field(default_factory=Counter)
    acknowledge_seconds: list[float] = field(default_factory=list)

    def raised(self, kind: str) -> None:
        self.counts[f"raised:{kind}"] += 1

    def escalated(self, kind: str) -> None:
        self.counts[f"escalated:{kind}"] += 1

    def acknowledged(self, kind: str, seconds: float) -> None:
        self.counts[f"acknowledged:{kind}"] += 1
        self.acknowledge_seconds.append(seconds)

    def paged(self, channel: str, outcome: str) -> None:
        self.counts[f"paged:{channel}:{outcome}"] += 1
