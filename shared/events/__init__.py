"""Every v1 event of the frontdesk contract."""

from shared.events.alerts import (
    AcknowledgedVia,
    AlertAcknowledged,
    AlertEscalated,
    AlertKind,
    AlertRaised,
    AlertResolved,
    ResolvedBecause,
    alert_id_of,
)
from shared.events.audit import AccessKind, AccessRecorded, access_key_of
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
from shared.events.sla import SlaAtRisk, SlaBreached, SlaMet, SlaTargetSet, SlaThresholdMark

__all__ = [
    "AccessKind",
    "AccessRecorded",
    "AcknowledgedVia",
    "AlertAcknowledged",
    "AlertEscalated",
    "AlertKind",
    "AlertRaised",
    "AlertResolved",
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
    "ResolvedBecause",
    "SlaAtRisk",
    "SlaBreached",
    "SlaMet",
    "SlaTargetSet",
    "SlaThresholdMark",
    "ThriveDimension",
    "UpdateGiver",
    "UpdateRole",
    "access_key_of",
    "acknowledged_at",
    "alert_id_of",
    "derived_event_id",
]
