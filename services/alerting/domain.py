"""Pure alert rules: where an alert stands on its ladder and which steps are due. No I/O."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shared.events import AlertKind, CauseRef, alert_id_of


class AlertState(StrEnum):
    OPEN = "open"  # nobody acknowledged yet: the ladder climbs
    ACKNOWLEDGED = "acknowledged"  # a person took it on: the ladder stopped
    RESOLVED = "resolved"  # needs nobody any more


#: Kinds that a delivered reply (the SLA clock met) makes moot. A possible emergency is not
#: among them: the reporter having our reply says nothing of whether anyone acted on it.
RESOLVED_BY_REPLY = frozenset(
    {AlertKind.SLA_AT_RISK, AlertKind.SLA_BREACHED, AlertKind.REPLY_FAILED}
)


@dataclass(frozen=True)
class Acknowledgement:
    by: str
    at: datetime
    via: str


@dataclass(frozen=True)
class PageRetry:
    """A page that failed for now (the provider busy, the receiver down): tried again at
    `at`, until it is sent, refused for good, or its alert needs nobody."""

    step: int
    contact: str
    channel: str
    at: datetime
    tries: int


#: How long a failed page waits before its next try: doubling, up to five minutes.
FIRST_RETRY = timedelta(seconds=15)
LONGEST_RETRY = timedelta(minutes=5)


def retry_after(tries: int) -> timedelta:
    """The wait before try number `tries + 1`."""
    return min(FIRST_RETRY * (1 << max(0, min(tries - 1, 16))), LONGEST_RETRY)


@dataclass(frozen=True)
class Alert:
    """One report's alert of one kind, and its ladder as planned when it was raised."""

    alert_id: uuid.UUID
    kind: AlertKind
    raised: CauseRef  # the AlertRaised event, which every later alert event derives from
    raised_at: datetime
    grade: int
    force_code: str | None
    route: str | None
    reference: str | None
    steps: tuple[tuple[str, ...], ...]
    wait: timedelta
    channels: tuple[str, ...] | None
    state: AlertState = AlertState.OPEN
    told: frozenset[int] = frozenset({0})
    acknowledgement: Acknowledgement | None = None
    resolved_at: datetime | None = None
    retries: tuple[PageRetry, ...] = ()

    @property
    def report_id(self) -> uuid.UUID:
        return self.raised.report_id

    @property
    def step(self) -> int:
        """The highest step told so far."""
        return max(self.told)

    def step_at(self, step: int) -> datetime:
        """When `step` is told unless somebody acknowledges first."""
        return self.raised_at + self.wait * step

    def escalates_at(self, step: int) -> datetime | None:
        """When the step after `step` is told; None at the top of the ladder."""
        return self.step_at(step + 1) if step + 1 < len(self.steps) else None

    def due_steps(self, now: datetime) -> list[int]:
        """Steps passed by `now` and not yet told, lowest first: a clock that jumped tells
        every step it skipped, in order; none twice (the store's guard sees to that)."""
        if self.state is not AlertState.OPEN:
            return []
        return [
            step
            for step in range(1, len(self.steps))
            if step not in self.told and self.step_at(step) <= now
        ]

    def due_retries(self, now: datetime) -> list[PageRetry]:
        """Failed pages whose next try is due, while the alert still needs somebody."""
        if self.state is not AlertState.OPEN:
            return []
        return [retry for retry in self.retries if retry.at <= now]

    def next_check_at(self) -> datetime | None:
        """When the ticker should look at this alert again (its next step, or a failed
        page's next try); None once nothing is left."""
        if self.state is not AlertState.OPEN:
            return None
        pending = [self.step_at(s) for s in range(1, len(self.steps)) if s not in self.told]
        return min([*pending, *(retry.at for retry in self.retries)], default=None)


@dataclass(frozen=True)
class Watch:
    """Who has a report, as far as alerting has learnt (for the unassigned alert): when it
    first became at risk, its newest assignment by `action_number` (0: none yet; a reroute
    counts as one, to the new team's queue), its newest close and reopening (by
    `action_number`), and the assignments an unassigned alert was raised after already."""

    report_id: uuid.UUID
    at_risk_at: datetime | None = None
    at_risk_grade: int | None = None
    at_risk_route: str | None = None
    at_risk_cause: CauseRef | None = None
    assignment: int = 0
    assignee: str | None = None
    unclaimed_since: datetime | None = None  # when a hand-back put it in the queue again
    unclaimed_cause: CauseRef | None = None  # that hand-back
    team: str | None = None  # the newest staff event's route (assigned or regraded)
    regraded_grade: int | None = None
    close_action: int = 0  # the newest ReportClosed's action number (0: never closed)
    reopen_action: int = 0  # the newest ReportReopened's
    raised_after: frozenset[int] = frozenset()

    @property
    def closed(self) -> bool:
        """The newest close is newer than the newest reopening."""
        return self.close_action > self.reopen_action

    @property
    def route(self) -> str | None:
        return self.team or self.at_risk_route

    @property
    def grade(self) -> int:
        return self.regraded_grade or self.at_risk_grade or 4

    @property
    def cause(self) -> CauseRef | None:
        """What an unassigned alert now would be caused by."""
        return self.unclaimed_cause if self.assignment else self.at_risk_cause

    def unassigned_due_at(self, wait: timedelta) -> datetime | None:
        """When nobody having claimed the report raises the unassigned alert; None while
        it is not at risk, is claimed, is closed, or was alerted on since its assignment."""
        if self.at_risk_at is None or self.closed or self.assignee is not None:
            return None
        if self.assignment in self.raised_after:
            return None
        since = max(self.at_risk_at, self.unclaimed_since or self.at_risk_at)
        return since + wait


def unassigned_alert_id(report_id: uuid.UUID, assignment: int) -> uuid.UUID:
    """The unassigned alert raised after `assignment` (0: never assigned, the contract's
    one id per report and kind; a report handed back to its queue can be alerted on again)."""
    first = alert_id_of(report_id, AlertKind.UNASSIGNED)
    return first if assignment == 0 else uuid.uuid5(first, f"after-assignment/{assignment}")


@dataclass(frozen=True)
class NoticeFacts:
    """What an assignment notice says: nothing of the reporter's, only the report's facts
    and who assigned it to whom."""

    report_id: uuid.UUID
    reference: str | None
    report_type: str | None
    grade: int | None
    team: str
    assigned_by: str
    assignee: str | None  # none: back in the team's queue
    assignee_unknown: bool = False  # the policy has no [staff] entry: their team is told
