"""The console's ports, faked: the read model (events folded as `MongoReportViews` folds
them, or records given by the test), the access log and an authenticator that vouches for
a given member of staff."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from fastapi import Request

from services.console.adapters import queue_fields
from services.console.audit import AccessAction, AccessEntry
from services.console.audit_trail import access_recorded, to_milliseconds
from services.console.domain import fold, queue_row, shown_grade
from services.console.ports import MAX_ROWS
from services.console.records import QueueFilter, QueueRow, QueueState, ReportRecord
from services.console.reporting import queue_group, queue_order
from services.console.roles import Staff
from shared.events import Event, ReportClosed
from tests.fakes import EventLog


class FakeReportViews:
    """`ReportViews` in memory, with the rules of `MongoReportViews`."""

    def __init__(self) -> None:
        self.events: dict[uuid.UUID, dict[uuid.UUID, Event]] = {}
        self.linked: dict[uuid.UUID, dict[uuid.UUID, ReportClosed]] = {}

    async def apply(self, event: Event) -> bool:
        known = self.events.setdefault(event.report_id, {})
        if event.event_id in known:
            return False
        known[event.event_id] = event
        other = event.duplicate_of_report_id if isinstance(event, ReportClosed) else None
        if other is not None and other in self.events:  # as Mongo's update of the other
            self.linked.setdefault(other, {})[event.event_id] = event  # type: ignore[assignment]
        return True

    def _fold(self, report_id: uuid.UUID) -> ReportRecord:
        return fold(self.events[report_id].values(), self.linked.get(report_id, {}).values())

    def _records(self) -> list[ReportRecord]:
        return [self._fold(report_id) for report_id in sorted(self.events)]

    async def report(self, report_id: uuid.UUID) -> ReportRecord | None:
        return self._fold(report_id) if self.events.get(report_id) else None

    async def by_reference(self, reference: str) -> ReportRecord | None:
        return next((r for r in self._records() if r.reference == reference), None)

    async def existing_references(self, candidates: Sequence[str]) -> list[str]:
        known = {record.reference for record in self._records()}
        return [candidate for candidate in candidates if candidate in known]

    async def by_contact(self, email: str | None, phone: str | None) -> list[ReportRecord]:
        def matches(record: ReportRecord) -> bool:
            fields = queue_fields(record)  # the stored fields, normalised as the search is
            return (email is not None and fields["contact_email"] == email) or (
                phone is not None and fields["contact_phone"] == phone
            )

        return [record for record in self._records() if matches(record)][:MAX_ROWS]

    async def queue(self, filters: QueueFilter, now: datetime, limit: int) -> list[QueueRow]:
        rows = [queue_row(record, now) for record in self._records() if _kept(record, filters)]
        if filters.states is not None:
            rows = [row for row in rows if row.state in filters.states]
            return sorted(rows, key=_stored_order)[:limit]
        return queue_order(rows, now)[:limit]

    async def received_between(
        self, since: datetime, until: datetime, teams: frozenset[str] | None
    ) -> AsyncIterator[QueueRow]:
        rows = [
            queue_row(record, until)
            for record in self._records()
            if record.received_at is not None
            and since <= record.received_at < until
            and (teams is None or record.route in teams)
        ]
        for row in sorted(rows, key=lambda row: (row.received_at, str(row.report_id))):
            yield row


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
    if filters.assignee is not None and (filters.assignee or None) != record.work.assignee_id:
        return False
    return all(values is None or value in values for values, value in wanted)


def _stored_order(row: QueueRow) -> tuple[int, str, str, str]:
    group = queue_group(row.state, row.paused)
    due = "" if row.due_at is None else row.due_at.isoformat()
    received = "" if row.received_at is None else row.received_at.isoformat()
    return (group, due, received, str(row.report_id))


class GivenRecords:
    """A read model that answers with the records a test gives it, in the queue states the
    test names: for API tests that choose what the console holds without folding events
    (`FakeReportViews` folds them, with the rules of `MongoReportViews`)."""

    def __init__(self) -> None:
        self.records: dict[uuid.UUID, ReportRecord] = {}
        self.rows: dict[uuid.UUID, QueueRow] = {}
        self.reference_queries: list[list[str]] = []
        self.contact_queries: list[tuple[str | None, str | None]] = []

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
        self.contact_queries.append((email, phone))

        def matches(record: ReportRecord) -> bool:
            contact = record.contact or {}
            return (email is not None and contact.get("email") == email) or (
                phone is not None and contact.get("phone") == phone
            )

        return [r for r in self.records.values() if matches(r)]

    async def queue(self, filters: QueueFilter, now: datetime, limit: int) -> list[QueueRow]:
        open_rows = [r for r in self.rows.values() if r.state not in ("met", "met_late")]
        return [r for r in open_rows if _given_passes(r, filters)][:limit]

    async def received_between(
        self, since: datetime, until: datetime, teams: frozenset[str] | None
    ) -> AsyncIterator[QueueRow]:
        for row in list(self.rows.values()):
            received = row.received_at
            if received and since <= received < until and (teams is None or row.route in teams):
                yield row


def _given_passes(row: QueueRow, filters: QueueFilter) -> bool:
    wanted = (
        (filters.teams, row.route),
        (filters.routes, row.route),
        (filters.grades, row.grade),
        (filters.report_types, row.report_type),
        (filters.channels, row.channel),
        (filters.states, row.state),
    )
    return all(allowed is None or value in allowed for allowed, value in wanted)


class FakeAccessLog(EventLog):
    """`AccessLog` in memory: each entry kept once, in the order recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.stored: dict[uuid.UUID, AccessEntry] = {}

    async def record(self, entry: AccessEntry) -> None:
        if entry.entry_id in self.stored:
            return
        entry = replace(entry, at=to_milliseconds(entry.at))
        self.stored[entry.entry_id] = entry
        event = access_recorded(entry)
        self.add_pending(event.report_id, [event])

    async def entries(
        self,
        user_id: str | None,
        report_id: uuid.UUID | None,
        limit: int,
        *,
        action: AccessAction | None = None,
    ) -> list[AccessEntry]:
        found = [
            entry
            for entry in self.stored.values()
            if (user_id is None or entry.user_id == user_id)
            and (report_id is None or report_id in (entry.report_id, *entry.report_ids))
            and (action is None or entry.action is action)
        ]
        found.sort(key=lambda entry: (entry.at, str(entry.entry_id)), reverse=True)
        return found[: max(0, min(limit, MAX_ROWS))]

    @property
    def recorded(self) -> list[AccessEntry]:
        """Every entry, in the order recorded."""
        return list(self.stored.values())


@dataclass
class FakeAuthenticator:
    """`Authenticator` whose caller is whoever the test says (None: nobody signed in); it
    notes the refusals it is told of."""

    staff: Staff | None = None
    csrf: bool = True
    refusals: list[tuple[str, str]] = field(default_factory=list)

    async def staff_of(self, request: Request) -> Staff | None:
        return self.staff

    async def csrf_valid(self, request: Request) -> bool:
        return self.csrf

    async def cross_site(self, request: Request) -> bool:
        return False

    async def denied(self, request: Request, staff: Staff, why: str) -> None:
        self.refusals.append((staff.user_id, why))
