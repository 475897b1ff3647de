"""What the SLA watchdog consumes and emits: its routing table (`shared.routes`)."""

from __future__ import annotations

from services.sla_watchdog import SERVICE
from services.sla_watchdog.handlers import Watchdog
from shared.events import (
    ContactRecorded,
    InformationRequested,
    ReplyDelivered,
    ReplyFailed,
    ReportClassified,
    ReportClosed,
    ReportRegraded,
    ReportSubmitted,
    ReportUpdated,
    SlaAtRisk,
    SlaBreached,
    SlaMet,
    SlaPaused,
    SlaResumed,
    SlaTargetSet,
)
from shared.routes import RoutingTable, on

ROUTES = RoutingTable[Watchdog](
    SERVICE,
    [
        on(ReportSubmitted, Watchdog.start_clock),
        on(ReportClassified, Watchdog.retarget_clock),
        on(ReportRegraded, Watchdog.regrade_clock),
        on(ReplyDelivered, Watchdog.stop_on_delivery),
        on(ReplyFailed, Watchdog.note_failure),
        on(ContactRecorded, Watchdog.stop_on_contact),
        on(InformationRequested, Watchdog.pause_clock),
        on(ReportUpdated, Watchdog.resume_on_update),
        on(ReportClosed, Watchdog.resume_on_close),
    ],
    emits=(SlaTargetSet, SlaAtRisk, SlaBreached, SlaMet, SlaPaused, SlaResumed),
)
