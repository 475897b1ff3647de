"""The watchdog's board of alerts: projected from the alert events, whatever their order and
however often they come, and listed open first by `GET /v1/alerts`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from services.sla_watchdog.handlers import AlertBoard
from services.sla_watchdog.ops_api import alerts_router
from services.sla_watchdog.reporting import AlertRow, AlertState
from shared.events import AlertKind
from tests import factories
from tests.factories import ALERT_WAIT, NOW
from tests.fakes.sla_watchdog import FakeAlerts


def _board() -> tuple[AlertBoard, FakeAlerts]:
    alerts = FakeAlerts()
    return AlertBoard(alerts), alerts


async def _only(alerts: FakeAlerts) -> AlertRow:
    (row,) = await alerts.unresolved(100)
    return row


async def test_a_raised_alert_shows_open_at_its_first_step() -> None:
    board, alerts = _board()
    raised = factories.alert_raised(factories.report_submitted())

    await board.show_raised(raised)

    row = await _only(alerts)
    assert (row.kind, row.state, row.step) == ("sla_breached", AlertState.OPEN, 0)
    assert (row.reference, row.grade, row.route) == ("LP-20261130-0001", 2, "crime_bureau")
    assert row.raised_at == NOW
    assert row.next_step_at == NOW + ALERT_WAIT
    assert row.acknowledged_by is None


async def test_steps_only_grow_whatever_order_they_come_in() -> None:
    board, alerts = _board()
    raised = factories.alert_raised(factories.report_submitted())

    await board.show_escalation(factories.alert_escalated(raised, 2))
    await board.show_escalation(factories.alert_escalated(raised, 1))
    await board.show_raised(raised)

    row = await _only(alerts)
    assert row.step == 2
    assert row.escalates_at is None  # the top of a ladder of three
    assert row.steps == 3
    assert row.raised_at == NOW  # the raised facts filled in when they came


async def test_an_escalation_before_its_raised_shows_nothing_until_the_raised_comes() -> None:
    board, alerts = _board()
    raised = factories.alert_raised(factories.report_submitted())

    await board.show_escalation(factories.alert_escalated(raised, 1))
    before = await alerts.unresolved(100)
    await board.show_raised(raised)

    assert before == []
    row = await _only(alerts)
    assert (row.step, row.steps) == (1, None)
    assert row.escalates_at == NOW + 2 * ALERT_WAIT


async def test_repeated_events_change_nothing_and_the_first_acknowledgement_stands() -> None:
    board, alerts = _board()
    raised = factories.alert_raised(factories.report_submitted())
    first = factories.alert_acknowledged(raised, "Sgt Duty", NOW + timedelta(minutes=3))
    later = factories.alert_acknowledged(raised, "Insp Late", NOW + timedelta(minutes=9))

    for _ in range(2):
        await board.show_raised(raised)
        await board.show_escalation(factories.alert_escalated(raised, 1))
        await board.show_acknowledgement(first)
    await board.show_acknowledgement(later)
    await board.show_raised(raised)

    row = await _only(alerts)
    assert row.state is AlertState.ACKNOWLEDGED
    assert (row.acknowledged_by, row.acknowledged_at) == ("Sgt Duty", NOW + timedelta(minutes=3))
    assert row.step == 1
    assert row.next_step_at is None  # acknowledging stops the ladder


async def test_an_acknowledgement_before_its_raised_stands() -> None:
    board, alerts = _board()
    raised = factories.alert_raised(factories.report_submitted())

    await board.show_acknowledgement(factories.alert_acknowledged(raised))
    await board.show_raised(raised)

    row = await _only(alerts)
    assert (row.state, row.acknowledged_by) == (AlertState.ACKNOWLEDGED, "Sgt Duty")


async def test_resolved_is_final_whatever_comes_after() -> None:
    board, alerts = _board()
    raised = factories.alert_raised(factories.report_submitted())
    kept = factories.alert_raised(factories.report_submitted())
    await board.show_raised(kept)

    await board.show_resolution(factories.alert_resolved(raised))
    await board.show_acknowledgement(factories.alert_acknowledged(raised))
    await board.show_escalation(factories.alert_escalated(raised, 1))
    await board.show_raised(raised)
    await board.show_resolution(factories.alert_resolved(raised))

    assert [row.alert_id for row in await alerts.unresolved(100)] == [kept.alert_id]
    assert alerts.records[raised.alert_id]["state"] is AlertState.RESOLVED


async def _listed(alerts: FakeAlerts) -> list[dict[str, Any]]:
    app = FastAPI()
    app.include_router(alerts_router(alerts))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        answer = await client.get("/v1/alerts")
    assert answer.status_code == 200
    listed: list[dict[str, Any]] = answer.json()
    return listed


async def test_the_api_lists_open_alerts_first_then_acknowledged_newest_first() -> None:
    board, alerts = _board()
    report = factories.report_submitted()
    old_open = factories.alert_raised(report, AlertKind.SLA_AT_RISK, NOW)
    new_open = factories.alert_raised(report, AlertKind.SLA_BREACHED, NOW + timedelta(hours=1))
    newest = factories.alert_raised(report, AlertKind.REPLY_FAILED, NOW + timedelta(hours=2))
    for raised in (old_open, new_open, newest):
        await board.show_raised(raised)
    await board.show_acknowledgement(factories.alert_acknowledged(newest, at=newest.occurred_at))
    await board.show_escalation(factories.alert_escalated(new_open, 2))

    listed = await _listed(alerts)

    assert [item["kind"] for item in listed] == ["sla_breached", "sla_at_risk", "reply_failed"]
    assert [item["state"] for item in listed] == ["open", "open", "acknowledged"]
    top = listed[0]
    assert (top["step"], top["steps"], top["escalates_at"]) == (2, 3, None)
    assert datetime.fromisoformat(listed[1]["escalates_at"]) == NOW + ALERT_WAIT
    assert listed[2]["acknowledged_by"] == "Sgt Duty"
    assert listed[2]["escalates_at"] is None
