"""The operations API on port 8005: queues by time to breach, breaches, compliance, CSV, and
the board of open alerts."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse
from pydantic import AwareDatetime, BaseModel, Field

from services.sla_watchdog.ports import MAX_ROWS, AlertRows, ClockRows
from services.sla_watchdog.reporting import (
    AlertRow,
    AlertState,
    ClockRow,
    OpsState,
    compliance,
    open_first,
    queue,
)
from shared.clock import Clock
from shared.csv_export import csv_text
from shared.time_windows import WindowEdge


class CsvResponse(PlainTextResponse):
    media_type = "text/csv"


class ClockItem(BaseModel):
    """A clock in an operations queue."""

    report_id: uuid.UUID
    state: OpsState
    report_type: str | None
    channel: str | None
    force_code: str | None
    grade: int | None
    route: str | None
    started_at: AwareDatetime
    due_at: AwareDatetime
    stopped_at: AwareDatetime | None
    seconds_to_breach: float = Field(description="Negative once overdue.")
    warnings: list[str] = Field(description="Thresholds announced so far.")


class ComplianceView(BaseModel):
    """How well the promise was kept for reports received in a window."""

    since: AwareDatetime
    until: AwareDatetime
    on_time: int
    late: int
    open_overdue: int = Field(description="Still open and past target: counted as late.")
    open_in_time: int
    compliance: float | None = Field(description="on_time / (on_time + late + open_overdue)")
    p50_reply_seconds: float | None
    p90_reply_seconds: float | None


class AlertItem(BaseModel):
    """An alert not yet resolved, as the alerting service's events told it."""

    alert_id: uuid.UUID
    report_id: uuid.UUID
    kind: str
    state: Literal["open", "acknowledged"] = Field(
        description="open: its ladder climbs until somebody acknowledges it."
    )
    reference: str | None
    grade: int | None
    route: str | None
    raised_at: AwareDatetime = Field(description="Open since.")
    step: int = Field(description="The highest step told (0 is the first).")
    steps: int | None = Field(description="How many steps its ladder has, once the top is told.")
    escalates_at: AwareDatetime | None = Field(
        description="When the next step is told; none at the top, or once acknowledged."
    )
    acknowledged_by: str | None
    acknowledged_at: AwareDatetime | None


def _alert_item(row: AlertRow) -> AlertItem:
    return AlertItem(
        alert_id=row.alert_id,
        report_id=row.report_id,
        kind=row.kind,
        state="open" if row.state is AlertState.OPEN else "acknowledged",
        reference=row.reference,
        grade=row.grade,
        route=row.route,
        raised_at=row.raised_at,
        step=row.step,
        steps=row.steps,
        escalates_at=row.next_step_at,
        acknowledged_by=row.acknowledged_by,
        acknowledged_at=row.acknowledged_at,
    )


def _item(row: ClockRow, now: datetime) -> ClockItem:
    return ClockItem(
        report_id=row.report_id,
        state=row.state(now),
        report_type=row.report_type,
        channel=row.channel,
        force_code=row.force_code,
        grade=row.grade,
        route=row.route,
        started_at=row.started_at,
        due_at=row.due_at,
        stopped_at=row.stopped_at,
        seconds_to_breach=row.remaining(now).total_seconds(),
        warnings=list(row.announced),
    )


def _query(
    grade: int | None, report_type: str | None, channel: str | None, force: str | None
) -> dict[str, Any]:
    wanted = {"grade": grade, "report_type": report_type, "channel": channel, "force_code": force}
    return {field: value for field, value in wanted.items() if value is not None}


DASHBOARD = Path(__file__).with_name("static") / "dashboard.html"


def dashboard_router() -> APIRouter:
    """`GET /`: the operations dashboard, which refreshes itself from the API below."""
    router = APIRouter()

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def dashboard() -> HTMLResponse:
        return HTMLResponse(DASHBOARD.read_text(encoding="utf-8"))

    return router


def alerts_router(alerts: AlertRows) -> APIRouter:
    """`GET /v1/alerts`: the board of alerts, with the same access as the other views."""
    router = APIRouter(prefix="/v1", tags=["operations"])

    @router.get("/alerts", response_model=list[AlertItem])
    async def unresolved_alerts() -> list[AlertItem]:
        """Alerts not yet resolved: open ones first, then acknowledged; newest first."""
        return [_alert_item(row) for row in open_first(await alerts.unresolved(MAX_ROWS))]

    return router


def ops_router(clocks: ClockRows, clock: Clock) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["operations"])

    async def open_items(
        grade: int | None,
        report_type: str | None,
        channel: str | None,
        force: str | None,
        state: OpsState | None,
    ) -> list[ClockItem]:
        now = clock.now()
        rows = await clocks.rows(
            {**_query(grade, report_type, channel, force), "state": "running"}, MAX_ROWS
        )
        items = [_item(row, now) for row in queue(rows, now)]
        return [item for item in items if state is None or item.state == state]

    @router.get("/clocks", response_model=list[ClockItem])
    async def open_clocks(
        grade: Annotated[int | None, Query(ge=1, le=4)] = None,
        report_type: str | None = None,
        channel: str | None = None,
        force: str | None = None,
        state: OpsState | None = None,
    ) -> list[ClockItem]:
        """Open clocks, nearest to breaking first."""
        return await open_items(grade, report_type, channel, force, state)

    @router.get("/clocks.csv", response_class=CsvResponse)
    async def open_clocks_csv(
        grade: Annotated[int | None, Query(ge=1, le=4)] = None,
        report_type: str | None = None,
        channel: str | None = None,
        force: str | None = None,
        state: OpsState | None = None,
    ) -> CsvResponse:
        items = await open_items(grade, report_type, channel, force, state)
        return CsvResponse(_csv(items))

    @router.get("/breaches", response_model=list[ClockItem])
    async def breaches() -> list[ClockItem]:
        """Clocks past target without a reply, most overdue first."""
        return await open_items(None, None, None, None, "breached")

    @router.get("/compliance", response_model=ComplianceView)
    async def compliance_view(
        since: WindowEdge | None = None,
        until: WindowEdge | None = None,
        window_hours: Annotated[float, Query(gt=0, le=24 * 366)] = 24 * 7,
    ) -> ComplianceView:
        """Reports received in [since, until); by default the `window_hours` up to now.
        Both dates lie in 2000-2199 (422 otherwise), `since` before `until`."""
        now = clock.now()
        until = until or now
        since = since or until - timedelta(hours=window_hours)
        if since >= until:
            raise _invalid("since", "must be before until")
        rows = await clocks.rows({"started_at": {"$gte": since, "$lt": until}}, MAX_ROWS * 20)
        result = compliance(rows, now)
        return ComplianceView(
            since=since,
            until=until,
            on_time=result.on_time,
            late=result.late,
            open_overdue=result.open_overdue,
            open_in_time=result.open_in_time,
            compliance=result.rate,
            p50_reply_seconds=result.p50_reply_s,
            p90_reply_seconds=result.p90_reply_s,
        )

    return router


def _invalid(field: str, message: str) -> RequestValidationError:
    """A 422 naming a query field, as FastAPI's own validation answers."""
    problem = {"loc": ("query", field), "msg": message, "type": "value_error"}
    return RequestValidationError([problem])


def _csv(items: list[ClockItem]) -> str:
    rows = [item.model_dump(mode="json") for item in items]
    for row in rows:
        row["warnings"] = " ".join(row["warnings"])
    return csv_text(list(ClockItem.model_fields), rows)
