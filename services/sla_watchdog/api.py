"""The operations API on the watchdog's port: a report's SLA clock."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, HTTPException
from pydantic import AwareDatetime, BaseModel, Field

from services.sla_watchdog.domain import SlaClock
from services.sla_watchdog.ports import Clocks
from shared.answers import ErrorAnswer
from shared.clock import Clock


class SlaView(BaseModel):
    """One report's reply promise as operations see it."""

    report_id: uuid.UUID
    state: Literal["running", "met"] = Field(description="Running until the reply is confirmed.")
    grade: int | None = Field(description="Grade the target is set for; none until graded.")
    started_at: AwareDatetime
    due_at: AwareDatetime
    stopped_at: AwareDatetime | None
    elapsed_seconds: float
    remaining_seconds: float = Field(description="Negative once overdue.")
    overdue: bool = Field(description="Past due with no reply, or replied late.")


def _view(report_id: uuid.UUID, clock: SlaClock, now_clock: Clock) -> SlaView:
    now = now_clock.now()
    remaining = clock.remaining(now).total_seconds()
    return SlaView(
        report_id=report_id,
        state=clock.state.value,
        grade=clock.grade,
        started_at=clock.started_at,
        due_at=clock.due_at,
        stopped_at=clock.stopped_at,
        elapsed_seconds=clock.elapsed(now).total_seconds(),
        remaining_seconds=remaining,
        overdue=remaining < 0,
    )


def sla_router(clocks: Clocks, clock: Clock) -> APIRouter:
    router = APIRouter(prefix="/v1")

    @router.get(
        "/reports/{report_id}/sla", response_model=SlaView, responses={404: {"model": ErrorAnswer}}
    )
    async def get_report_sla(report_id: uuid.UUID) -> SlaView:
        sla_clock = await clocks.get(report_id)
        if sla_clock is None:
            raise HTTPException(status_code=404, detail="no SLA clock for this report")
        return _view(report_id, sla_clock, clock)

    return router
