"""The console's use cases: project every event of every report into its read model.

The console decides nothing about a report: it shows what the other services told. Each
event is folded into its report's record once, whatever order and however often it comes
(`ReportViews.apply`); the log says which event was projected, never what it holds.
"""

from __future__ import annotations

import structlog

from services.console.ports import ReportViews
from shared.events import Event

log = structlog.get_logger(__name__)


class Projection:
    """The read model's dependencies, and its one use case: show an event of a report."""

    def __init__(self, views: ReportViews) -> None:
        self.views = views

    async def show(self, event: Event) -> None:
        new = await self.views.apply(event)
        log.debug(
            "event_projected" if new else "event_already_projected",
            report_id=str(event.report_id),
            event_type=event.event_type,
            event_id=str(event.event_id),
        )
