"""Events about the reply promise (the SLA clock) of a report."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.events.envelope import Event


class SlaThresholdMark(BaseModel):
    """One warning threshold of a target, or its breach."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="The threshold, e.g. '50%', '30m' or 'breach'.")
    at: AwareDatetime = Field(description="When it falls.")


class SlaTargetSet(Event):
    """The watchdog set a report's clock to a target, or retargeted it (a new grade, a
    regrade): once per target version, and again, with the same version, whenever a resume
    moved the version's due time on. The watchdog keeps the clocks; others only show them."""

    event_type: Literal["SlaTargetSet"] = Field(
        default="SlaTargetSet", description='Always "SlaTargetSet".'
    )
    started_at: AwareDatetime = Field(description="When the clock started (report received).")
    due_at: AwareDatetime = Field(description="When the promise breaks.")
    grade: int | None = Field(
        default=None, ge=1, le=4, description="Grade the target is for; none until graded."
    )
    target_version: int = Field(
        ge=0,
        description=(
            "Grows with each newer assessment and each newer staff regrade (0 before any);"
            " highest wins, and of one version the newest due time."
        ),
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


class KeptBy(StrEnum):
    """What kept the reply promise (or broke it late)."""

    ACKNOWLEDGEMENT = "acknowledgement"  # the automatic reply reached the reporter
    STAFF_REPLY = "staff_reply"  # a reply staff sent from the console reached them
    OUTCOME_REPLY = "outcome_reply"  # the outcome message of a closed report reached them
    CONTACT_RECORDED = "contact_recorded"  # staff reached them outside frontdesk


class PausedBecause(StrEnum):
    INFORMATION_REQUESTED = "information_requested"


class ResumedBecause(StrEnum):
    REPORTER_ANSWERED = "reporter_answered"  # a ReportUpdated from the reporter
    NO_ANSWER = "no_answer"  # the answer-by time passed
    REPLY_PROMISE_KEPT = "reply_promise_kept"  # the clock stopped while paused
    REPORT_CLOSED = "report_closed"  # staff closed the report while waiting


class SlaPaused(Event):
    """A report's clock paused: the force waits on the reporter. Time paused does not
    count towards the target; the thresholds move on by it when the clock resumes."""

    event_type: Literal["SlaPaused"] = Field(default="SlaPaused", description='Always "SlaPaused".')
    paused_at: AwareDatetime = Field(description="When the clock paused.")
    because: PausedBecause = Field(description="Why.")
    request_id: uuid.UUID | None = Field(
        default=None, description="The request for information it waits on."
    )
    resume_by: AwareDatetime = Field(description="When it resumes if nobody answers.")


class SlaResumed(Event):
    """A paused clock runs again, to a due time moved on by the pause."""

    event_type: Literal["SlaResumed"] = Field(
        default="SlaResumed", description='Always "SlaResumed".'
    )
    resumed_at: AwareDatetime = Field(description="When the clock resumed.")
    because: ResumedBecause = Field(description="Why.")
    paused_seconds: float = Field(ge=0, description="How long this pause lasted.")
    due_at: AwareDatetime = Field(description="When the promise breaks now.")
    thresholds: list[SlaThresholdMark] = Field(
        default_factory=list, description="The warning thresholds and the breach, moved on."
    )


class SlaMet(Event):
    """A report's clock stopped: the reply arrived, on time or late."""

    event_type: Literal["SlaMet"] = Field(default="SlaMet", description='Always "SlaMet".')
    started_at: AwareDatetime = Field(description="When the clock started (report received).")
    stopped_at: AwareDatetime = Field(description="When the reply was confirmed.")
    due_at: AwareDatetime = Field(description="The target the clock ran against.")
    elapsed_seconds: float = Field(ge=0, description="Time from start to stop.")
    late: bool = Field(description="Whether the reply came after the target.")
    kept_by: KeptBy = Field(
        default=KeptBy.ACKNOWLEDGEMENT, description="What kept the promise (or kept it late)."
    )
    paused_seconds: float = Field(
        default=0, ge=0, description="Time the clock spent paused; not counted in elapsed."
    )
