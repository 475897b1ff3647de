"""The classifier's ports: what its use cases need from the world, and what they return."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from services.classifier.domain import Assessment, ModelVerdict
from shared.events import ReportClassified, ReportSubmitted, ReportUpdated


@dataclass(frozen=True)
class ReportFacts:
    """What the classifier knows of a report: the report, its updates, its last sequence."""

    report: ReportSubmitted | None
    updates: tuple[ReportUpdated, ...]
    sequence: int


class Assessments(Protocol):
    """Where reports, their updates and their assessments are kept."""

    async def remember_report(self, submitted: ReportSubmitted) -> ReportFacts | None:
        """Keep the report; the facts as they then stand (one round trip, not two)."""

    async def remember_update(self, updated: ReportUpdated) -> ReportFacts | None:
        """Keep the update; the facts as they then stand."""

    async def facts(self, report_id: uuid.UUID) -> ReportFacts | None: ...

    async def record(
        self, report_id: uuid.UUID, assessment: Assessment, classified: ReportClassified
    ) -> None:
        """Store an assessment with its event, unless one with this sequence or later is."""


class EmergencyModel(Protocol):
    """The learned safety net: how alarming a report's text reads."""

    async def verdict(self, text: str) -> ModelVerdict: ...
