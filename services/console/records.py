"""What the console knows of one report, folded from its events (`domain.fold`): the
shapes the read model hands to the API, pure data with no framework in them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from shared.events.staff import effective_grade

QueueState = Literal["new", "running", "at_risk", "breached", "met", "met_late", "no_clock"]
ReplyState = Literal["sent", "delivered", "failed"]
#: Where staff's work on a report stands (`services.console.work` folds it).
WorkState = Literal["open", "assigned", "awaiting_information", "closed"]
#: How a wait for information ended.
WaitEnded = Literal["answered", "answer_by_passed", "closed", "resumed"]
WORK_STATES: tuple[WorkState, ...] = ("open", "assigned", "awaiting_information", "closed")


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # an assessment of unknown time: before any override


@dataclass(frozen=True)
class TimelineEntry:
    """One event of the report, in the order things happened."""

    event_id: uuid.UUID
    event_type: str
    occurred_at: datetime
    producer: str
    summary: str  # a line for staff; may hold personal data (shown only to who may see it)


@dataclass(frozen=True)
class ReplyRecord:
    """One message sent to the reporter, with the exact text sent and how it fared."""

    reply_kind: str
    channel: str | None
    state: ReplyState
    subject: str | None
    body: str | None
    sent_at: datetime | None
    delivered_at: datetime | None
    failure: str | None  # the provider's reason, never personal data
    failed_at: datetime | None = None  # the first failure told (one never sent has no other time)


@dataclass(frozen=True)
class ClassificationRecord:
    """The newest assessment of the report, with what decided it."""

    grade: int
    route: str
    flags: list[str]
    thrive: dict[str, Any]
    rules_fired: list[str]
    rules_version: str
    confidence: float
    model_version: str | None
    model_score: float | None
    referral: str | None
    next_steps: str
    sequence: int
    assessed_at: datetime | None = None  # when the classifier made it


@dataclass(frozen=True)
class SlaRecord:
    """The reply promise as the SLA watchdog announced it (it keeps the clocks)."""

    due_at: datetime | None
    grade: int | None
    warnings: list[str]
    breached: bool
    met_at: datetime | None
    late: bool | None
    started_at: datetime | None = None
    target_version: int | None = None  # of the target shown (SlaTargetSet), if one came
    thresholds: list[tuple[str, datetime]] = field(default_factory=list)  # the last: breach

    @property
    def at_risk_from(self) -> datetime | None:
        """When the first warning threshold of the target falls (at risk from then on)."""
        return min((at for _, at in self.thresholds[:-1]), default=None)


@dataclass(frozen=True)
class AlertRecord:
    alert_id: uuid.UUID
    kind: str
    state: Literal["open", "acknowledged", "resolved"]
    step: int
    told: list[str]
    raised_at: datetime
    acknowledged_by: str | None


@dataclass(frozen=True)
class StaffDone:
    """Who did a staff action, when, and its place among the report's actions."""

    user_id: str
    username: str
    role: str
    at: datetime
    action_number: int
    event_id: uuid.UUID  # the staff event, so its timeline entry can show what it holds


@dataclass(frozen=True)
class ContactRecord:
    """A contact made outside frontdesk. `note` is personal data."""

    done: StaffDone
    way: str
    reached: bool
    contacted_at: datetime
    note: str


@dataclass(frozen=True)
class NoteRecord:
    """An internal note: never sent, never changed. `text` is personal data."""

    done: StaffDone
    text: str


@dataclass(frozen=True)
class InformationRequestRecord:
    """A request for more information; `ended` says how the wait ended, if it has."""

    done: StaffDone
    request_id: uuid.UUID
    question: str
    answer_by: datetime
    ended: WaitEnded | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True)
class OverrideRecord:
    """Staff's grade and route, beside the classifier's assessment."""

    done: StaffDone
    grade: int
    route: str
    previous_grade: int | None
    previous_route: str | None
    reason: str


@dataclass(frozen=True)
class ClosureRecord:
    """How the report was finalised (the latest closing)."""

    done: StaffDone
    outcome: str
    crime_reference: str | None
    reason_code: str | None
    agency: str | None
    duplicate_of: str | None
    duplicate_of_report_id: uuid.UUID | None


