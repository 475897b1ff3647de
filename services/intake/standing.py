"""What the reporter is told of what staff did: a question waiting for their answer, the
report's outcome once closed, the report open again once reopened.

Intake keeps the newest of those staff actions on the report (`StaffStanding`, ordered by
`action_number`) and works out from it, the report's updates and the time what the
status page and the JSON status both show (`ReporterView`): one rule for both.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from services.intake.ports import ReportStatus, StaffStanding, StoredReport
from shared.events import (
    Contact,
    InformationRequested,
    NoFurtherActionReason,
    Outcome,
    ReportClosed,
    ReportReopened,
    neutral_wording_required,
)

#: The staff actions the status page tells of.
StandingAction = InformationRequested | ReportClosed | ReportReopened

#: Where the report stands for its reporter.
ReportState = Literal["open", "awaiting_answer", "closed"]


def standing_of(action: StandingAction) -> StaffStanding:
    """The facts of `action` the status page shows, and nothing else of it."""
    if isinstance(action, InformationRequested):
        return StaffStanding(
            kind="information_requested",
            action_number=action.action_number,
            at=action.occurred_at,
            question=action.question,
            answer_by=action.answer_by,
        )
    if isinstance(action, ReportClosed):
        return StaffStanding(
            kind="closed",
            action_number=action.action_number,
            at=action.occurred_at,
            outcome=action.outcome,
            crime_reference=action.crime_reference,
            reason_code=action.reason_code,
            agency=action.agency,
            duplicate_of=action.duplicate_of,
        )
    return StaffStanding(kind="reopened", action_number=action.action_number, at=action.occurred_at)


def neutral_action(action: StandingAction, contact: Contact | None) -> bool:
    """Whether staff wrote to the reporter in neutral words (safe contact). A closure with
    no outcome message to a reporter who gave contact details is taken as neutral too:
    staff found no safe way to tell them."""
    if isinstance(action, InformationRequested):
        return action.message.neutral
    if isinstance(action, ReportClosed):
        return action.reply.neutral if action.reply is not None else contact is not None
    return False


@dataclass(frozen=True)
class ReporterView:
    """What the reporter may see of their report, in neutral form where contact must be
    safe: then a closed report's outcome is not told (`outcome` and its details are none)."""

    report_id: uuid.UUID
    language: str
    status: ReportStatus
    state: ReportState
    received_at: datetime
    reference: str | None
    reply_expected: bool
    replied_at: datetime | None
    neutral_wording: bool
    reopened: bool
    question: str | None = None
    answer_by: datetime | None = None
    outcome: Outcome | None = None
    crime_reference: str | None = None
    reason_code: NoFurtherActionReason | None = None
    agency: str | None = None
    duplicate_of: str | None = None


def is_neutral(stored: StoredReport) -> bool:
    """Neutral wording: the reporter limited when to be contacted, or staff wrote neutrally.
    (Intake learns no classification, so the assessment's flag reaches it only that way.)"""
    return stored.neutral_wording or neutral_wording_required((), stored.submitted.contact)


def awaits_answer(stored: StoredReport, now: datetime) -> bool:
    """Staff wait on the reporter: a question asked, not answered by any information added
    since, and its date to answer by not yet passed."""
    standing = stored.standing
    if standing is None or standing.kind != "information_requested":
        return False
    answered = stored.last_update_at is not None and stored.last_update_at >= standing.at
    return not answered and (standing.answer_by is None or now < standing.answer_by)


def state_of(stored: StoredReport, now: datetime) -> ReportState:
    if stored.standing is not None and stored.standing.kind == "closed":
        return "closed"
    return "awaiting_answer" if awaits_answer(stored, now) else "open"


def reporter_view(stored: StoredReport, now: datetime) -> ReporterView:
    """The report as its reporter sees it at `now`."""
    submitted, standing, neutral = stored.submitted, stored.standing, is_neutral(stored)
    state = state_of(stored, now)
    view = ReporterView(
        report_id=submitted.report_id,
        language="en" if submitted.contact is None else submitted.contact.language,
        status=stored.status,
        state=state,
        received_at=submitted.received_at,
        reference=stored.reference,
        reply_expected=submitted.contact is not None,
        replied_at=stored.replied_at,
        neutral_wording=neutral,
        reopened=standing is not None and standing.kind == "reopened",
    )
    if standing is None or (state == "closed" and neutral):
        return view
    if state == "awaiting_answer":
        return replace(view, question=standing.question, answer_by=standing.answer_by)
    if state == "closed":
        return replace(
            view,
            outcome=standing.outcome,
            crime_reference=standing.crime_reference,
            reason_code=standing.reason_code,
            agency=standing.agency,
            duplicate_of=standing.duplicate_of,
        )
    return view
