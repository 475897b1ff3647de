"""The console's use cases: project every event of every report into its read model.

The console decides nothing about a report: it shows what the other services told. Each
event is folded into its report's record once, whatever order and however often it comes
(`ReportViews.apply`); the log says which event was projected, never what it holds.
"""

from __future__ import annotations

import structlog

from services.console.ports import ReportViews
from shared.events import (
    AlertAcknowledged,
    AlertEscalated,
    AlertRaised,
    AlertResolved,
    Event,
    ReferenceIssued,
    ReplyDelivered,
    ReplyFailed,
    ReplySent,
    ReportClassified,
    ReportSubmitted,
    ReportUpdated,
    SlaAtRisk,
    SlaBreached,
    SlaMet,
    SlaTargetSet,
)

log = structlog.get_logger(__name__)


class Projection:
    """The read model's dependencies, and one use case per event type it projects."""

    def __init__(self, views: ReportViews) -> None:
        self.views = views

    async def _project(self, event: Event) -> None:
        new = await self.views.apply(event)
        log.debug(
            "event_projected" if new else "event_already_projected",
            report_id=str(event.report_id),
            event_type=event.event_type,
            event_id=str(event.event_id),
        )

    async def show_submission(self, event: ReportSubmitted) -> None:
        await self._project(event)

    async def show_update(self, event: ReportUpdated) -> None:
        await self._project(event)

    async def show_classification(self, event: ReportClassified) -> None:
        await self._project(event)

    async def show_reference(self, event: ReferenceIssued) -> None:
        await self._project(event)

    async def show_reply_sent(self, event: ReplySent) -> None:
        await self._project(event)

    async def show_reply_delivered(self, event: ReplyDelivered) -> None:
        await self._project(event)

    async def show_reply_failed(self, event: ReplyFailed) -> None:
        await self._project(event)

    async def show_target(self, event: SlaTargetSet) -> None:
        await self._project(event)

    async def show_at_risk(self, event: SlaAtRisk) -> None:
        await self._project(event)

    async def show_breach(self, event: SlaBreached) -> None:
        await self._project(event)

    async def show_met(self, event: SlaMet) -> None:
        await self._project(event)

    async def show_alert_raised(self, event: AlertRaised) -> None:
        await self._project(event)

    async def show_alert_escalated(self, event: AlertEscalated) -> None:
        await self._project(event)

    async def show_alert_acknowledged(self, event: AlertAcknowledged) -> None:
        await self._project(event)

    async def show_alert_resolved(self, event: AlertResolved) -> None:
        await self._project(event)
