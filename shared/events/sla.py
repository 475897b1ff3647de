"""Events about the reply promise (the SLA clock) of a report."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.events.envelope import Event


class SlaThresholdMark(BaseModel):
    """One warning threshold of a target, or its breach."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="The threshold, e.g. '50%', '30m' or 'breach'.")
    at: AwareDatetime = Field(description="When it falls.")


class SlaTargetSet(Event):
    """The watchdog set a report's clock to a target, or retargeted it (a new grade): once
    per target version. The watchdog keeps the clocks; others only show them."""

    event_type: Literal["SlaTargetSet"] = Field(
        default="SlaTargetSet", description='Always "SlaTargetSet".'
    )
    started_at: AwareDatetime = Field(description="When the clock started (report received).")
    due_at: AwareDatetime = Field(description="When the promise breaks.")
    grade: int | None = Field(
        default=None, ge=1, le=4, description="Grade the target is for; none until graded."
    )
    target_version: int = Field(
        ge=0, description="The assessment the target follows (0 before any); highest wins."
    )
    thresholds: list[SlaThresholdMark] = Field(
        default_factory=list, description="The warning thresholds and the breach, in order."
    )
    route: str | None = Field(default=None, description="The team the report is routed to.")
    force_code: str | None = Field(default=None, description="The force the report is for.")


class SlaAtRisk(Event):
    """A report's clock passed a warning threshold without a reply."""

    event_type: Literal["SlaAtRisk"] = Field(default="SlaAtRisk", description='Always "SlaAtRisk".')
    threshold: str = Field(description="The warning threshold passed, e.g. '75%' or '30m'.")
    due_at: AwareDatetime = Field(description="When the promise breaks.")
    grade: int = Field(ge=1, le=4, description="Grade the target was set for.")
    route: str | None = Field(default=None, description="The team the report is routed to.")
    force_code: str | None = Field(default=None, description="The force the report is for.")


class SlaBreached(Event):
    """A report reached its target time without a reply."""

    event_type: Literal["SlaBreached"] = Field(
        default="SlaBreached", description='Always "SlaBreached".'
    )
    due_at: AwareDatetime = Field(description="When the promise broke.")
    grade: int = Field(ge=1, le=4, description="Grade the target was set for.")
    route: str | None = Field(default=None, description="The team to alert.")
    force_code: str | None = Field(default=None, description="The force the report is for.")


class SlaMet(Event):
    """A report's clock stopped: the reply arrived, on time or late."""

    event_type: Literal["SlaMet"] = Field(default="SlaMet", description='Always "SlaMet".')
    started_at: AwareDatetime = Field(description="When the clock started (report received).")
    stopped_at: AwareDatetime = Field(description="When the reply was confirmed.")
    due_at: AwareDatetime = Field(description="The target the clock ran against.")
    elapsed_seconds: float = Field(ge=0, description="Time from start to stop.")
    late: bool = Field(description="Whether the reply came after the target.")
