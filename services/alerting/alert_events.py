"""The events an alert's ladder is told by: built from the alert as stored, with ids that
the same cause and step always give again (a retried handler emits nothing new)."""

from __future__ import annotations

from datetime import datetime

from services.alerting import SERVICE
from services.alerting.domain import Alert
from shared.events import AlertEscalated, AlertRaised, Cause, alert_id_of


def raised_event(cause: Cause, alert: Alert) -> AlertRaised:
    """The alert's first step told. An alert of a kind a report can have more than once
    (unassigned again after a hand-back) is told apart by its own id."""
    first_of_kind = alert.alert_id == alert_id_of(alert.report_id, alert.kind)
    return AlertRaised.caused_by(
        cause,
        producer=SERVICE,
        occurred_at=alert.raised_at,
        discriminator=alert.kind.value if first_of_kind else str(alert.alert_id),
        alert_id=alert.alert_id,
        kind=alert.kind,
        force_code=alert.force_code,
        route=alert.route,
        grade=alert.grade,
        reference=alert.reference,
        told=list(alert.steps[0]),
        escalates_at=alert.escalates_at(0),
    )


def escalated_event(alert: Alert, step: int, now: datetime) -> AlertEscalated:
    return AlertEscalated.caused_by(
        alert.raised,
        producer=SERVICE,
        occurred_at=now,
        discriminator=str(step),
        alert_id=alert.alert_id,
        kind=alert.kind,
        step=step,
        told=list(alert.steps[step]),
        reference=alert.reference,
        escalates_at=alert.escalates_at(step),
    )
