"""The alerting service's ports, faked: its alert store, a pager that records (or fails)
what it is given, and metrics that count."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime

from services.alerting.domain import Acknowledgement, Alert, AlertState, PageRetry
from services.alerting.ports import Claim, Page, PageFailedError, ReportFacts
from shared.events import AlertAcknowledged, AlertEscalated, AlertRaised, AlertResolved
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


@dataclass
class RecordingPager:
    """Records each page; fails those whose channel is in `failing` (permanently or not)."""

    sent: list[Page] = field(default_factory=list)
    failing: dict[str, bool] = field(default_factory=dict)

    async def send(self, page: Page) -> None:
        if page.channel in self.failing:
            raise PageFailedError(f"{page.channel} refused", self.failing[page.channel])
        self.sent.append(page)

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
