"""Builders of valid events and submissions, with overridable fields."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from shared.events import (
    Contact,
    ContactMethod,
    ReferenceIssued,
    ReplyDelivered,
    ReplyKind,
    ReportClassified,
    ReportSubmitted,
    ReportType,
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


def submission_body(**overrides: Any) -> dict[str, Any]:
    """A valid `POST /v1/reports` body."""
    body: dict[str, Any] = {
        "report_type": "crime",
        "description": "My bike was stolen from outside the library this morning.",
        "contact": {
            "name": "Alex Example",
            "email": "alex@example.org",
            "preferred_channel": "email",
        },
    }
    return body | overrides
