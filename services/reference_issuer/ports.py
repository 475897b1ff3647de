"""The reference issuer's port: what its use case needs from the world."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Protocol

from shared.events import ReferenceIssued


class References(Protocol):
    """Issued references, one per report, and the per-force daily sequences."""

    async def issued_to(self, report_id: uuid.UUID) -> str | None:
        """The reference already issued to a report, if any."""

    async def next_sequence(self, force_code: str, day: date) -> int:
        """Atomically take the next number of a force's day (gaps allowed, never repeats)."""

    async def assign(self, issued: ReferenceIssued) -> str:
        """Record a report's reference unless it has one; returns the one it has. A reference
        another report holds is refused with an error: none is ever handed out twice."""
