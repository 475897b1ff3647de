"""Intake's ports: what its use cases need from the world, the values they exchange and the
errors they raise."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from shared.events import NoFurtherActionReason, Outcome, ReportSubmitted, ReportUpdated


class IdempotencyConflictError(Exception):
    """The idempotency key was already used for a different submission."""


ReportStatus = Literal["received", "reference_issued", "replied"]

#: The kinds of staff action that change what the reporter's status page says.
StandingKind = Literal["information_requested", "closed", "reopened"]


@dataclass(frozen=True)
class StaffStanding:
    """The newest staff action that changes what the reporter is told (a question asked,
    the report closed or reopened), with what the page shows of it; `action_number` orders
    it, so an older action arriving late never replaces it."""

    kind: StandingKind
    action_number: int
    at: datetime
    question: str | None = None
    answer_by: datetime | None = None
    outcome: Outcome | None = None
    crime_reference: str | None = None
    reason_code: NoFurtherActionReason | None = None
    agency: str | None = None
    duplicate_of: str | None = None


@dataclass(frozen=True)
class StoredReport:
    """A report as intake keeps it: what was submitted and what it has learnt since."""

    submitted: ReportSubmitted
    fingerprint: str
    #: Id of the key that submitted it (see `Caller.key_id`); none before keys were kept.
    key_id: str | None = None
    reference: str | None = None
    replied_at: datetime | None = None
    #: The newest staff action the status page tells of; none before staff acted.
    standing: StaffStanding | None = None
    #: A staff message to the reporter was neutral (safe contact): so is the page, for good.
    neutral_wording: bool = False
    #: When information was last added to the report (an answer to a question, or not).
    last_update_at: datetime | None = None

    @property
    def status(self) -> ReportStatus:
        if self.replied_at is not None:
            return "replied"
        return "reference_issued" if self.reference is not None else "received"


class ReportExistsError(Exception):
    """A report with this id is already stored (a repeated idempotent submission)."""

    def __init__(self, existing: StoredReport) -> None:
        super().__init__(str(existing.submitted.report_id))
        self.existing = existing


class Reports(Protocol):
    """Where accepted reports are kept, each with its pending ReportSubmitted."""

    async def add(
        self, submitted: ReportSubmitted, fingerprint: str, key_id: str | None = None
    ) -> None:
        """Durably store the report, the id of the key that submitted it and its event in one
        write; ReportExistsError if its id is taken."""

    async def get(self, report_id: uuid.UUID) -> StoredReport | None: ...

    async def record_reference(self, report_id: uuid.UUID, reference: str) -> str | None:
        """Keep `reference` unless the report has one: the first stands. Returns the
        report's reference as it now is (None if there is no such report)."""

    async def record_reply(self, report_id: uuid.UUID, replied_at: datetime) -> None:
        """Remember when the first reply reached the reporter."""

    async def record_standing(
        self, report_id: uuid.UUID, standing: StaffStanding, *, neutral: bool
    ) -> None:
        """Keep `standing` unless the report has a newer one (by `action_number`); `neutral`
        marks the report's wording neutral for good, whatever the order of arrival."""


@dataclass(frozen=True)
class UpdateAdded:
    """The number the update got (or had, when it was a repeat)."""

    update_number: int
    repeated: bool


@dataclass(frozen=True)
class InformationAdded:
    """What adding information did: the update's number (or the number it had, for a
    repeat), and the language of the report's replies, which its giver is answered in."""

    update_number: int
    repeated: bool
    language: str


class ReportNotFoundError(Exception):
    """No report with this id, or none this caller may add to: the two are answered alike,
    so a key cannot learn which ids exist."""


class ReportClosedError(Exception):
    """The report is closed: its reporter cannot add to it on the status page."""


class UpdateLog(Protocol):
    """Appends numbered updates to reports, each with its event, in one write."""

    async def report(self, report_id: uuid.UUID) -> StoredReport | None: ...

    async def append(
        self,
        report_id: uuid.UUID,
        event_for: Callable[[int], ReportUpdated],
        key: str | None,
        fingerprint: str,
    ) -> UpdateAdded:
        """Append the event of the next number (and keep when it was added), unless `key`
        was used already: then the earlier update (same fingerprint) or
        IdempotencyConflictError (another body)."""
