"""What the watchdog tells of a clock: its events, built from the clock's facts, each with a
deterministic id (a retry after a crash builds the very same event)."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.sla_watchdog import SERVICE
from services.sla_watchdog.domain import SlaClock, paused_between
from services.sla_watchdog.policy import Pause, Threshold
from services.sla_watchdog.ports import ClockFacts, OpenPause
from shared.events import (
    CauseRef,
    Event,
    PausedBecause,
    ResumedBecause,
    SlaAtRisk,
    SlaBreached,
    SlaMet,
    SlaPaused,
    SlaResumed,
    SlaTargetSet,
    SlaThresholdMark,
)


def _marks(marks: list[Threshold]) -> list[SlaThresholdMark]:
    return [SlaThresholdMark(name=m.name, at=m.at) for m in marks]


def target_set(
    cause: CauseRef, facts: ClockFacts, marks: list[Threshold], now: datetime
) -> SlaTargetSet:
    """Once per target version; a version retargeted to other times (a resume, a changed
    policy) is told again, once per due time."""
    assert facts.started_at is not None
    version, due_at = facts.target_version, marks[-1].at
    same_version = facts.clock is not None and facts.clock.target_version == version
    discriminator = f"{version}:{due_at.isoformat()}" if same_version else str(version)
    return SlaTargetSet.caused_by(
        cause,
        producer=SERVICE,
        occurred_at=now,
        discriminator=discriminator,
        started_at=facts.started_at,
        due_at=due_at,
        grade=facts.handled_grade,
        target_version=version,
        thresholds=_marks(marks),
        route=facts.handled_route,
        force_code=facts.force_code,
    )


def threshold_passed(
    cause: CauseRef, facts: ClockFacts, clock: SlaClock, threshold: Threshold, now: datetime
) -> Event:
    """SlaAtRisk for a warning, SlaBreached for the breach: once per target version."""
    discriminator = f"{clock.target_version}:{threshold.name}"
    grade, route = clock.grade or 4, facts.handled_route
    if threshold.breach:
        return SlaBreached.caused_by(
            cause,
            producer=SERVICE,
            occurred_at=now,
            discriminator=discriminator,
            due_at=clock.due_at,
            grade=grade,
            route=route,
            force_code=facts.force_code,
        )
    return SlaAtRisk.caused_by(
        cause,
        producer=SERVICE,
        occurred_at=now,
        discriminator=discriminator,
        threshold=threshold.name,
        due_at=clock.due_at,
        grade=grade,
        route=route,
        force_code=facts.force_code,
    )


def paused(pause: OpenPause, now: datetime) -> SlaPaused:
    """Caused by the request for information: one pause per request."""
    return SlaPaused.caused_by(
        pause.cause,
        producer=SERVICE,
        occurred_at=now,
        paused_at=pause.paused_at,
        because=PausedBecause.INFORMATION_REQUESTED,
        request_id=pause.request_id,
        resume_by=pause.resume_by,
    )


def resumed(
    pause: OpenPause, closed: Pause, because: ResumedBecause, marks: list[Threshold], now: datetime
) -> SlaResumed:
    """Caused by the request for information too: whatever resumes a pause, it resumes
    once (two racing causes build the same event, and one write stores it)."""
    return SlaResumed.caused_by(
        pause.cause,
        producer=SERVICE,
        occurred_at=now,
        resumed_at=closed[1],
        because=because,
        paused_seconds=(closed[1] - closed[0]).total_seconds(),
        due_at=marks[-1].at,
        thresholds=_marks(marks),
    )


def met(
    cause: CauseRef, facts: ClockFacts, clock: SlaClock, pauses: tuple[Pause, ...], now: datetime
) -> SlaMet:
    """The clock stopped: elapsed counts only the time it ran, `late` compares the stop with
    the due time as pauses moved it."""
    assert clock.stopped_at is not None
    paused_for = paused_between(pauses, clock.started_at, clock.stopped_at)
    elapsed = max(clock.stopped_at - clock.started_at - paused_for, timedelta())
    return SlaMet.caused_by(
        cause,
        producer=SERVICE,
        occurred_at=now,
        started_at=clock.started_at,
        stopped_at=clock.stopped_at,
        due_at=clock.due_at,
        elapsed_seconds=elapsed.total_seconds(),
        late=clock.late,
        kept_by=facts.kept_by,
        paused_seconds=paused_for.total_seconds(),
    )
