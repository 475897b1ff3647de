"""Classifier's use cases."""

from __future__ import annotations

import uuid
from typing import Protocol

from services.classifier import SERVICE
from services.classifier.domain import Assessment, assess
from shared.clock import Clock
from shared.events import ReportClassified, ReportSubmitted


class Assessments(Protocol):
    """Where assessments are kept, each with the events it caused."""

    async def record(
        self, report_id: uuid.UUID, assessment: Assessment, classified: ReportClassified
    ) -> None:
        """Store the first assessment of a report; a repeat changes nothing."""

    async def publish_pending(self, report_id: uuid.UUID) -> None:
        """Publish the report's events not yet acknowledged by Kafka."""


async def classify_report(
    submitted: ReportSubmitted, *, assessments: Assessments, clock: Clock
) -> ReportClassified:
    """Assess a submitted report and emit ReportClassified, once, however often redelivered."""
    assessment = assess(submitted)
    classified = ReportClassified.caused_by(
        submitted,
        producer=SERVICE,
        occurred_at=clock.now(),
        grade=assessment.grade,
        flags=list(assessment.flags),
        route=assessment.route,
        referral=assessment.referral,
        next_steps=assessment.next_steps,
        rules_version=assessment.rules_version,
        confidence=assessment.confidence,
        sequence=1,
    )
    await assessments.record(submitted.report_id, assessment, classified)
    await assessments.publish_pending(submitted.report_id)
    return classified
