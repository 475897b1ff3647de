"""The console's ports, faked: the read model (records and queue rows kept in memory), the
access log (entries in a list) and an authenticator that vouches for a given member of staff."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from fastapi import Request

from services.console.audit import AccessEntry
from services.console.records import QueueFilter, QueueRow, QueueState, ReportRecord
from services.console.roles import Staff
from shared.events import Event


class FakeReportViews:
    def __init__(self) -> None:
        self.records: dict[uuid.UUID, ReportRecord] = {}
        self.rows: dict[uuid.UUID, QueueRow] = {}
        self.reference_queries: list[list[str]] = []

    def add(
        self, record: ReportRecord, state: QueueState = "running", open_alerts: int = 0
    ) -> None:
        """Keep `record`, and its row in the queues in `state`."""
        self.records[record.report_id] = record
        self.rows[record.report_id] = QueueRow(
            report_id=record.report_id,
            reference=record.reference,
            report_type=record.report_type,
            channel=record.channel,
            force_code=record.force_code,
            grade=record.grade,
            route=record.route,
            received_at=record.received_at,
            due_at=None if record.sla is None else record.sla.due_at,
            state=state,
            warnings=[] if record.sla is None else list(record.sla.warnings),
            open_alerts=open_alerts,
        )

    async def apply(self, event: Event) -> bool:
        raise NotImplementedError("the API never folds events")

    async def report(self, report_id: uuid.UUID) -> ReportRecord | None:
        return self.records.get(report_id)

    async def by_reference(self, reference: str) -> ReportRecord | None:
        return next((r for r in self.records.values() if r.reference == reference), None)

    async def existing_references(self, candidates: Sequence[str]) -> list[str]:
        self.reference_queries.append(list(candidates))
        known = {r.reference for r in self.records.values()}
        return [c for c in candidates if c in known]

    async def by_contact(self, email: str | None, phone: str | None) -> list[ReportRecord]:
        def matches(record: ReportRecord) -> bool:
            contact = record.contact or {}
            return (email is not None and contact.get("email") == email) or (
                phone is not None and contact.get("phone") == phone
            )

        return [r for r in self.records.values() if matches(r)]

    async def queue(self, filters: QueueFilter, now: datetime, limit: int) -> list[QueueRow]:
        open_rows = [r for r in self.rows.values() if r.state not in ("met", "met_late")]
        return [r for r in open_rows if _passes(r, filters)][:limit]

    async def received_between(
        self, since: datetime, until: datetime, limit: int
    ) -> list[QueueRow]:
        rows = self.rows.values()
        return [r for r in rows if r.received_at and since <= r.received_at < until][:limit]


def _passes(row: QueueRow, filters: QueueFilter) -> bool:
    wanted = (
        (filters.teams, row.route),
        (filters.routes, row.route),
        (filters.grades, row.grade),
        (filters.report_types, row.report_type),
        (filters.channels, row.channel),
        (filters.states, row.state),
    )
    return all(allowed is None or value in allowed for allowed, value in wanted)


class FakeAccessLog:
    def __init__(self) -> None:
        self.recorded: list[AccessEntry] = []

    async def record(self, entry: AccessEntry) -> None:
        self.recorded.append(entry)

    async def entries(
        self, user_id: str | None, report_id: uuid.UUID | None, limit: int
    ) -> list[AccessEntry]:
        found = [
            e
            for e in reversed(self.recorded)
            if (user_id is None or e.user_id == user_id)
            and (report_id is None or e.report_id == report_id)
        ]
        return found[:limit]


class FakeAuthenticator:
    """Vouches for `staff` (None: nobody signed in); notes what it is told was refused."""

    def __init__(self, staff: Staff | None = None) -> None:
        self.staff = staff
        self.refusals: list[tuple[str, str]] = []

    async def staff_of(self, request: Request) -> Staff | None:
        return self.staff

    async def csrf_valid(self, request: Request) -> bool:
        return True

    async def denied(self, request: Request, staff: Staff, why: str) -> None:
        self.refusals.append((staff.user_id, why))
