"""Alerting's `Alerts`: report facts joined (the newest grade, the first reference), an
alert raised once, each step told once while open, the first acknowledgement standing,
an alert resolved once, and each page claimed by one sender."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from services.alerting.adapters import MongoAlerts
from services.alerting.domain import Acknowledgement, Alert, AlertState
from services.alerting.ports import Alerts, Claim, ReportFacts
from shared.events import (
    AcknowledgedVia,
    AlertAcknowledged,
    AlertEscalated,
    AlertKind,
    AlertRaised,
    AlertResolved,
    CauseRef,
    ResolvedBecause,
    alert_id_of,
)
from tests import factories
from tests.contracts.conftest import Backend, Store, ids
from tests.factories import NOW
from tests.fakes.alerting import FakeAlerts


@pytest.fixture
async def alerts(backend: Backend) -> Store[Alerts]:
    if backend.database is None:
        fake = FakeAlerts()
        return backend.of_fake(fake, fake)
    adapter = MongoAlerts(backend.database, backend.publisher, page_lease_s=60)
    await adapter.create_indexes()
    return backend.of_adapter(adapter)


def _alert(kind: AlertKind = AlertKind.POSSIBLE_EMERGENCY) -> tuple[Alert, AlertRaised]:
    submitted = factories.report_submitted()
    alert_id = alert_id_of(submitted.report_id, kind)
    raised = AlertRaised.caused_by(
        submitted,
        producer="alerting",
        occurred_at=NOW,
        discriminator=kind.value,
        alert_id=alert_id,
        kind=kind,
        force_code="LP",
        route="crime_bureau",
        grade=1,
        reference=None,
        told=["control-room"],
        escalates_at=NOW + timedelta(minutes=5),
    )
    alert = Alert(
        alert_id=alert_id,
        kind=kind,
        raised=CauseRef.of(raised),
        raised_at=NOW,
        grade=1,
        force_code="LP",
        route="crime_bureau",
        reference=None,
        steps=(("control-room",), ("duty-sergeant",), ("duty-inspector",)),
        wait=timedelta(minutes=5),
        channels=("webhook", "email"),
    )
    return alert, raised


def _escalated(alert: Alert, step: int) -> AlertEscalated:
    return AlertEscalated.caused_by(
        alert.raised,
        producer="alerting",
        occurred_at=NOW,
        discriminator=str(step),
        alert_id=alert.alert_id,
        kind=alert.kind,
        step=step,
        told=list(alert.steps[step]),
        escalates_at=None,
    )


def _acknowledged(alert: Alert, by: str) -> AlertAcknowledged:
    return AlertAcknowledged.caused_by(
        alert.raised,
        producer="alerting",
        occurred_at=NOW,
        discriminator=by,
        alert_id=alert.alert_id,
        kind=alert.kind,
        acknowledged_by=by,
        via=AcknowledgedVia.API,
        step=0,
        seconds_to_acknowledge=60,
    )


def _resolved(alert: Alert) -> AlertResolved:
    return AlertResolved.caused_by(
        alert.raised,
        producer="alerting",
        occurred_at=NOW,
        alert_id=alert.alert_id,
        kind=alert.kind,
        because=ResolvedBecause.REPLY_DELIVERED,
    )


async def test_facts_join_the_newest_grade_and_keep_what_others_told(
    alerts: Store[Alerts],
) -> None:
    report_id = uuid.uuid4()

    await alerts.port.learn(ReportFacts(report_id, None, "LP", 2, "crime_bureau"), 2)
    await alerts.port.learn(ReportFacts(report_id, None, "LP", 4, "lost_property"), 1)
    await alerts.port.learn(ReportFacts(report_id, "LP-20261130-000001-7", "LP"), None)
    facts = await alerts.port.learn(ReportFacts(report_id, replied=True), None)

    assert facts == ReportFacts(report_id, "LP-20261130-000001-7", "LP", 2, "crime_bureau", True)
    assert await alerts.port.report(report_id) == facts
    assert await alerts.port.report(uuid.uuid4()) is None


async def test_an_alert_is_raised_once_and_read_back_as_stored(alerts: Store[Alerts]) -> None:
    alert, raised = _alert()

    first = await alerts.run(alerts.port.raise_alert(alert, raised))
    again = await alerts.run(alerts.port.raise_alert(alert, raised))

    assert (first, again) == (True, False)
    assert await alerts.port.get(alert.alert_id) == alert
    assert await alerts.port.of_report(alert.report_id) == [alert]
    assert await alerts.port.agenda() == [(alert.alert_id, NOW + timedelta(minutes=5))]
    assert alerts.emitted() == ids(raised)


async def test_each_step_is_told_once_and_only_while_the_alert_is_open(
    alerts: Store[Alerts],
) -> None:
    alert, raised = _alert()
    await alerts.run(alerts.port.raise_alert(alert, raised))
    step_1, step_2 = _escalated(alert, 1), _escalated(alert, 2)
    by_patel, by_jones = _acknowledged(alert, "Sgt Patel"), _acknowledged(alert, "Insp Jones")

    told = [
        await alerts.run(alerts.port.escalate(alert.alert_id, 1, step_1)),
        await alerts.run(alerts.port.escalate(alert.alert_id, 1, step_1)),
    ]
    patel = Acknowledgement("Sgt Patel", NOW + timedelta(minutes=6), "api")
    acknowledged = [
        await alerts.run(alerts.port.acknowledge(alert.alert_id, patel, by_patel)),
        await alerts.run(
            alerts.port.acknowledge(
                alert.alert_id, Acknowledgement("Insp Jones", NOW, "link"), by_jones
            )
        ),
    ]
    after_ack = await alerts.run(alerts.port.escalate(alert.alert_id, 2, step_2))
    stored = await alerts.port.get(alert.alert_id)

    assert (told, acknowledged, after_ack) == ([True, False], [True, False], False)
    assert stored is not None
    assert stored.told == frozenset({0, 1})
    assert stored.state is AlertState.ACKNOWLEDGED
    assert stored.acknowledgement == patel
    assert await alerts.port.agenda() == []
    assert alerts.emitted() == ids(raised, step_1, by_patel)


async def test_an_alert_is_resolved_once_and_leaves_the_open_list(alerts: Store[Alerts]) -> None:
    alert, raised = _alert(AlertKind.SLA_BREACHED)
    other, other_raised = _alert()
    await alerts.run(alerts.port.raise_alert(alert, raised))
    await alerts.run(alerts.port.raise_alert(other, other_raised))
    resolved = _resolved(alert)

    first = await alerts.run(alerts.port.resolve(alert.alert_id, NOW, resolved))
    again = await alerts.run(alerts.port.resolve(alert.alert_id, NOW, resolved))
    stored = await alerts.port.get(alert.alert_id)

    assert (first, again) == (True, False)
    assert stored is not None
    assert stored.state is AlertState.RESOLVED
    assert stored.resolved_at == NOW
    assert [a.alert_id for a in await alerts.port.open_alerts(10)] == [other.alert_id]
    assert alerts.emitted() == ids(raised, other_raised, resolved)


async def test_a_page_is_claimed_by_one_sender_until_it_is_finished(
    alerts: Store[Alerts],
) -> None:
    alert, raised = _alert()
    await alerts.run(alerts.port.raise_alert(alert, raised))
    page = f"{alert.alert_id}-0-control-room-webhook"

    first = await alerts.port.claim_page(alert.alert_id, page, NOW)
    while_sending = await alerts.port.claim_page(alert.alert_id, page, NOW + timedelta(seconds=1))
    await alerts.port.finish_page(alert.alert_id, page, "sent")
    after = await alerts.port.claim_page(alert.alert_id, page, NOW + timedelta(hours=1))
    other = await alerts.port.claim_page(alert.alert_id, f"{page[:-7]}email", NOW)

    assert (first, while_sending, after, other) == (
        Claim.CLAIMED,
        Claim.HELD,
        Claim.FINISHED,
        Claim.CLAIMED,
    )
