"""The classifier's assessment store, faked."""

from __future__ import annotations

import uuid

from services.classifier.domain import Assessment, ModelVerdict
from services.classifier.ports import ReportFacts as ClassifierFacts
from shared.events import (
    ReportClassified,
    ReportSubmitted,
    ReportUpdated,
)
from tests.fakes import EventLog


class FakeAssessments(EventLog):
    def __init__(self) -> None:
        super().__init__()
        self.recorded: dict[uuid.UUID, Assessment] = {}
        self.reports: dict[uuid.UUID, ReportSubmitted] = {}
        self.updates: dict[uuid.UUID, dict[int, ReportUpdated]] = {}
        self.sequences: dict[uuid.UUID, int] = {}

    async def remember_report(self, submitted: ReportSubmitted) -> ClassifierFacts | None:
        self.reports[submitted.report_id] = submitted
        return await self.facts(submitted.report_id)

    async def remember_update(self, updated: ReportUpdated) -> ClassifierFacts | None:
        self.updates.setdefault(updated.report_id, {})[updated.update_number] = updated
        return await self.facts(updated.report_id)

    async def facts(self, report_id: uuid.UUID) -> ClassifierFacts | None:
        if report_id not in self.reports and report_id not in self.updates:
            return None
        updates = self.updates.get(report_id, {})
        return ClassifierFacts(
            self.reports.get(report_id),
            tuple(updates[number] for number in sorted(updates)),
            self.sequences.get(report_id, 0),
        )

    async def record(
        self, report_id: uuid.UUID, assessment: Assessment, classified: ReportClassified
    ) -> None:
        if await self.facts(report_id) is None:
            return  # no report document to record it in
        if self.sequences.get(report_id, 0) < classified.sequence:  # newer sequence only
            self.sequences[report_id] = classified.sequence
            self.recorded[report_id] = assessment
            self.add_pending(report_id, [classified])


class FakeEmergencyModel:
    """The safety net, faked: a score per text it is told about, 0.0 for any other."""

    def __init__(self, scores: dict[str, float] | None = None) -> None:
        self.scores = scores or {}
        self.texts: list[str] = []

    async def verdict(self, text: str) -> ModelVerdict:
        self.texts.append(text)
        return ModelVerdict("fake-model", self.scores.get(text, 0.0), low=0.3, high=0.8)
