"""The console's JSON API under /v1: queues, breaches, figures and the board of alerts for
whoever sees queues; a report, and its contact details, for its team's operators and
supervisors. Every look at personal data, every refusal of one and every export is
written to the access log. Answers are never cached (`Cache-Control: no-store`)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.console.access import allow
from services.console.actions import allowed_actions
from services.console.audit import AccessAction
from services.console.ports import MAX_ROWS, AccessLog, ReportViews
from services.console.queues import (
    TEAMS,
    BoardAlert,
    ComplianceView,
    QueueItem,
    board_alerts,
    compliance_of,
    queue_item,
    scoped,
    teams_in_view,
)
from services.console.records import UNASSIGNED, QueueFilter, QueueState, ReportRecord
from services.console.responses import (
    NO_STORE,
    SIGNED_IN,
    CsvResponse,
    errors,
    invalid,
    no_store,
    refused,
)
from services.console.roles import READS_REPORTS as READS_REPORTS_ROLES
from services.console.roles import SEES_QUEUES, Role, Staff
from services.console.views import (
    ContactView,
    NotPermittedError,
    ReportView,
    access_entry,
    contact_details,
    report_view,
)
from shared.clock import Clock
from shared.csv_export import csv_text
from shared.events import Channel, ReportType
from shared.time_windows import WindowEdge

#: The most reports whose alerts the board reads (each is one read of the read model).
BOARD_REPORTS = 200
Grade = Annotated[int, Query(ge=1, le=4)]
SEES_QUEUE = allow(*SEES_QUEUES)
READS_REPORTS = allow(*READS_REPORTS_ROLES)
SUPERVISES = allow(Role.SUPERVISOR)
#: `?assignee=me`: the caller's own queue.
ME = "me"


def queue_filters(
    *,
    team: Annotated[list[str] | None, Query()] = None,
    grade: Annotated[list[Grade] | None, Query()] = None,
    report_type: Annotated[list[ReportType] | None, Query(alias="type")] = None,
    channel: Annotated[list[Channel] | None, Query()] = None,
    state: Annotated[list[QueueState] | None, Query()] = None,
    assignee: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> QueueFilter:
    """The queue's filters, each repeatable (`?grade=1&grade=2`); none means any.
    `assignee`: `me`, `none` (the team's queue, unclaimed) or a user id."""
    unknown = sorted(set(team or ()) - TEAMS)
    if unknown:
        raise invalid("team", f"must be one of {', '.join(sorted(TEAMS))}")
    return QueueFilter(
        routes=frozenset(team) if team else None,
        grades=frozenset(grade) if grade else None,
        report_types=frozenset(t.value for t in report_type) if report_type else None,
        channels=frozenset(c.value for c in channel) if channel else None,
        states=frozenset(state) if state else None,
        assignee={"none": UNASSIGNED}.get(assignee or "", assignee),
    )


Filters = Annotated[QueueFilter, Depends(queue_filters)]


def _csv(queue: list[QueueItem]) -> str:
    rows = [item.model_dump(mode="json") for item in queue]
    for row in rows:
        row["warnings"] = " ".join(row["warnings"])
    return csv_text(list(QueueItem.model_fields), rows)


def _window(
    since: datetime | None, until: datetime | None, length: timedelta, now: datetime
) -> tuple[datetime, datetime]:
    """[since, until): by default the `length` up to now."""
    until = until or now
    since = since or until - length
    if since >= until:
        raise invalid("since", "must be before until")
    return since, until


def queues_router(views: ReportViews, access_log: AccessLog, clock: Clock) -> APIRouter:
    """The queues, figures and board of alerts: no personal data."""
    router = APIRouter(
        prefix="/v1", tags=["console"], dependencies=[Depends(no_store)], responses=SIGNED_IN
    )

    async def items(filters: QueueFilter, staff: Staff) -> list[QueueItem]:
        now = clock.now()
        if filters.assignee == ME:
            filters = replace(filters, assignee=staff.user_id)
        rows = await views.queue(scoped(filters, staff), now, MAX_ROWS)
        return [queue_item(row, staff, now) for row in rows]

    @router.get("/queue", response_model=list[QueueItem])
    async def open_queue(filters: Filters, staff: Staff = SEES_QUEUE) -> list[QueueItem]:
        """Open reports, soonest to breach first; an operator's holds their teams' only."""
        return await items(filters, staff)

    @router.get("/queue.csv", response_class=CsvResponse)
    async def queue_csv(filters: Filters, staff: Staff = SUPERVISES) -> CsvResponse:
        """The queue as CSV for a spreadsheet: an export, written to the access log."""
        queue = await items(filters, staff)
        entry = access_entry(
            staff,
            AccessAction.EXPORT,
            clock.now(),
            shown=["queue"],
            matches=len(queue),
            report_ids=[item.report_id for item in queue],
        )
        await access_log.record(entry)
        return CsvResponse(_csv(queue), headers=NO_STORE)

    @router.get("/breaches", response_model=list[QueueItem])
    async def breaches(staff: Staff = SEES_QUEUE) -> list[QueueItem]:
        """Open reports past their target, most overdue first."""
        return await items(QueueFilter(states=frozenset({"breached"})), staff)

    @router.get("/compliance", response_model=ComplianceView)
    async def compliance(
        since: WindowEdge | None = None,
        until: WindowEdge | None = None,
        window_hours: Annotated[float, Query(gt=0, le=24 * 366)] = 24 * 7,
        staff: Staff = SEES_QUEUE,
    ) -> ComplianceView:
        """Reports received in [since, until); by default the `window_hours` up to now.
        Both dates lie in 2000-2199 (422 otherwise), `since` before `until`. An operator's
        figures are their own teams', as their queue is."""
        since, until = _window(since, until, timedelta(hours=window_hours), clock.now())
        rows = views.received_between(since, until, teams_in_view(staff))
        return compliance_of([row async for row in rows], since, until)

    @router.get("/alerts", response_model=list[BoardAlert])
    async def alerts(staff: Staff = SEES_QUEUE) -> list[BoardAlert]:
        """Alerts not yet resolved, of the teams whose queue the caller sees: open ones
        first, then acknowledged; newest first."""
        rows = await views.queue(scoped(QueueFilter(), staff), clock.now(), MAX_ROWS)
        alerted = [row.report_id for row in rows if row.open_alerts][:BOARD_REPORTS]
        records = [await views.report(report_id) for report_id in alerted]
        return board_alerts(record for record in records if record is not None)

    return router


def reports_router(views: ReportViews, access_log: AccessLog, clock: Clock) -> APIRouter:
    """A report, and its contact details: for its team's operators and supervisors."""
    router = APIRouter(
        prefix="/v1", tags=["console"], dependencies=[Depends(no_store)], responses=SIGNED_IN
    )

    async def openable(report_id: uuid.UUID, staff: Staff, now: datetime) -> ReportRecord:
        record = await views.report(report_id)
        if record is None:
            raise refused(404, "no report has this id")
        if not staff.may_read_team(record.route):
            denied = access_entry(
                staff, AccessAction.DENIED, now, report_id=report_id, detail="team"
            )
            await access_log.record(denied)
            raise refused(403, "the report is not one of your teams'")
        return record

    @router.get("/reports/{report_id}", response_model=ReportView, responses=errors(404))
    async def report(report_id: uuid.UUID, staff: Staff = READS_REPORTS) -> ReportView:
        """Everything known of a report, its contact details masked: a consultation."""
        now = clock.now()
        record = await openable(report_id, staff, now)
        try:
            view = report_view(record, staff, now)
            view.allowed_actions = allowed_actions(staff, record)
        except NotPermittedError:  # the check above already refused anyone it would refuse
            raise refused(403, "not permitted") from None
        entry = access_entry(
            staff,
            AccessAction.VIEW_REPORT,
            now,
            report_id=report_id,
            reference=record.reference,
            shown=view.shown,
        )
        await access_log.record(entry)
        return view

    @router.get("/reports/{report_id}/contact", response_model=ContactView, responses=errors(404))
    async def contact(report_id: uuid.UUID, staff: Staff = READS_REPORTS) -> ContactView:
        """The reporter's contact details in full: a disclosure."""
        now = clock.now()
        record = await openable(report_id, staff, now)
        details = contact_details(record, staff)
        if details is None:
            raise refused(404, "the report is anonymous: no contact details")
        entry = access_entry(
            staff,
            AccessAction.REVEAL_CONTACT,
            now,
            report_id=report_id,
            reference=record.reference,
            shown=["contact"],
        )
        await access_log.record(entry)
        return details

    return router
