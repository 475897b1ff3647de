"""Builders of valid events and submissions, with overridable fields."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.events import (
    Contact,
    ContactMethod,
    ReferenceIssued,
    ReplyDelivered,
    ReplyFailed,
    ReplyKind,
    ReplySent,
    ReportClassified,
    ReportSubmitted,
    ReportType,
    ReportUpdated,
    SlaAtRisk,
    SlaBreached,
    SlaMet,
    SlaTargetSet,
    SlaThresholdMark,
)

NOW = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)


def contact(**overrides: Any) -> Contact:
    fields: dict[str, Any] = {
        "name": "Alex Example",
        "email": "alex@example.org",
        "phone": "+447700900123",
        "preferred_channel": ContactMethod.EMAIL,
        "language": "en",
    }
    return Contact(**(fields | overrides))


def report_submitted(**overrides: Any) -> ReportSubmitted:
    event_id = uuid.uuid4()
    fields: dict[str, Any] = {
        "event_id": event_id,
        "occurred_at": NOW,
        "report_id": uuid.uuid4(),
        "correlation_id": event_id,
        "producer": "intake",
        "force_code": "LP",
        "report_type": ReportType.CRIME,
        "channel": "web",
        "received_at": NOW,
        "description": "Someone took my bicycle from the rack outside the library.",
        "happening_now": False,
        "someone_in_danger": False,
        "contact": contact(),
    }
    return ReportSubmitted(**(fields | overrides))


def report_classified(submitted: ReportSubmitted, **overrides: Any) -> ReportClassified:
    fields: dict[str, Any] = {
        "grade": 3,
        "route": "crime_bureau",
        "next_steps": "crime",
        "rules_version": "test",
        "confidence": 0.9,
    }
    return ReportClassified.caused_by(
        submitted, producer="classifier", occurred_at=NOW, **(fields | overrides)
    )


def reference_issued(submitted: ReportSubmitted, reference: str) -> ReferenceIssued:
    return ReferenceIssued.caused_by(
        submitted,
        producer="reference_issuer",
        occurred_at=NOW,
        reference=reference,
        force_code=submitted.force_code,
        issued_at=NOW,
    )


def reply_delivered(submitted: ReportSubmitted, at: datetime = NOW) -> ReplyDelivered:
    return ReplyDelivered.caused_by(
        submitted,
        producer="notifier",
        occurred_at=at,
        discriminator=ReplyKind.ACKNOWLEDGEMENT.value,
        reply_kind=ReplyKind.ACKNOWLEDGEMENT,
        channel=ContactMethod.EMAIL,
        delivered_at=at,
    )


def report_updated(submitted: ReportSubmitted, number: int = 1, **overrides: Any) -> ReportUpdated:
    fields: dict[str, Any] = {
        "update_number": number,
        "information": "I have remembered the bicycle's frame number.",
        "happening_now": False,
        "someone_in_danger": False,
    }
    return ReportUpdated.caused_by(
        submitted,
        producer="intake",
        occurred_at=NOW + timedelta(minutes=number),
        discriminator=str(number),
        **(fields | overrides),
    )


def reply_sent(
    submitted: ReportSubmitted,
    at: datetime = NOW,
    channel: ContactMethod = ContactMethod.EMAIL,
    **overrides: Any,
) -> ReplySent:
    by_email = channel is ContactMethod.EMAIL
    fields: dict[str, Any] = {
        "reply_kind": ReplyKind.ACKNOWLEDGEMENT,
        "channel": channel,
        "provider_message_id": f"{channel.value}-1",
        "receipts_expected": True,
        "subject": "Your report LP-20261130-000001-G" if by_email else None,
        "body": "Dear Alex Example, thank you for your report LP-20261130-000001-G.",
    }
    fields |= overrides
    return ReplySent.caused_by(
        submitted,
        producer="notifier",
        occurred_at=at,
        discriminator=f"{fields['reply_kind'].value}.{channel.value}",
        **fields,
    )


def reply_failed(
    submitted: ReportSubmitted,
    at: datetime = NOW,
    channel: ContactMethod | None = ContactMethod.SMS,
    **overrides: Any,
) -> ReplyFailed:
    fields: dict[str, Any] = {
        "reply_kind": ReplyKind.ACKNOWLEDGEMENT,
        "channel": channel,
        "permanent": True,
        "final": channel is None,
        "reason": "provider says permanent-failure",
    }
    where = "none" if channel is None else channel.value
    return ReplyFailed.caused_by(
        submitted,
        producer="notifier",
        occurred_at=at,
        discriminator=f"acknowledgement.{where}.failed",
        **(fields | overrides),
    )


def sla_target_set(
    submitted: ReportSubmitted,
    version: int = 0,
    due_in: timedelta = timedelta(hours=24),
    **overrides: Any,
) -> SlaTargetSet:
    """A target of `version`, due `due_in` after receipt, warned at half and three quarters."""
    start = submitted.received_at
    marks = [("50%", due_in / 2), ("75%", due_in * 3 / 4), ("breach", due_in)]
    fields: dict[str, Any] = {
        "started_at": start,
        "due_at": start + due_in,
        "grade": None if version == 0 else 3,
        "target_version": version,
        "thresholds": [SlaThresholdMark(name=name, at=start + after) for name, after in marks],
        "route": None if version == 0 else "crime_bureau",
        "force_code": submitted.force_code,
    }
    return SlaTargetSet.caused_by(
        submitted,
        producer="sla_watchdog",
        occurred_at=start + timedelta(seconds=version),
        discriminator=str(version),
        **(fields | overrides),
    )


def sla_at_risk(submitted: ReportSubmitted, **overrides: Any) -> SlaAtRisk:
    fields: dict[str, Any] = {"threshold": "75%", "due_at": NOW, "grade": 1}
    fields |= {"route": "crime_bureau", "force_code": "LP"}
    return SlaAtRisk.caused_by(
        submitted, producer="sla_watchdog", occurred_at=NOW, **(fields | overrides)
    )


def sla_breached(submitted: ReportSubmitted, **overrides: Any) -> SlaBreached:
    fields: dict[str, Any] = {"due_at": NOW, "grade": 1, "route": "crime_bureau"}
    fields |= {"force_code": "LP"}
    return SlaBreached.caused_by(
        submitted, producer="sla_watchdog", occurred_at=NOW, **(fields | overrides)
    )


def sla_met(submitted: ReportSubmitted, late: bool = True) -> SlaMet:
    return SlaMet.caused_by(
        submitted,
        producer="sla_watchdog",
        occurred_at=NOW,
        started_at=NOW,
        stopped_at=NOW,
        due_at=NOW,
        elapsed_seconds=0,
        late=late,
    )


def submission_body(**overrides: Any) -> dict[str, Any]:
    """A valid `POST /v1/reports` body (a theft)."""
    body: dict[str, Any] = {
        "report_type": "crime",
        "description": "My bike was stolen from outside the library this morning.",
        "answers": {"crime_kind": "theft", "location": "Library, Granby Street, Leicester"},
        "contact": {
            "name": "Alex Example",
            "email": "alex@example.org",
            "preferred_channel": "email",
        },
    }
    return body | overrides


#: A valid body of every report type, for tests that go through the whole catalogue.
SUBMISSION_ANSWERS: dict[str, dict[str, Any]] = {
    "crime": {"crime_kind": "theft", "location": "Granby Street"},
    "road_traffic_collision": {
        "occurred_at": "2026-11-30T08:15:00Z",
        "location": "A6 at the London Road junction",
        "vehicles": [{"registration": "ab12 cde", "reporters_vehicle": True}],
        "injuries": False,
        "other_driver_stopped": True,
    },
    "fraud": {
        "amount_lost_gbp": 250.0,
        "payment_method": "bank_transfer",
        "first_contact": "A text claiming to be from my bank",
    },
    "lost_or_stolen_vehicle": {
        "registration": "AB12CDE",
        "status": "stolen",
        "make": "Ford",
        "colour": "Blue",
        "last_seen_at": "2026-11-29T22:00:00Z",
        "last_seen_location": "Outside 12 High Street",
    },
    "anti_social_behaviour": {"category": "noise", "location": "Park Road"},
    "missing_person": {
        "person_name": "Sam Example",
        "age": 15,
        "appearance": "Slim, 5ft 6, black hoodie and jeans",
        "last_seen_at": "2026-11-30T07:30:00Z",
        "last_seen_location": "Bus station",
    },
    "lost_or_found_property": {
        "lost_or_found": "lost",
        "item_category": "phone",
        "item_description": "Black phone in a red case",
        "location": "Number 14 bus",
    },
    "feedback": {"kind": "thanks"},
}


def submission_of(report_type: str, **overrides: Any) -> dict[str, Any]:
    """A valid body of the given report type."""
    defaults = {"report_type": report_type, "answers": SUBMISSION_ANSWERS[report_type]}
    return submission_body(**(defaults | overrides))
