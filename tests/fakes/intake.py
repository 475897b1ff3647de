"""Intake's report store, faked."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from services.intake.ports import ReportExistsError, StoredReport
from shared.events import (
    ReportSubmitted,
)
from tests.fakes import EventLog


class FakeReports(EventLog):
    def __init__(self) -> None:
        super().__init__()
        self.stored: dict[uuid.UUID, StoredReport] = {}

    async def add(
        self, submitted: ReportSubmitted, fingerprint: str, key_id: str | None = None
    ) -> None:
        if submitted.report_id in self.stored:
            raise ReportExistsError(self.stored[submitted.report_id])
        self.stored[submitted.report_id] = StoredReport(submitted, fingerprint, key_id)
        self.add_pending(submitted.report_id, [submitted])

    async def get(self, report_id: uuid.UUID) -> StoredReport | None:
        return self.stored.get(report_id)

    async def record_reference(self, report_id: uuid.UUID, reference: str) -> str | None:
        stored = self.stored.get(report_id)
        if stored is None:
            return None
        if stored.reference is None:
            self.stored[report_id] = stored = replace(stored, reference=reference)
        return stored.reference

    async def record_reply(self, report_id: uuid.UUID, replied_at: datetime) -> None:
        stored = self.stored[report_id]
        self.stored[report_id] = replace(stored, replied_at=stored.replied_at or replied_at)
