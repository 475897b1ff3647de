"""Builders of valid staff events (the console's commands, as facts) and of the clock's
pauses, with overridable fields."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, TypeVar

from shared.events import (
    Assignee,
    ContactRecorded,
    ContactWay,
    InformationRequested,
    NoteAdded,
    Outcome,
    PausedBecause,
    ReplyRequested,
    ReportAssigned,
    ReportClosed,
    ReportRegraded,
    ReportReopened,
    ReportSubmitted,
    ResumedBecause,
    SlaPaused,
    SlaResumed,
    StaffAction,
    StaffActor,
    StaffMessage,
)
from shared.events.staff import STATUS_LINK_MARKER
from tests.factories import NOW

Action = TypeVar("Action", bound=StaffAction)

OPERATOR = StaffActor(user_id="sub-operator", username="operator", role="operator")
SUPERVISOR = StaffActor(user_id="sub-supervisor", username="supervisor", role="supervisor")


def staff_event(
    kind: type[Action],
    submitted: ReportSubmitted,
    number: int = 1,
    *,
    actor: StaffActor = OPERATOR,
    at: datetime = NOW,
    key: str | None = None,
    **fields: Any,
) -> Action:
    """`kind` of `submitted`'s report, as the console makes it for one request."""
    return kind.by(
        actor,
        report_id=submitted.report_id,
        correlation_id=submitted.correlation_id,
        idempotency_key=key or str(uuid.uuid4()),
        action_number=number,
        occurred_at=at,
        producer="console",
        **fields,
    )


def message(**overrides: Any) -> StaffMessage:
    fields: dict[str, Any] = {
        "request_id": uuid.uuid4(),
        "template": "crime.update",
        "language": "en",
        "neutral": False,
        "subject": "Your report",
        "body": "Dear Alex Example,\n\nWe are looking into your report.\n\nTest Police",
    }
    return StaffMessage(**(fields | overrides))


def report_claimed(submitted: ReportSubmitted, number: int = 1, **kw: Any) -> ReportAssigned:
    actor: StaffActor = kw.pop("actor", OPERATOR)
    return staff_event(
        ReportAssigned,
        submitted,
        number,
        actor=actor,
        team=kw.pop("team", "crime_bureau"),
        assignee=Assignee(user_id=actor.user_id, username=actor.username),
        claimed=True,
        **kw,
    )


def contact_recorded(submitted: ReportSubmitted, number: int = 1, **kw: Any) -> ContactRecorded:
    fields: dict[str, Any] = {
        "way": ContactWay.PHONE_CALL,
        "reached": True,
        "contacted_at": kw.get("at", NOW),
        "note": "Spoke to the reporter; they will send photos.",
    }
    return staff_event(ContactRecorded, submitted, number, **(fields | kw))


def reply_requested(submitted: ReportSubmitted, number: int = 1, **kw: Any) -> ReplyRequested:
    return staff_event(
        ReplyRequested, submitted, number, message=kw.pop("message", message()), **kw
    )


def information_requested(
    submitted: ReportSubmitted, number: int = 1, **kw: Any
) -> InformationRequested:
    body = f"Dear Alex Example,\n\nPlease tell us more: {STATUS_LINK_MARKER}\n\nTest Police"
    fields: dict[str, Any] = {
        "question": "Which way did they go?",
        "message": message(template="crime.more_information", body=body),
        "answer_by": kw.get("at", NOW) + timedelta(days=5),
    }
    return staff_event(InformationRequested, submitted, number, **(fields | kw))


def report_regraded(submitted: ReportSubmitted, number: int = 1, **kw: Any) -> ReportRegraded:
    fields: dict[str, Any] = {
        "grade": 2,
        "route": "crime_bureau",
        "previous_grade": 3,
        "previous_route": "crime_bureau",
        "reason": "The suspect lives next door to the reporter.",
    }
    return staff_event(ReportRegraded, submitted, number, **(fields | kw))


def report_closed(submitted: ReportSubmitted, number: int = 1, **kw: Any) -> ReportClosed:
    fields: dict[str, Any] = {
        "outcome": Outcome.CRIME_RECORDED,
        "crime_reference": "CR/12345/26",
        "reply": message(template="outcome.crime_recorded"),
    }
    return staff_event(ReportClosed, submitted, number, **(fields | kw))


def report_reopened(submitted: ReportSubmitted, number: int = 1, **kw: Any) -> ReportReopened:
    fields: dict[str, Any] = {"reason": "The reporter called with new evidence."}
    return staff_event(ReportReopened, submitted, number, actor=SUPERVISOR, **(fields | kw))


def note_added(submitted: ReportSubmitted, number: int = 1, **kw: Any) -> NoteAdded:
    fields: dict[str, Any] = {"text": "Checked the CCTV log: nothing recorded."}
    return staff_event(NoteAdded, submitted, number, **(fields | kw))


def sla_paused(cause: InformationRequested, at: datetime = NOW) -> SlaPaused:
    return SlaPaused.caused_by(
        cause,
        producer="sla_watchdog",
        occurred_at=at,
        paused_at=at,
        because=PausedBecause.INFORMATION_REQUESTED,
        request_id=cause.message.request_id,
        resume_by=cause.answer_by,
    )


def sla_resumed(
    cause: Any, due_at: datetime, paused_seconds: float, at: datetime = NOW
) -> SlaResumed:
    return SlaResumed.caused_by(
        cause,
        producer="sla_watchdog",
        occurred_at=at,
        resumed_at=at,
        because=ResumedBecause.REPORTER_ANSWERED,
        paused_seconds=paused_seconds,
        due_at=due_at,
    )
