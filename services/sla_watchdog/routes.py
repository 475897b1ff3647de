"""What the SLA watchdog consumes and emits: its routing table (`shared.routes`)."""

from __future__ import annotations

from services.sla_watchdog import SERVICE
from services.sla_watchdog.handlers import Watchdog
from shared.events import (
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
    ],
    emits=(SlaTargetSet, SlaAtRisk, SlaBreached, SlaMet),
)
