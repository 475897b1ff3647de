"""Alerting's Prometheus metrics: counters kept by the use cases (through `AlertMetrics`),
and the open-alert gauge, kept current by a periodic scan."""

from __future__ import annotations

import asyncio
from collections import Counter as Tally

import structlog
from prometheus_client import Counter, Histogram

from services.alerting.domain import AlertState
from services.alerting.policy import CHANNELS
from services.alerting.ports import MAX_ALERTS, PAGE_OUTCOMES, Alerts
from shared.clock import pause
from shared.events import AlertKind
from shared.metrics import ServiceMetrics

log = structlog.get_logger(__name__)

#: Seconds to acknowledge: from a minute to the top of a long ladder.
ACKNOWLEDGE_BUCKETS = (30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400)


class PrometheusAlertMetrics:
    """`AlertMetrics` in the service's registry."""

    def __init__(self, metrics: ServiceMetrics) -> None:
        registry = metrics.registry
        self._raised = Counter(
            "frontdesk_alerts_raised", "Alerts raised", ["kind"], registry=registry
        )
        self._escalated = Counter(
            "frontdesk_alerts_escalated", "Escalation steps told", ["kind"], registry=registry
        )
        self._acknowledged = Counter(
            "frontdesk_alerts_acknowledged", "Alerts acknowledged", ["kind"], registry=registry
        )
        self._time_to_acknowledge = Histogram(
            "frontdesk_alert_acknowledge_seconds",
            "From raised to acknowledged",
            ["kind"],
            buckets=ACKNOWLEDGE_BUCKETS,
            registry=registry,
        )
        self._pages = Counter(
            "frontdesk_alert_pages",
            "Pages by channel and outcome",
            ["channel", "outcome"],
            registry=registry,
        )
        self.open_alerts = metrics.gauge(
            "frontdesk_open_alerts", "Alerts not resolved, by kind and state", ["kind", "state"]
        )
        self._start_at_zero()

    def _start_at_zero(self) -> None:
        """Every series exists from the start at 0: Prometheus's `increase()` cannot see the
        first increment of a series that is born at 1 (deploy/prometheus/alerts.yml)."""
        for kind in AlertKind:
            for counter in (self._raised, self._escalated, self._acknowledged):
                counter.labels(kind=kind.value)
            self._time_to_acknowledge.labels(kind=kind.value)
        for channel in CHANNELS:
            for outcome in PAGE_OUTCOMES:
                self._pages.labels(channel=channel, outcome=outcome)

    def raised(self, kind: str) -> None:
        self._raised.labels(kind=kind).inc()

    def escalated(self, kind: str) -> None:
        self._escalated.labels(kind=kind).inc()

    def acknowledged(self, kind: str, seconds: float) -> None:
        self._acknowledged.labels(kind=kind).inc()
        self._time_to_acknowledge.labels(kind=kind).observe(seconds)

    def paged(self, channel: str, outcome: str) -> None:
        self._pages.labels(channel=channel, outcome=outcome).inc()


async def run_open_alert_gauge(
    alerts: Alerts, metrics: PrometheusAlertMetrics, interval_s: float, stopping: asyncio.Event
) -> None:
    """Keep `frontdesk_open_alerts{kind,state}` current: a scan every `interval_s`."""
    while not stopping.is_set():
        try:
            counts = Tally((a.kind, a.state) for a in await alerts.open_alerts(MAX_ALERTS * 10))
            for kind in AlertKind:
                for state in (AlertState.OPEN, AlertState.ACKNOWLEDGED):
                    value = counts.get((kind, state), 0)
                    metrics.open_alerts.labels(kind=kind.value, state=state.value).set(value)
        except Exception as error:  # noqa: BLE001 - the gauge must outlive any one failure
            log.warning("open_alert_gauge_failed", error=type(error).__name__)
        await pause(interval_s, stopping)
