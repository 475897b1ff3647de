"""Reference issuer's use cases."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from services.reference_issuer import SERVICE
from services.reference_issuer.domain import reference_day
from services.reference_issuer.ports import References
from shared.clock import Clock
from shared.events import ReferenceIssued, ReportSubmitted
from shared.references import format_reference


class ReferenceIssuer:
    """The reference issuer's dependencies, and its use cases."""

    def __init__(self, references: References, clock: Clock, time_zone: ZoneInfo) -> None:
        self.references = references
        self.clock = clock
        self.time_zone = time_zone

    async def issue_reference(self, submitted: ReportSubmitted) -> str:
        """Give a report its reference: the same one however often, or by how many, asked."""
        reference = await self.references.issued_to(submitted.report_id)
        if reference is not None:
            return reference
        day = reference_day(submitted.received_at, self.time_zone)
        sequence = await self.references.next_sequence(submitted.force_code, day)
        issued = ReferenceIssued.caused_by(
            submitted,
            producer=SERVICE,
            occurred_at=self.clock.now(),
            reference=format_reference(submitted.force_code, day, sequence),
            force_code=submitted.force_code,
            issued_at=self.clock.now(),
        )
        return await self.references.assign(issued)
