"""Alerting's HTTP API: open alerts and acknowledgement for operations staff (a staff key,
until the console brings sign-in), and the signed links sent in pages (the link is the
credential: it names one alert, step and contact, and expires)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException
from pydantic import AwareDatetime, BaseModel, Field

from services.alerting.domain import Alert
from services.alerting.handlers import AckOutcome, Alerting
from services.alerting.ports import MAX_ALERTS
from shared.answers import ErrorAnswer
from shared.api_keys import BearerKeys, UnauthenticatedError
from shared.events import AcknowledgedVia


class AlertView(BaseModel):
    """An alert as operations see it."""

    alert_id: uuid.UUID
    report_id: uuid.UUID
    kind: str
    state: str = Field(description="open (escalating), acknowledged or resolved.")
    grade: int
    route: str | None
    force_code: str | None
    reference: str | None
    raised_at: AwareDatetime
    step: int = Field(description="The highest step told (0 is the first).")
    steps: int
    next_step_at: AwareDatetime | None
    acknowledged_by: str | None
    acknowledged_at: AwareDatetime | None


class AcknowledgementAnswer(BaseModel):
    acknowledged_now: bool = Field(description="False: it was acknowledged before, or ended.")
    alert: AlertView


def answer(outcome: AckOutcome) -> AcknowledgementAnswer:
    return AcknowledgementAnswer(
        acknowledged_now=outcome.acknowledged_now, alert=view(outcome.alert)
    )


def view(alert: Alert) -> AlertView:
    ack = alert.acknowledgement
    return AlertView(
        alert_id=alert.alert_id,
        report_id=alert.report_id,
        kind=alert.kind.value,
        state=alert.state.value,
        grade=alert.grade,
        route=alert.route,
        force_code=alert.force_code,
        reference=alert.reference,
        raised_at=alert.raised_at,
        step=alert.step,
        steps=len(alert.steps),
        next_step_at=alert.next_check_at(),
        acknowledged_by=None if ack is None else ack.by,
        acknowledged_at=None if ack is None else ack.at,
    )


def staff_member(keys: dict[str, str]) -> Callable[..., Awaitable[str]]:
    """A dependency: the member of staff whose key is presented, or 401."""
    staff = BearerKeys(keys)

    async def member(authorization: Annotated[str | None, Header()] = None) -> str:
        try:
            name, _key_id = staff.holder(authorization)
        except UnauthenticatedError:
            raise HTTPException(
                401,
                "send a staff key as 'Authorization: Bearer <key>'",
                {"WWW-Authenticate": "Bearer"},
            ) from None
        return name

    return member


def alerts_router(alerting: Alerting, staff_keys: dict[str, str]) -> APIRouter:
    """`/v1/alerts`: staff only."""
    router = APIRouter(prefix="/v1/alerts", tags=["alerts"])
    staff = Depends(staff_member(staff_keys))

    @router.get("", response_model=list[AlertView], responses={401: {"model": ErrorAnswer}})
    async def open_alerts(_who: str = staff) -> list[AlertView]:
        """Alerts not yet resolved, newest first."""
        return [view(a) for a in await alerting.alerts.open_alerts(MAX_ALERTS)]

    @router.post(
        "/{alert_id}/acknowledgement",
        response_model=AcknowledgementAnswer,
        responses={401: {"model": ErrorAnswer}, 404: {"model": ErrorAnswer}},
    )
    async def acknowledge(alert_id: uuid.UUID, who: str = staff) -> AcknowledgementAnswer:
        """Take the alert on: its ladder stops. Acknowledging again changes nothing."""
        outcome = await alerting.acknowledge(alert_id, who, AcknowledgedVia.API)
        if outcome is None:
            raise HTTPException(404, "no such alert")
        return answer(outcome)

    return router
