"""The reference issuer's ports: what its use cases need from the world, and what they return."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol

from shared.events import (
    ReferenceIssued,
    ReportSubmitted,
)
from shared.references import Reference


@dataclass(frozen=True)
class ReferenceRecord:
    """What a call handler is told of a reference."""

    reference: str
    report_id: uuid.UUID
    report_type: str
    received_at: datetime
    issued_at: datetime
    replied_at: datetime | None

    @property
    def status(self) -> Literal["reference_issued", "replied"]:
        return "replied" if self.replied_at is not None else "reference_issued"


class References(Protocol):
    """Issued references, one per report, and the per-force daily sequences."""

    async def issued_to(self, report_id: uuid.UUID) -> str | None:
        """The reference already issued to a report, if any."""

    async def next_sequence(self, force_code: str, day: date) -> int:
        """Atomically take the next number of a force's day (gaps allowed, never repeats)."""

    async def assign(self, issued: ReferenceIssued, submitted: ReportSubmitted) -> str:
        """Record a report's reference unless it has one; returns the one it has. A reference
        another report holds is refused with an error: none is ever handed out twice."""

    async def record_reply(self, report_id: uuid.UUID, replied_at: datetime) -> None:
        """Remember when the acknowledgement reached the reporter."""

    async def find(self, reference: Reference) -> ReferenceRecord | None:
        """The record of an issued reference."""
