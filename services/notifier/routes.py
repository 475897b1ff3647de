"""What the notifier consumes and emits: its routing table (`shared.routes`)."""

from __future__ import annotations

from services.notifier import SERVICE
from services.notifier.handlers import Notifier
from shared.events import (
    InformationRequested,
    ReferenceIssued,
    ReplyDelivered,
    ReplyFailed,
    ReplyRequested,
    ReplySent,
    ReportClassified,
    ReportClosed,
    ReportSubmitted,
    SlaBreached,
)
from shared.routes import RoutingTable, on

ROUTES = RoutingTable[Notifier](
    SERVICE,
    [
        on(ReportSubmitted, Notifier.record_submission),
        on(ReportClassified, Notifier.record_classification),
        on(ReferenceIssued, Notifier.record_reference),
        on(SlaBreached, Notifier.record_breach),
        on(ReplyRequested, Notifier.record_reply_request),
        on(InformationRequested, Notifier.record_information_request),
        on(ReportClosed, Notifier.record_closure),
    ],
    emits=(ReplySent, ReplyDelivered, ReplyFailed),
)