@dataclass(frozen=True)
class ReopeningRecord:
    done: StaffDone
    reason: str


@dataclass(frozen=True)
class PauseRecord:
    """A pause of the reply clock, as the watchdog told it."""

    paused_at: datetime
    resume_by: datetime
    resumed_at: datetime | None = None
    resumed_because: str | None = None
    paused_seconds: float | None = None


@dataclass(frozen=True)
class WorkRecord:
    """Staff's work on the report, folded from the staff events (by `action_number`)."""

    state: WorkState = "open"
    assignee_id: str | None = None
    assignee_name: str | None = None
    action_count: int = 0
    override: OverrideRecord | None = None
    contacts: list[ContactRecord] = field(default_factory=list)
    notes: list[NoteRecord] = field(default_factory=list)
    information_requests: list[InformationRequestRecord] = field(default_factory=list)
    closure: ClosureRecord | None = None
    reopenings: list[ReopeningRecord] = field(default_factory=list)
    pauses: list[PauseRecord] = field(default_factory=list)
    duplicates: list[uuid.UUID] = field(default_factory=list)  # closed as repeats of this one

    @property
    def paused(self) -> bool:
        return self.paused_since is not None

    @property
    def paused_since(self) -> datetime | None:
        """When the clock paused, while it is paused: its state is judged as of then."""
        return next((p.paused_at for p in self.pauses if p.resumed_at is None), None)

    @property
    def paused_seconds(self) -> float:
        return sum(pause.paused_seconds or 0.0 for pause in self.pauses)


@dataclass(frozen=True)
class ReportRecord:
    """Everything known of a report. Personal data: `description`, `answers`, `contact`,
    `updates` and the replies' text; the API shows them only to who may see them."""

    report_id: uuid.UUID
    reference: str | None
    force_code: str | None
    report_type: str | None
    channel: str | None
    received_at: datetime | None
    description: str | None
    answers: dict[str, Any]
    happening_now: bool | None
    someone_in_danger: bool | None
    contact: dict[str, Any] | None  # the event's Contact, as JSON; None when anonymous
    updates: list[str]
    classification: ClassificationRecord | None
    sla: SlaRecord | None
    replies: list[ReplyRecord]
    alerts: list[AlertRecord]
    timeline: list[TimelineEntry] = field(default_factory=list)
    work: WorkRecord = field(default_factory=WorkRecord)
    correlation_id: uuid.UUID | None = None  # of the report's journey (its submission's)

    @property
    def route(self) -> str | None:
        """The team it is routed to: staff's override, else the classifier's route."""
        if self.work.override is not None:
            return self.work.override.route
        return None if self.classification is None else self.classification.route

    @property
    def grade(self) -> int | None:
        """The grade it is handled at (`effective_grade`)."""
        assessed = self.classification
        override = self.work.override
        return effective_grade(
            None if assessed is None else (assessed.grade, assessed.assessed_at or _EPOCH),
            None if override is None else (override.grade, override.done.at),
        )


@dataclass(frozen=True)
class QueueRow:
    """A report in a work queue: no personal data, so viewers may see it."""

    report_id: uuid.UUID
    reference: str | None
    report_type: str | None
    channel: str | None
    force_code: str | None
    grade: int | None
    route: str | None
    received_at: datetime | None
    due_at: datetime | None
    state: QueueState
    warnings: list[str]
    open_alerts: int
    met_at: datetime | None = None  # when the reply came, for reply times
    work_state: WorkState = "open"
    assignee_id: str | None = None
    assignee_name: str | None = None
    paused: bool = False
    paused_seconds: float = 0.0


@dataclass(frozen=True)
class QueueFilter:
    """What a queue is narrowed to; None means any. `teams` is set by access, not by the
    caller: an operator's queue holds their own teams' reports only."""

    teams: frozenset[str] | None = None
    routes: frozenset[str] | None = None
    grades: frozenset[int] | None = None
    report_types: frozenset[str] | None = None
    channels: frozenset[str] | None = None
    states: frozenset[str] | None = None
    #: A person's queue: their user id, `UNASSIGNED` (the team's queue), or None (any).
    assignee: str | None = None


#: `QueueFilter.assignee` for reports nobody is working on.
UNASSIGNED = ""
