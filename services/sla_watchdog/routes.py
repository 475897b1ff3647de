"""What the SLA watchdog consumes and emits: its routing table (`shared.routes`)."""

from __future__ import annotations

from services.sla_watchdog import SERVICE
from services.sla_watchdog.handlers import Watchdog
from shared.events import (
    AlertAcknowledged,
    AlertEscalated,
    AlertRaised,
    AlertResolved,
    ReplyDelivered,
    ReplyFailed,
    ReportClassified,
    ReportSubmitted,
    SlaAtRisk,
    SlaBreached,
    SlaMet,
    SlaTargetSet,
)
from shared.routes import RoutingTable, on

ROUTES = RoutingTable[Watchdog](
    SERVICE,
    [
        on(ReportSubmitted, Watchdog.start_clock),
        on(ReportClassified, Watchdog.retarget_clock),
        on(ReplyDelivered, Watchdog.stop_on_delivery),
        on(ReplyFailed, Watchdog.note_failure),
        on(AlertRaised, Watchdog.show_raised),
        on(AlertEscalated, Watchdog.show_escalation),
        on(AlertAcknowledged, Watchdog.show_acknowledgement),
        on(AlertResolved, Watchdog.show_resolution),
    ],
    emits=(SlaTargetSet, SlaAtRisk, SlaBreached, SlaMet),
)
