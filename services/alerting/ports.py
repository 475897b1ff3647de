"""The alerting service's ports: what its use cases need from the world."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Protocol

from services.alerting.domain import Acknowledgement, Alert, NoticeFacts, Watch
from shared.errors import TransientError
from shared.events import (
    AlertAcknowledged,
    AlertEscalated,
    AlertRaised,
    AlertResolved,
    CauseRef,
)


@dataclass(frozen=True)
class ReportFacts:
    """What alerting has learnt of one report (never any of the reporter's personal data)."""

    report_id: uuid.UUID
    reference: str | None = None
    force_code: str | None = None
    grade: int | None = None
    route: str | None = None
    replied: bool = False
    report_type: str | None = None


class Claim(Enum):
    CLAIMED = "claimed"  # this process sends the page
    HELD = "held"  # another process is sending it
    FINISHED = "finished"  # it was sent (or given up) already


class PageInProgressError(TransientError):
    """Another process holds the claim on this page; try again once it has finished."""


class Alerts(Protocol):
    """Alerts, their ladders and pages, and the report facts they are raised from."""

    async def learn(self, facts: ReportFacts, sequence: int | None) -> ReportFacts:
        """Remember the non-empty facts (grade and route only from a newer `sequence`);
        returns the report's facts as they stand after."""

    async def report(self, report_id: uuid.UUID) -> ReportFacts | None: ...

    async def raise_alert(self, alert: Alert, event: AlertRaised) -> bool:
        """Store a new alert with its event; false if this alert exists already."""

    async def get(self, alert_id: uuid.UUID) -> Alert | None: ...

    async def of_report(self, report_id: uuid.UUID) -> list[Alert]: ...

    async def escalate(self, alert_id: uuid.UUID, step: int, event: AlertEscalated) -> bool:
        """Record a step as told, once, while the alert is open."""

    async def acknowledge(
        self, alert_id: uuid.UUID, acknowledgement: Acknowledgement, event: AlertAcknowledged
    ) -> bool:
        """Record the first acknowledgement of an open alert."""

    async def resolve(self, alert_id: uuid.UUID, at: datetime, event: AlertResolved) -> bool:
        """End an alert, once."""

    async def agenda(self) -> list[tuple[uuid.UUID, datetime]]:
        """Every open alert and when its next step falls."""

    async def open_alerts(self, limit: int) -> list[Alert]:
        """Alerts not yet resolved, newest first."""

    async def claim_page(self, alert_id: uuid.UUID, page: str, now: datetime) -> Claim: ...

    async def finish_page(self, alert_id: uuid.UUID, page: str, outcome: str) -> None:
        """Record a claimed page as sent, or refused for good."""

    async def retry_page(self, alert_id: uuid.UUID, page: Page, at: datetime) -> None:
        """Release a claimed page that failed for now, to be tried again at `at`."""


@dataclass(frozen=True)
class Page:
    """One message to one contact through one channel, for one step of an alert."""

    alert: Alert
    step: int
    contact: str
    channel: str
    reference: str | None

    @property
    def key(self) -> str:
        """Stable across retries, restarts and instances: the webhook's Idempotency-Key,
        the email's Message-ID, the stored page's name."""
        return f"{self.alert.alert_id}-{self.step}-{self.contact}-{self.channel}"


#: What a try at a page comes to: delivered, refused for good (a 4xx, no such address), or
#: failed for now (tried again later, `domain.retry_after`).
PAGE_OUTCOMES = ("sent", "failed_permanent", "failed_temporary")


class PageFailedError(Exception):
    """A channel could not deliver a page."""

    def __init__(self, reason: str, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


@dataclass(frozen=True)
class Notice:
    """One message about one ReportAssigned to one recipient (the assignee, or a contact
    of their team) through one channel."""

    notice_id: uuid.UUID  # the ReportAssigned event's id
    recipient: str  # a member of staff's user name, or a contact's name
    to_staff: bool
    channel: str
    facts: NoticeFacts

    @property
    def page(self) -> str:
        """The notice's name within its event: keys stored documents (no user names)."""
        return f"{'assignee' if self.to_staff else self.recipient}-{self.channel}"

    @property
    def key(self) -> str:
        """The email's Message-ID, the webhook's Idempotency-Key: the same on every try."""
        return f"{self.notice_id}-{self.page}"


class Pager(Protocol):
    """Delivers pages and notices through their channel; raises PageFailedError."""

    async def send(self, page: Page) -> None: ...

    async def notify(self, notice: Notice) -> None: ...


@dataclass(frozen=True)
class Assignment:
    """A ReportAssigned, as a watch remembers it."""

    action: int
    assignee: str | None  # a user name; none: back in the team's queue
    team: str
    at: datetime
    cause: CauseRef


class Watches(Protocol):
    """Who has each report (`Watch`), learnt from the SLA and staff events in any order."""

    async def watch(self, report_id: uuid.UUID) -> Watch | None: ...

    async def at_risk(
        self, report_id: uuid.UUID, at: datetime, grade: int, route: str | None, cause: CauseRef
    ) -> Watch:
        """Remember when the report became at risk: the earliest such event stands."""

    async def assigned(self, report_id: uuid.UUID, assignment: Assignment) -> Watch:
        """Remember an assignment unless a later staff action stands already."""

    async def regraded(self, report_id: uuid.UUID, action: int, grade: int, route: str) -> Watch:
        """Remember a regrade's grade and route unless later staff actions stand."""

    async def closed(self, report_id: uuid.UUID, action: int) -> Watch:
        """Remember a close unless a later close stands already."""

    async def reopened(self, report_id: uuid.UUID, action: int) -> Watch:
        """Remember a reopening unless a later reopening stands already."""

    async def alerted_after(self, report_id: uuid.UUID, assignment: int) -> None:
        """Record that the unassigned alert after `assignment` is raised (or not needed)."""

    async def waiting(self) -> list[Watch]:
        """Every watch at risk, unclaimed and open: the unassigned timers (for a resync)."""


class Notices(Protocol):
    """Assignment notices, each sent once whoever delivers its event and however often."""

    async def claim(self, notice_id: uuid.UUID, page: str, now: datetime) -> Claim: ...

    async def finish(self, notice_id: uuid.UUID, page: str, outcome: str) -> None: ...

    async def release(self, notice_id: uuid.UUID, page: str) -> None:
        """Let a notice that failed for now be claimed again (its event's redelivery)."""


class AlertMetrics(Protocol):
    """What alerting counts (`/metrics`)."""

    def raised(self, kind: str) -> None: ...

    def escalated(self, kind: str) -> None: ...

    def acknowledged(self, kind: str, seconds: float) -> None: ...

    def paged(self, channel: str, outcome: str) -> None: ...


#: The most alerts an operations view reads at once.
MAX_ALERTS = 1_000
