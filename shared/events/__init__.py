"""Every v1 event of the frontdesk contract."""

from shared.events.envelope import Cause, CauseRef, Event, derived_event_id
from shared.events.replies import (
    ReplyDelivered,
    ReplyFailed,
    ReplyKind,
    ReplySent,
    acknowledged_at,
)
from shared.events.reports import (
    Channel,
    Contact,
    ContactMethod,
    ReferenceIssued,
    ReportClassified,
    ReportSubmitted,
    ReportType,
    ReportUpdated,
    ThriveDimension,
    UpdateGiver,
    UpdateRole,
)
from shared.events.sla import SlaAtRisk, SlaBreached, SlaMet

__all__ = [
    "Cause",
    "CauseRef",
    "Channel",
    "Contact",
    "ContactMethod",
    "Event",
    "ReferenceIssued",
    "ReplyDelivered",
    "ReplyFailed",
    "ReplyKind",
    "ReplySent",
    "ReportClassified",
    "ReportSubmitted",
    "ReportType",
    "ReportUpdated",
    "SlaAtRisk",
    "SlaBreached",
    "SlaMet",
    "ThriveDimension",
    "UpdateGiver",
    "UpdateRole",
    "acknowledged_at",
    "derived_event_id",
]
