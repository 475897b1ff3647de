"""What the console consumes and emits: its routing table (`shared.routes`).

It consumes every event topic of the contract (tests/unit/test_console_read_model.py fails
on an event type it does not), to project each report's record.
"""

from __future__ import annotations

from services.console import SERVICE
from services.console.handlers import Projection
from shared.events import (
    AccessRecorded,
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
from shared.routes import RoutingTable, on

#: What the console emits: the access log's entries, on the audit topic (the store writes
#: each with its event, `services/console/audit_store.py`).
EMITS: tuple[type[Event], ...] = (AccessRecorded,)

ROUTES = RoutingTable[Projection](
    SERVICE,
    [
        on(ReportSubmitted, Projection.show_submission),
        on(ReportUpdated, Projection.show_update),
        on(ReportClassified, Projection.show_classification),
        on(ReferenceIssued, Projection.show_reference),
        on(ReplySent, Projection.show_reply_sent),
        on(ReplyDelivered, Projection.show_reply_delivered),
        on(ReplyFailed, Projection.show_reply_failed),
        on(SlaTargetSet, Projection.show_target),
        on(SlaAtRisk, Projection.show_at_risk),
        on(SlaBreached, Projection.show_breach),
        on(SlaMet, Projection.show_met),
        on(AlertRaised, Projection.show_alert_raised),
        on(AlertEscalated, Projection.show_alert_escalated),
        on(AlertAcknowledged, Projection.show_alert_acknowledged),
        on(AlertResolved, Projection.show_alert_resolved),
    ],
    emits=EMITS,
)
