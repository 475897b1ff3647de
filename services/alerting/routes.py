"""What alerting consumes and emits: its routing table (`shared.routes`).

It consumes its own AlertRaised and AlertEscalated too: each step's pages are sent by the
consumer of the step's event, so a crash between storing a step and paging it is made good
by Kafka's redelivery, and each page's claim makes it once. It reads no event that holds
the reporter's words: an assignment notice's report type comes with ReportAssigned.
"""

from __future__ import annotations

from services.alerting import SERVICE
from services.alerting.handlers import Alerting
from shared.events import (
    AlertAcknowledged,
    AlertEscalated,
    AlertRaised,
    AlertResolved,
    ReferenceIssued,
    ReplyFailed,
    ReportAssigned,
    ReportClassified,
    ReportClosed,
    ReportRegraded,
    ReportReopened,
    SlaAtRisk,
    SlaBreached,
    SlaMet,
)
from shared.routes import RoutingTable, on

ROUTES = RoutingTable[Alerting](
    SERVICE,
    [
        on(ReportClassified, Alerting.learn_classification),
        on(ReferenceIssued, Alerting.learn_reference),
        on(SlaAtRisk, Alerting.raise_at_risk),
        on(SlaBreached, Alerting.raise_breach),
        on(ReplyFailed, Alerting.raise_reply_failure),
        on(SlaMet, Alerting.resolve_on_reply),
        on(ReportAssigned, Alerting.learn_assignment),
        on(ReportRegraded, Alerting.learn_regrade),
        on(ReportClosed, Alerting.close_report),
        on(ReportReopened, Alerting.reopen_report),
        on(AlertRaised, Alerting.page_raised),
        on(AlertEscalated, Alerting.page_escalated),
    ],
    emits=(AlertRaised, AlertEscalated, AlertAcknowledged, AlertResolved),
)
