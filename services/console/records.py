"""What the console knows of one report, folded from its events (`domain.fold`): the
shapes the read model hands to the API, pure data with no framework in them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

QueueState = Literal["new", "running", "at_risk", "breached", "met", "met_late", "no_clock"]
ReplyState = Literal["sent", "delivered", "failed"]


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

    @property
    def route(self) -> str | None:
        return None if self.classification is None else self.classification.route

    @property
    def grade(self) -> int | None:
        return None if self.classification is None else self.classification.grade


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
