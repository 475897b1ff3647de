"""What the reference issuer consumes and emits: its routing table (`shared.routes`)."""

from __future__ import annotations

from services.reference_issuer import SERVICE
from services.reference_issuer.handlers import ReferenceIssuer
from shared.events import ReferenceIssued, ReportSubmitted
from shared.routes import RoutingTable, on

ROUTES = RoutingTable[ReferenceIssuer](
    SERVICE,
    [on(ReportSubmitted, ReferenceIssuer.issue_reference)],
    emits=(ReferenceIssued,),
)
