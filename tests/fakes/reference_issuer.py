"""The reference issuer's store, faked."""

from __future__ import annotations

import uuid
from datetime import date

from pymongo.errors import DuplicateKeyError

from shared.events import ReferenceIssued
from tests.fakes import EventLog


class FakeReferences(EventLog):
    def __init__(self) -> None:
        super().__init__()
        self.by_report: dict[uuid.UUID, str] = {}
        self.holders: dict[str, uuid.UUID] = {}  # reference -> the report holding it
        self.sequences: dict[tuple[str, date], int] = {}

    async def issued_to(self, report_id: uuid.UUID) -> str | None:
        return self.by_report.get(report_id)

    async def next_sequence(self, force_code: str, day: date) -> int:
        key = (force_code, day)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        return self.sequences[key]

    async def assign(self, issued: ReferenceIssued) -> str:
        if issued.report_id in self.by_report:  # inserted once
            return self.by_report[issued.report_id]
        if issued.reference in self.holders:  # as the unique index refuses it
            raise DuplicateKeyError("the reference is another report's")
        self.by_report[issued.report_id] = issued.reference
        self.holders[issued.reference] = issued.report_id
        self.add_pending(issued.report_id, [issued])
        return issued.reference
