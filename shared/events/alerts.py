"""Events about alerts: a person on duty told of a report that needs one, step by step up
an escalation ladder until somebody acknowledges it, and the alert's end.

Every alert event is keyed by its report (like every event), names the alert it is about
(`alert_id`: one alert per report and kind) and carries no personal data of the reporter:
a duty team is told the reference, grade and route, and follows a link to the report.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, Field

from shared.events.envelope import Event


class AlertKind(StrEnum):
    """Why a person is told."""

    POSSIBLE_EMERGENCY = "possible_emergency"
    SLA_AT_RISK = "sla_at_risk"
    SLA_BREACHED = "sla_breached"
    REPLY_FAILED = "reply_failed"
    UNASSIGNED = "unassigned"


class AcknowledgedVia(StrEnum):
    API = "api"
    LINK = "link"


class ResolvedBecause(StrEnum):
    REPLY_DELIVERED = "reply_delivered"
    REPORT_CLOSED = "report_closed"
    ASSIGNED = "assigned"  # an unassigned alert, once somebody took the report on
    SUPERSEDED = "superseded"  # an at-risk alert, once the promise broke: the breach alert


def alert_id_of(report_id: uuid.UUID, kind: AlertKind) -> uuid.UUID:
    """The one alert of this kind a report can have: the same id however often it is raised."""
    return uuid.uuid5(report_id, f"Alert/{kind.value}")


class _AlertEvent(Event):
    alert_id: uuid.UUID = Field(description="The alert: one per report and kind.")
    kind: AlertKind = Field(description="Why a person is told.")


class AlertRaised(_AlertEvent):
    """A report needs a person: the first step of its ladder is told."""

    event_type: Literal["AlertRaised"] = Field(
        default="AlertRaised", description='Always "AlertRaised".'
    )
    force_code: str | None = Field(description="The force the report is for, once known.")
    route: str | None = Field(description="The team the report is routed to, once known.")
    grade: int = Field(ge=1, le=4, description="The report's grade when the alert was raised.")
    reference: str | None = Field(description="The report's reference, if issued by then.")
    told: list[str] = Field(description="Who the first step tells (names of duty roles).")
    escalates_at: AwareDatetime | None = Field(
        description="When the next step is told unless somebody acknowledges; none at the top."
    )


class AlertEscalated(_AlertEvent):
    """Nobody acknowledged in time: the next step of the ladder is told."""

    event_type: Literal["AlertEscalated"] = Field(
        default="AlertEscalated", description='Always "AlertEscalated".'
    )
    step: int = Field(ge=1, description="The ladder's step now told (0 is the first).")
    told: list[str] = Field(description="Who this step tells (names of duty roles).")
    reference: str | None = Field(
        default=None, description="The report's reference, if issued by then."
    )
    escalates_at: AwareDatetime | None = Field(
        description="When the next step is told unless somebody acknowledges; none at the top."
    )


class AlertAcknowledged(_AlertEvent):
    """A person took the alert on: the ladder stops."""

    event_type: Literal["AlertAcknowledged"] = Field(
        default="AlertAcknowledged", description='Always "AlertAcknowledged".'
    )
    acknowledged_by: str = Field(description="Who acknowledged: a member of staff or duty role.")
    via: AcknowledgedVia = Field(description="The operations API or a signed link.")
    step: int = Field(ge=0, description="The highest step told before the acknowledgement.")
    seconds_to_acknowledge: float = Field(ge=0, description="From raised to acknowledged.")


class AlertResolved(_AlertEvent):
    """The alert needs nobody any more: the reporter has their reply, or the report closed."""

    event_type: Literal["AlertResolved"] = Field(
        default="AlertResolved", description='Always "AlertResolved".'
    )
    because: ResolvedBecause = Field(description="Why the alert ended.")
