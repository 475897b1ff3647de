"""Reference issuer's use cases."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Protocol
from zoneinfo import ZoneInfo

from services.reference_issuer import SERVICE
from services.reference_issuer.domain import reference_day
from shared.clock import Clock
from shared.events import ReferenceIssued, ReportSubmitted
from shared.references import format_reference


class References(Protocol):
    """Issued references, one per report, and the per-force daily sequences."""

    async def issued_to(self, report_id: uuid.UUID) -> str | None:
        """The reference already issued to a report, if any."""

    async def next_sequence(self, force_code: str, day: date) -> int:
        """Atomically take the next number of a force's day (gaps allowed, never repeats)."""

    async def assign(self, issued: ReferenceIssued) -> str:
        """Record a report's reference unless it has one; returns the one it has."""

    async def publish_pending(self, report_id: uuid.UUID) -> None:
        """Publish the report's events not yet acknowledged by Kafka."""


async def issue_reference(
    submitted: ReportSubmitted, *, references: References, clock: Clock, time_zone: ZoneInfo
) -> str:
    """Give a report its reference: the same one however often, or by how many, asked."""
    reference = await references.issued_to(submitted.report_id)
    if reference is None:
        day = reference_day(submitted.received_at, time_zone)
        sequence = await references.next_sequence(submitted.force_code, day)
        issued = ReferenceIssued.caused_by(
            submitted,
            producer=SERVICE,
            occurred_at=clock.now(),
            reference=format_reference(submitted.force_code, day, sequence),
            force_code=submitted.force_code,
            issued_at=clock.now(),
        )
        reference = await references.assign(issued)
    await references.publish_pending(submitted.report_id)
    return reference
