"""The SLA watchdog's ports: what its use cases need from the world, and what they return."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from services.sla_watchdog.domain import SlaClock
from services.sla_watchdog.policy import Pause, Threshold
from shared.events import (
    CauseRef,
    Event,
    KeptBy,
    ReportClassified,
    ReportRegraded,
    ReportSubmitted,
    ReportUpdated,
    SlaMet,
    SlaPaused,
    SlaResumed,
    SlaTargetSet,
    effective_grade,
)

#: When an assessment stored without its time is taken to have been made.
EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Override:
    """The newest regrade of a report by staff (by `action_number`)."""

    grade: int
    route: str
    action_number: int
    at: datetime


@dataclass(frozen=True)
class OpenPause:
    """A pause of the clock while the force waits on the reporter."""

    request_id: uuid.UUID
    paused_at: datetime
    resume_by: datetime
    cause: CauseRef  # the InformationRequested: it causes the pause and its resume


@dataclass(frozen=True)
class Resumption:
    """A paused clock resumed, told by `resumed` in the same write as its moved target."""

    request_id: uuid.UUID
    pause: Pause
    resumed: SlaResumed


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
    kept_by: KeptBy = KeptBy.ACKNOWLEDGEMENT
    graded_at: datetime | None = None
    override: Override | None = None
    pause: OpenPause | None = None
    pauses: tuple[Pause, ...] = ()
    updated_at: datetime | None = None  # the newest update of the report (by its number)
    closed_action: int = 0  # the newest ReportClosed's action number (0: never closed)

    @property
    def target_version(self) -> int:
        """Grows with every newer assessment and every newer regrade (both only grow)."""
        return self.grade_sequence + (self.override.action_number if self.override else 0)

    @property
    def handled_grade(self) -> int | None:
        """The grade the report is handled at (`shared.events.effective_grade`)."""
        assessed = None
        if self.grade is not None:
            assessed = (self.grade, self.graded_at or self.started_at or EARLIEST)
        override = None if self.override is None else (self.override.grade, self.override.at)
        return effective_grade(assessed, override)

    @property
    def handled_route(self) -> str | None:
        """Routes change only by a regrade, once there is one."""
        return self.override.route if self.override else self.route


class Clocks(Protocol):
    """Per-report SLA clocks and the facts they are computed from. Each `remember_*`
    returns the report's facts as they stand after it (one round trip, not two)."""

    async def remember_start(self, event: ReportSubmitted) -> ClockFacts | None: ...

    async def remember_grade(self, event: ReportClassified) -> ClockFacts | None: ...

    async def remember_reply(
        self, report_id: uuid.UUID, replied_at: datetime, kept_by: KeptBy
    ) -> ClockFacts | None:
        """The first stop stands: a later one changes nothing."""

    async def remember_regrade(self, event: ReportRegraded) -> ClockFacts | None:
        """The newest regrade (by `action_number`) stands."""

    async def remember_failure(self, report_id: uuid.UUID) -> ClockFacts | None: ...

    async def remember_close(self, report_id: uuid.UUID, action: int) -> ClockFacts | None:
        """The newest close (by `action_number`) stands."""

    async def remember_update(self, event: ReportUpdated) -> ClockFacts | None:
        """When the newest update (by `update_number`) was made: an answer may overtake
        the request it answers (they come by different topics)."""

    async def facts(self, report_id: uuid.UUID) -> ClockFacts | None: ...

    async def set_target(
        self,
        report_id: uuid.UUID,
        facts: ClockFacts,
        marks: list[Threshold],
        told: SlaTargetSet,
        resumption: Resumption | None = None,
    ) -> bool:
        """Start or retarget a running clock (unless its facts changed meanwhile), with
        `told` in the same write; a new target version starts its thresholds afresh. With a
        `resumption`, the clock's open pause (that one only) closes in the same write.
        Whether it was written."""

    async def pause(
        self, report_id: uuid.UUID, pause: OpenPause, told: SlaPaused, action: int
    ) -> bool:
        """Pause a running, unpaused clock, once per request, unless a close newer than the
        request (staff action `action`) stands: it ended the wait before the request came."""

    async def announce(self, report_id: uuid.UUID, version: int, name: str, event: Event) -> bool:
        """Record a threshold of a target version as announced, with its event, once."""

    async def stop(self, report_id: uuid.UUID, clock: SlaClock, met: SlaMet) -> None:
        """Stop a running, unpaused clock and record SlaMet, once."""

    async def get(self, report_id: uuid.UUID) -> SlaClock | None: ...

    async def running(self) -> list[tuple[uuid.UUID, datetime]]:
        """Every running clock and when its next threshold falls."""

    async def open_clocks(self, limit: int) -> list[SlaClock]:
        """Running clocks (up to `limit`), for the open-clock gauges."""
