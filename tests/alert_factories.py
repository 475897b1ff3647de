"""Builders of valid alert events (alerting's ladder told, acknowledged, resolved), with
overridable fields."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shared.events import (
    AcknowledgedVia,
    AlertAcknowledged,
    AlertEscalated,
    AlertKind,
    AlertRaised,
    AlertResolved,
    ReportSubmitted,
    ResolvedBecause,
    alert_id_of,
)
from tests.factories import NOW

#: The ladder of the alert factories: a step told every ten minutes.
ALERT_WAIT = timedelta(minutes=10)


def alert_raised(
    submitted: ReportSubmitted,
    kind: AlertKind = AlertKind.SLA_BREACHED,
    at: datetime = NOW,
    **overrides: Any,
) -> AlertRaised:
    fields: dict[str, Any] = {
        "alert_id": alert_id_of(submitted.report_id, kind),
        "kind": kind,
        "force_code": submitted.force_code,
        "route": "crime_bureau",
        "grade": 2,
        "reference": "LP-20261130-0001",
        "told": ["duty_inspector"],
        "escalates_at": at + ALERT_WAIT,
    }
    return AlertRaised.caused_by(
        submitted,
        producer="alerting",
        occurred_at=at,
        discriminator=kind.value,
        **(fields | overrides),
    )


def alert_escalated(raised: AlertRaised, step: int, steps: int = 3) -> AlertEscalated:
    """Step `step` of a ladder of `steps`, told on time."""
    at = raised.occurred_at + ALERT_WAIT * step
    return AlertEscalated.caused_by(
        raised,
        producer="alerting",
        occurred_at=at,
        discriminator=str(step),
        alert_id=raised.alert_id,
        kind=raised.kind,
        step=step,
        told=["superintendent"],
        escalates_at=at + ALERT_WAIT if step + 1 < steps else None,
    )


def alert_acknowledged(
    raised: AlertRaised, by: str = "Sgt Duty", at: datetime = NOW, step: int = 0
) -> AlertAcknowledged:
    return AlertAcknowledged.caused_by(
        raised,
        producer="alerting",
        occurred_at=at,
        alert_id=raised.alert_id,
        kind=raised.kind,
        acknowledged_by=by,
        via=AcknowledgedVia.API,
        step=step,
        seconds_to_acknowledge=(at - raised.occurred_at).total_seconds(),
    )


def alert_resolved(raised: AlertRaised, at: datetime = NOW) -> AlertResolved:
    return AlertResolved.caused_by(
        raised,
        producer="alerting",
        occurred_at=at,
        alert_id=raised.alert_id,
        kind=raised.kind,
        because=ResolvedBecause.REPLY_DELIVERED,
    )
