"""The reference issuer's store, faked."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime

from pymongo.errors import DuplicateKeyError

from services.reference_issuer.ports import ReferenceRecord
from shared.events import (
    ReferenceIssued,
    ReportSubmitted,
)
from shared.references import Reference
from tests.fakes import EventLog


class FakeReferences(EventLog):
    def __init__(self) -> None:
        super().__init__()
        self.by_report: dict[uuid.UUID, str] = {}
        self.records: dict[str, ReferenceRecord] = {}
        self.sequences: dict[tuple[str, date], int] = {}

    async def issued_to(self, report_id: uuid.UUID) -> str | None:
        return self.by_report.get(report_id)

    async def next_sequence(self, force_code: str, day: date) -> int:
        key = (force_code, day)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        return self.sequences[key]

    async def assign(self, issued: ReferenceIssued, submitted: ReportSubmitted) -> str:
        if issued.report_id in self.by_report:  # inserted once
            return self.by_report[issued.report_id]
        if issued.reference in self.records:  # as the unique index refuses it
            raise DuplicateKeyError("the reference is another report's")
        self.by_report[issued.report_id] = issued.reference
        self.records[issued.reference] = ReferenceRecord(
            issued.reference,
            issued.report_id,
            submitted.report_type.value,
            submitted.received_at,
            issued.issued_at,
            None,
        )
        self.add_pending(issued.report_id, [issued])
        return issued.reference

    async def record_reply(self, report_id: uuid.UUID, replied_at: datetime) -> None:
        record = self.records.get(self.by_report.get(report_id, ""))
        if record is not None and record.replied_at is None:  # the first stands
            self.records[record.reference] = replace(record, replied_at=replied_at)

    async def find(self, reference: Reference) -> ReferenceRecord | None:
        return self.records.get(str(reference))
