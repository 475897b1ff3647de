"""Intake's report store, faked: `Reports` and `UpdateLog`, as `MongoReports` is both."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from services.intake.ports import (
    IdempotencyConflictError,
    ReportExistsError,
    ReportNotFoundError,
    StaffStanding,
    StoredReport,
    UpdateAdded,
)
from shared.events import ReportSubmitted, ReportUpdated
from tests.fakes import EventLog


@dataclass(frozen=True)
class _Update:
    number: int
    key: str | None
    fingerprint: str


class FakeReports(EventLog):
    def __init__(self) -> None:
        super().__init__()
        self.stored: dict[uuid.UUID, StoredReport] = {}
        self.updates: dict[uuid.UUID, list[_Update]] = {}

    async def add(
        self, submitted: ReportSubmitted, fingerprint: str, key_id: str | None = None
    ) -> None:
        if submitted.report_id in self.stored:  # inserted once
            raise ReportExistsError(self.stored[submitted.report_id])
        self.stored[submitted.report_id] = StoredReport(submitted, fingerprint, key_id)
        self.add_pending(submitted.report_id, [submitted])

    async def get(self, report_id: uuid.UUID) -> StoredReport | None:
        return self.stored.get(report_id)

    async def record_reference(self, report_id: uuid.UUID, reference: str) -> str | None:
        stored = self.stored.get(report_id)
        if stored is not None and stored.reference is None:  # the first stands
            self.stored[report_id] = stored = replace(stored, reference=reference)
        return None if stored is None else stored.reference

    async def record_reply(self, report_id: uuid.UUID, replied_at: datetime) -> None:
        stored = self.stored.get(report_id)
        if stored is not None and stored.replied_at is None:  # the first stands
            self.stored[report_id] = replace(stored, replied_at=replied_at)

    async def record_standing(
        self, report_id: uuid.UUID, standing: StaffStanding, *, neutral: bool
    ) -> None:
        stored = self.stored.get(report_id)
        if stored is None:
            return
        if neutral:  # once neutral, for good
            self.stored[report_id] = stored = replace(stored, neutral_wording=True)
        kept = stored.standing
        if kept is None or kept.action_number < standing.action_number:  # newer only
            self.stored[report_id] = replace(stored, standing=standing)

    async def report(self, report_id: uuid.UUID) -> StoredReport | None:
        return self.stored.get(report_id)

    async def append(
        self,
        report_id: uuid.UUID,
        event_for: Callable[[int], ReportUpdated],
        key: str | None,
        fingerprint: str,
    ) -> UpdateAdded:
        if report_id not in self.stored:
            raise ReportNotFoundError(str(report_id))
        updates = self.updates.setdefault(report_id, [])
        for earlier in updates:
            if key is not None and earlier.key == key:  # once per idempotency key
                if earlier.fingerprint != fingerprint:
                    raise IdempotencyConflictError(key)
                return UpdateAdded(earlier.number, repeated=True)
        updates.append(_Update(len(updates) + 1, key, fingerprint))
        event = event_for(len(updates))
        self.stored[report_id] = replace(self.stored[report_id], last_update_at=event.occurred_at)
        self.add_pending(report_id, [event])
        return UpdateAdded(len(updates), repeated=False)
