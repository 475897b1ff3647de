"""Intake's use cases."""

from __future__ import annotations

import uuid
from typing import Protocol

from services.intake import SERVICE
from services.intake.domain import ReportSubmission
from shared.clock import Clock
from shared.events import Channel, Contact, ReportSubmitted


class Reports(Protocol):
    """Where accepted reports are kept, each with its pending ReportSubmitted."""

    async def add(self, submitted: ReportSubmitted) -> None:
        """Durably store the report and its event in one write."""

    async def publish_pending(self, report_id: uuid.UUID) -> None:
        """Publish the report's events not yet acknowledged by Kafka."""


async def submit_report(
    submission: ReportSubmission,
    *,
    channel: Channel,
    force_code: str,
    reports: Reports,
    clock: Clock,
) -> ReportSubmitted:
    """Accept a report: once this returns, the report and its event are durable."""
    now = clock.now()
    event_id = uuid.uuid4()
    contact = submission.contact
    submitted = ReportSubmitted(
        event_id=event_id,
        occurred_at=now,
        report_id=uuid.uuid4(),
        correlation_id=event_id,
        producer=SERVICE,
        force_code=force_code,
        report_type=submission.report_type,
        channel=channel,
        received_at=now,
        description=submission.description,
        happening_now=submission.happening_now,
        someone_in_danger=submission.someone_in_danger,
        answers=submission.answers,
        contact=None if contact is None else Contact(**contact.model_dump()),
    )
    await reports.add(submitted)
    return submitted
