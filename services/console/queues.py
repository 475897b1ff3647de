"""The console's queues, figures and board of alerts: no personal data, so viewers see
them too. Pure: who sees which teams' queue, and the figures, are tested without a server."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from services.console.records import (
    QueueFilter,
    QueueRow,
    QueueState,
    ReportRecord,
    WorkState,
)
from services.console.roles import Role, Staff

#: The teams a report may be routed to (the classifier's routes).
TEAMS = frozenset(
    {
        "control_room",
        "crime_bureau",
        "road_policing",
        "neighbourhood_policing",
        "missing_persons",
        "lost_property",
        "professional_standards",
    }
)
OPEN_STATES: frozenset[QueueState] = frozenset({"new", "running", "at_risk"})


class QueueItem(BaseModel):
    """A report in a queue."""

    report_id: uuid.UUID
    reference: str | None
    report_type: str | None
    channel: str | None
    grade: int | None
    route: str | None
    received_at: AwareDatetime | None
    due_at: AwareDatetime | None
    seconds_to_breach: float | None = Field(description="Negative once overdue.")
    state: QueueState
    warnings: list[str]
    open_alerts: int
    openable: bool = Field(description="Whether the caller may open the report.")
    work_state: WorkState = Field(description="open, assigned, awaiting_information, closed.")
    assignee_id: str | None = Field(description="Who works on it; none: the team's queue.")
    assignee_name: str | None
    paused: bool = Field(description="The reply clock is paused (awaiting information).")


class ComplianceView(BaseModel):
    """How well the reply promise was kept for reports received in a window."""

    since: AwareDatetime
    until: AwareDatetime
    on_time: int
    late: int
    open_overdue: int = Field(description="Still open and past target: counted as late.")
    open_in_time: int
    compliance: float | None = Field(description="on_time / (on_time + late + open_overdue)")
    paused_reports: int = Field(description="Reports whose clock was paused (asked for more).")
    paused_seconds: float = Field(description="Time paused, excluded from the clocks.")


class BoardAlert(BaseModel):
    """An alert not yet resolved, with its report's reference and route."""

    alert_id: uuid.UUID
    report_id: uuid.UUID
    reference: str | None
    kind: str
    state: Literal["open", "acknowledged"]
    grade: int | None
    route: str | None
    step: int
    raised_at: AwareDatetime
    acknowledged_by: str | None


def teams_in_view(staff: Staff) -> frozenset[str] | None:
    """The teams whose queue `staff` sees: an operator their own; a viewer or supervisor
    every team (None)."""
    if staff.holds(Role.SUPERVISOR, Role.VIEWER):
        return None
    return staff.teams


def scoped(filters: QueueFilter, staff: Staff) -> QueueFilter:
    """The caller's filters, narrowed to the teams they may see."""
    return QueueFilter(
        teams=teams_in_view(staff),
        routes=filters.routes,
        grades=filters.grades,
        report_types=filters.report_types,
        channels=filters.channels,
        states=filters.states,
        assignee=filters.assignee,
    )


def queue_item(row: QueueRow, staff: Staff, now: datetime) -> QueueItem:
    remaining = None if row.due_at is None else (row.due_at - now).total_seconds()
    return QueueItem(
        report_id=row.report_id,
        reference=row.reference,
        report_type=row.report_type,
        channel=row.channel,
        grade=row.grade,
        route=row.route,
        received_at=row.received_at,
        due_at=row.due_at,
        seconds_to_breach=remaining,
        state=row.state,
        warnings=list(row.warnings),
        open_alerts=row.open_alerts,
        openable=staff.may_read_team(row.route),
        work_state=row.work_state,
        assignee_id=row.assignee_id,
        assignee_name=row.assignee_name,
        paused=row.paused,
    )


def compliance_of(rows: Iterable[QueueRow], since: datetime, until: datetime) -> ComplianceView:
    """Met in time, met late, open past target (late already) and open in time."""
    rows = list(rows)
    states = [row.state for row in rows]
    on_time, late = states.count("met"), states.count("met_late")
    overdue = states.count("breached")
    decided = on_time + late + overdue
    return ComplianceView(
        since=since,
        until=until,
        on_time=on_time,
        late=late,
        open_overdue=overdue,
        open_in_time=sum(state in OPEN_STATES for state in states),
        compliance=on_time / decided if decided else None,
        paused_reports=sum(1 for row in rows if row.paused or row.paused_seconds),
        paused_seconds=sum(row.paused_seconds for row in rows),
    )


def board_alerts(records: Iterable[ReportRecord]) -> list[BoardAlert]:
    """The unresolved alerts of these reports: open ones first, newest first."""
    board = [
        BoardAlert(
            alert_id=alert.alert_id,
            report_id=record.report_id,
            reference=record.reference,
            kind=alert.kind,
            state="open" if alert.state == "open" else "acknowledged",
            grade=record.grade,
            route=record.route,
            step=alert.step,
            raised_at=alert.raised_at,
            acknowledged_by=alert.acknowledged_by,
        )
        for record in records
        for alert in record.alerts
        if alert.state != "resolved"
    ]
    board.sort(key=lambda alert: alert.raised_at, reverse=True)
    board.sort(key=lambda alert: alert.state != "open")
    return board
