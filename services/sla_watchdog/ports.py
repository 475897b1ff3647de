"""The SLA watchdog's ports: what its use cases need from the world, and what they return."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from services.sla_watchdog.domain import SlaClock
from services.sla_watchdog.policy import Threshold
from shared.events import (
    CauseRef,
    Event,
    ReportClassified,
    ReportSubmitted,
    SlaMet,
    SlaTargetSet,
)


@dataclass(frozen=True)
class ClockFacts:
    """What the watchdog has learnt of one report, from whichever events arrived."""

    cause: CauseRef | None
    started_at: datetime | None
    report_type: str | None
    force_code: str | None
    grade: int | None
    grade_sequence: int
    route: str | None
    replied_at: datetime | None
    reply_failed: bool
    clock: SlaClock | None


class Clocks(Protocol):
    """Per-report SLA clocks and the facts they are computed from. Each `remember_*`
    returns the report's facts as they stand after it (one round trip, not two)."""

    async def remember_start(self, event: ReportSubmitted) -> ClockFacts | None: ...

    async def remember_grade(self, event: ReportClassified) -> ClockFacts | None: ...

    async def remember_reply(
        self, report_id: uuid.UUID, replied_at: datetime
    ) -> ClockFacts | None: ...

    async def remember_failure(self, report_id: uuid.UUID) -> ClockFacts | None: ...

    async def facts(self, report_id: uuid.UUID) -> ClockFacts | None: ...

    async def set_target(
        self, report_id: uuid.UUID, facts: ClockFacts, marks: list[Threshold], told: SlaTargetSet
    ) -> None:
        """Start or retarget a running clock (unless its facts changed meanwhile), with
        `told` in the same write; a new target starts its thresholds afresh."""

    async def announce(self, report_id: uuid.UUID, version: int, name: str, event: Event) -> bool:
        """Record a threshold of a target version as announced, with its event, once."""

    async def stop(self, report_id: uuid.UUID, clock: SlaClock, met: SlaMet) -> None:
        """Stop a running clock and record SlaMet, once."""

    async def get(self, report_id: uuid.UUID) -> SlaClock | None: ...

    async def running(self) -> list[tuple[uuid.UUID, datetime]]:
        """Every running clock and when its next threshold falls."""

    async def open_clocks(self, limit: int) -> list[SlaClock]:
        """Running clocks (up to `limit`), for the open-clock gauges."""
