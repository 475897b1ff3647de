"""The console's read model, faked: each report's events in memory, folded when read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from services.console.domain import fold, queue_row, shown_grade
from services.console.ports import MAX_ROWS
from services.console.records import QueueFilter, QueueRow, ReportRecord
from services.console.reporting import queue_order
from shared.events import Event


class FakeReportViews:
    """`ReportViews` in memory, with the rules of `MongoReportViews`."""

    def __init__(self) -> None:
        self.events: dict[uuid.UUID, dict[uuid.UUID, Event]] = {}

    async def apply(self, event: Event) -> bool:
        known = self.events.setdefault(event.report_id, {})
        if event.event_id in known:
            return False
        known[event.event_id] = event
        return True

    def _records(self) -> list[ReportRecord]:
        return [fold(events.values()) for _, events in sorted(self.events.items())]

    async def report(self, report_id: uuid.UUID) -> ReportRecord | None:
        events = self.events.get(report_id)
        return None if not events else fold(events.values())

    async def by_reference(self, reference: str) -> ReportRecord | None:
        return next((r for r in self._records() if r.reference == reference), None)

    async def existing_references(self, candidates: Sequence[str]) -> list[str]:
        known = {record.reference for record in self._records()}
        return [candidate for candidate in candidates if candidate in known]

    async def by_contact(self, email: str | None, phone: str | None) -> list[ReportRecord]:
        def matches(record: ReportRecord) -> bool:
            contact = record.contact or {}
            given = {str(contact.get(f) or "").lower() for f in ("email", "phone")} - {""}
            return any(value and value.lower() in given for value in (email, phone))

        return [record for record in self._records() if matches(record)][:MAX_ROWS]

    async def queue(self, filters: QueueFilter, now: datetime, limit: int) -> list[QueueRow]:
        rows = [queue_row(record, now) for record in self._records() if _kept(record, filters)]
        if filters.states is not None:
            rows = [row for row in rows if row.state in filters.states]
            return sorted(rows, key=_stored_order)[:limit]
        rows = [row for row in rows if row.state not in {"met", "met_late"}]
        return queue_order(rows, now)[:limit]

    async def received_between(
        self, since: datetime, until: datetime, limit: int
    ) -> list[QueueRow]:
        rows = [
            queue_row(record, until)
            for record in self._records()
            if record.received_at is not None and since <= record.received_at < until
        ]
        return sorted(rows, key=lambda row: (row.received_at, str(row.report_id)))[:limit]


def _kept(record: ReportRecord, filters: QueueFilter) -> bool:
    routes = filters.teams
    if filters.routes is not None:
        routes = filters.routes if routes is None else routes & filters.routes
    wanted = (
        (routes, record.route),
        (filters.grades, shown_grade(record)),
        (filters.report_types, record.report_type),
        (filters.channels, record.channel),
    )
    return all(values is None or value in values for values, value in wanted)


def _stored_order(row: QueueRow) -> tuple[int, str, str, str]:
    group = {"new": 1, "no_clock": 2}.get(row.state, 0)
    due = "" if row.due_at is None else row.due_at.isoformat()
    received = "" if row.received_at is None else row.received_at.isoformat()
    return (group, due, received, str(row.report_id))
